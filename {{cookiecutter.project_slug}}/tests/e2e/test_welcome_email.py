"""Scenario 1: registering sends a welcome email, and the status page follows it."""

import re

import pytest
from playwright.sync_api import Page, expect

from .steps import TASK_STATUS_PAGE, fill_in_registration

pytestmark = pytest.mark.e2e

WAITING = re.compile(r"^(READY|RUNNING)$")


def test_registering_sends_one_welcome_email_and_the_status_page_follows_it(
    page: Page, site_url: str, smtp, screenshot
):
    """Ada registers and lands on the status page of her welcome email.

    The page first says the email is waiting. The `emails` worker sends it over
    SMTP, and the page turns to SUCCESSFUL by itself, without a reload. The mail
    server received exactly one message: to Ada, with the welcome subject and text.

    (The test's mail server holds the message until the page has been seen
    waiting: the worker is fast enough to be done before the page first shows.)
    """
    fill_in_registration(page, site_url, "ada@example.com")
    screenshot(page, "register.png")

    with smtp.holding():
        page.get_by_role("button", name="Register").click()
        expect(page).to_have_url(TASK_STATUS_PAGE)
        status = page.get_by_test_id("task-status")
        expect(status, "the welcome email should still be waiting").to_have_text(WAITING)
        page.evaluate("window.neverReloaded = true")

    expect(status, "the page should follow the task until it is sent").to_have_text(
        "SUCCESSFUL", timeout=10_000
    )
    expect(page.get_by_text("Done.")).to_be_visible()
    assert page.evaluate("window.neverReloaded") is True, "the status page was reloaded"
    screenshot(page, "task-status-done.png")

    [email] = smtp.wait_for_messages(1, to="ada@example.com", timeout=5)
    assert smtp.messages == [email]
    assert email.recipients == ["ada@example.com"]
    assert email.subject == "Welcome aboard, ada@example.com!"
    assert "Hello ada@example.com," in email.text
    assert "Welcome! Your account is ready." in email.text
