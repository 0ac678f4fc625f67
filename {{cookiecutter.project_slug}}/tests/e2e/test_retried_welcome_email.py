"""Scenario 7: a welcome email the mail server put off twice; its status page tells the story."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from ..support.smtp import TRY_LATER
from .steps import register

pytestmark = pytest.mark.e2e


def test_a_retried_welcome_email_shows_each_attempt_to_its_owner_only(
    page: Page, new_context, site_url: str, smtp, screenshot
):
    """Ada registers while the mail server answers "451 try again later" to the next
    two messages.

    The `emails` worker's first two attempts fail; each time the task goes back
    to READY, under the same id, and runs again after its backoff. The third is
    accepted. Ada's status page, without a reload, ends on SUCCESSFUL and lists
    the three attempts: two failed with smtplib.SMTPDataError, then the one that
    worked. The mail server received one message; "Your tasks" lists the email.
    Bob, signed in in another browser, gets 404 for Ada's page and its JSON.
    """
    with smtp.refusing(TRY_LATER, times=2):
        status_page = register(page, site_url, "ada@example.com")
        expect(page.get_by_test_id("task-status")).to_have_text("SUCCESSFUL", timeout=15_000)

    assert page.url == status_page  # one task id across the attempts
    expect(page.get_by_test_id("task-title")).to_have_text("Welcome email to ada@example.com")
    attempts = page.get_by_test_id("task-attempts").locator("li")
    expect(attempts).to_have_count(3)
    for failed in (attempts.nth(0), attempts.nth(1)):
        expect(failed).to_contain_text("failed with smtplib.SMTPDataError")
    expect(attempts.nth(2)).not_to_contain_text("failed")
    screenshot(page, "task-status-retried.png")
    [email] = smtp.wait_for_messages(1, to="ada@example.com", timeout=5)
    assert smtp.messages == [email]

    page.goto(site_url + reverse("taskstatus:list"))
    expect(page.get_by_test_id("task-list")).to_contain_text("Welcome email to ada@example.com")
    expect(page.get_by_test_id("task-list")).to_contain_text("SUCCESSFUL")
    screenshot(page, "task-list.png")

    bob = new_context().new_page()
    register(bob, site_url, "bob@example.com")
    for url in [status_page, status_page + "status.json"]:
        response = bob.goto(url)
        assert response is not None and response.status == 404, url
