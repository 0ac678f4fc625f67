"""Scenario 7: Ada forgot she had an account; the site tells her, and nobody else, by email."""

from django.urls import reverse
from playwright.sync_api import Page, expect

from {{ cookiecutter.project_slug }}.accounts.models import User

from ..support.smtp import ReceivedEmail
from .steps import PASSWORD, fill_in_registration

NEW_PASSWORD = "a brand new passphrase"


def link_in(email: ReceivedEmail, path: str) -> str:
    """The link of the email's text that goes to `path`."""
    [link] = [word for word in email.text.split() if word.startswith("http") and path in word]
    return link


def test_registering_a_taken_address_emails_its_owner_who_chooses_a_new_password(
    page: Page, site_url: str, smtp
):
    """Ada registers again with her address. The page says only "check your email", as it would
    for anyone; the `emails` worker sends Ada a message saying someone tried, with a link to
    choose a new password. She asks for one there: the same page answers for her address and
    for an unknown one, and only her reset email arrives. She follows its link, chooses a new
    password and logs in with it."""
    User.objects.create_user("ada@example.com", PASSWORD)

    fill_in_registration(page, site_url, "ada@example.com")
    page.get_by_role("button", name="Register").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    expect(page.locator("body")).not_to_contain_text("already")
    [tried] = smtp.wait_for_messages(1, to="ada@example.com")
    assert tried.subject == "Someone tried to register with your address"

    answers = []
    for email in ["nobody@example.com", "ada@example.com"]:
        page.goto(link_in(tried, "/password_reset/"))
        page.locator("input[name=email]").fill(email)
        page.get_by_role("button", name="Send me the link").click()
        answers.append((page.url, page.locator("main").inner_text()))
    assert answers[0] == answers[1]
    [_, reset] = smtp.wait_for_messages(2, to="ada@example.com")
    assert reset.subject == "Choose a new password"
    assert [m.recipients for m in smtp.messages] == [["ada@example.com"]] * 2

    page.goto(link_in(reset, "/reset/"))
    page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change my password").click()
    expect(page.locator("h1")).to_have_text("Password changed")

    page.goto(site_url + reverse("login"))
    page.locator("input[name=username]").fill("ada@example.com")
    page.locator("input[name=password]").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".who")).to_have_text("ada@example.com")
