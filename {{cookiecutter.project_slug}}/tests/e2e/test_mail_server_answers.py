"""Scenario 5: the status page shows what the mail server answered: each attempt, or a failure."""

from django.urls import reverse
from playwright.sync_api import Page, expect

from ..support.smtp import TRY_LATER
from .steps import register


def test_a_retried_welcome_email_shows_each_attempt_to_its_owner_only(
    page: Page, new_context, site_url: str, smtp, screenshot
):
    """Ada registers while the mail server answers "451 try again later" to two messages.

    The first two attempts fail; each time the task goes back to READY under the same id and
    runs again after its backoff; the third is accepted. Ada's status page, without a reload,
    ends on SUCCESSFUL and lists two attempts failed with smtplib.SMTPDataError, then the one
    that worked; "Your tasks" lists it. Bob, in another browser, gets 404 for Ada's page and JSON.
    """
    with smtp.refusing(TRY_LATER, times=2):
        status_page = register(page, site_url, "ada@example.com")
        expect(page.get_by_test_id("task-status")).to_have_text("SUCCESSFUL", timeout=15_000)

    assert page.url == status_page  # one task id across the attempts
    expect(page.get_by_test_id("task-title")).to_have_text("Welcome email")
    attempts = page.get_by_test_id("task-attempts").locator("li")
    expect(attempts).to_have_count(3)
    for failed in (attempts.nth(0), attempts.nth(1)):
        expect(failed).to_contain_text("failed with smtplib.SMTPDataError")
    expect(attempts.nth(2)).not_to_contain_text("failed")
    screenshot(page, "task-status-retried.png")
    [email] = smtp.wait_for_messages(1, to="ada@example.com", timeout=5)
    assert smtp.messages == [email]

    page.goto(site_url + reverse("taskstatus:list"))
    expect(page.get_by_test_id("task-list")).to_contain_text("Welcome email")
    expect(page.get_by_test_id("task-list")).to_contain_text("SUCCESSFUL")
    screenshot(page, "task-list.png")

    bob = new_context().new_page()
    register(bob, site_url, "bob@example.com")
    for url in [status_page, status_page + "status.json"]:
        response = bob.goto(url)
        assert response is not None and response.status == 404, url


def test_a_refused_welcome_email_fails_at_once_and_the_site_does_not_error(
    page: Page, site_url: str, smtp, screenshot
):
    """Grace registers while the mail server refuses every message ("554").

    Sending again would be refused again, so the task is not retried: her status page turns to
    FAILED after one attempt and names smtplib.SMTPDataError, with no message or traceback.
    The site does not error: she is registered and logged in, and the page shows the failure.
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
