"""Scenario 5: when the mail server refuses for good, the status page says so at once."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from .steps import register

pytestmark = pytest.mark.e2e


def test_a_refused_welcome_email_fails_at_once_and_the_site_does_not_error(
    page: Page, site_url: str, smtp, screenshot
):
    """Grace registers while the mail server refuses every message ("554").

    A refusal will not change by sending again, so the task is not retried: her
    status page turns to FAILED after one attempt and names the exception's
    class, smtplib.SMTPDataError, and nothing more (no message, no traceback).
    The site itself does not error: the registration went through, she is
    logged in, and the status page still loads and shows the failure.
    """
    with smtp.refusing():
        status_page = register(page, site_url, "grace@example.com")
        expect(page.get_by_test_id("task-status")).to_have_text("FAILED", timeout=10_000)
    error = page.get_by_test_id("task-error")
    expect(error).to_have_text("smtplib.SMTPDataError")
    expect(page.get_by_test_id("task-attempts").locator("li")).to_have_count(1)
    screenshot(page, "task-status-failed.png")

    response = page.goto(status_page)
    assert response is not None and response.status == 200
    expect(page.get_by_test_id("task-status")).to_have_text("FAILED")
    expect(error).to_have_text("smtplib.SMTPDataError")
    response = page.goto(site_url + reverse("home"))
    assert response is not None and response.status == 200
    expect(page.get_by_text("grace@example.com")).to_be_visible()
    assert smtp.messages == []
