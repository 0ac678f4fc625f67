"""Scenario 1: registering sends a welcome email, and the status page follows it."""

import re

from playwright.sync_api import Page, expect

from .steps import TASK_STATUS_PAGE, fill_in_registration

WAITING = re.compile(r"^(READY|RUNNING)$")


def test_registering_sends_one_welcome_email_and_the_status_page_follows_it(
    page: Page, site_url: str, smtp, screenshot
):
    """Ada registers and lands on the status page of her welcome email.

    The page first says the email is waiting. The `emails` worker sends it over SMTP, and the
    page turns to SUCCESSFUL without a reload. The server received one message: to Ada, with
    the welcome subject and text.
    """
    fill_in_registration(page, site_url, "ada@example.com")
    screenshot(page, "register.png")

    with smtp.holding():  # until the page was seen waiting: the worker is that fast
        page.get_by_role("button", name="Register").click()
        expect(page).to_have_url(TASK_STATUS_PAGE)
        status = page.get_by_test_id("task-status")
        expect(status, "the welcome email should still be waiting").to_have_text(WAITING)
        page.evaluate("window.neverReloaded = true")

    expect(status, "the page should follow the task").to_have_text("SUCCESSFUL", timeout=10_000)
    expect(page.get_by_text("Done.")).to_be_visible()
    assert page.evaluate("window.neverReloaded") is True, "the status page was reloaded"
    screenshot(page, "task-status-done.png")

    [email] = smtp.wait_for_messages(1, to="ada@example.com", timeout=5)
    assert smtp.messages == [email]
    assert email.recipients == ["ada@example.com"]
    assert email.subject == "Welcome aboard, ada@example.com!"
    assert "Hello ada@example.com," in email.text
    assert "Welcome! Your account is ready." in email.text
