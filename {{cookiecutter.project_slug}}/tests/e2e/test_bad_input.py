"""Scenario 6: the registration form explains what is wrong and enqueues nothing."""

import pytest
from playwright.sync_api import Page, expect

from {{ cookiecutter.project_slug }}.accounts.models import User

from ..support import queues
from .steps import PASSWORD, fill_in_registration

# Django's message, with a typographic apostrophe.
PASSWORDS_DIFFER = "The two password fields didn\N{RIGHT SINGLE QUOTATION MARK}t match."


@pytest.mark.parametrize(
    ("email", "confirmation", "error"),
    [
        ("ada.example.com", PASSWORD, "Enter a valid email address."),
        ("ada@example.com", "a different passphrase", PASSWORDS_DIFFER),
    ],
    ids=["invalid-email", "mismatched-passwords"],
)
def test_bad_input_shows_its_form_error_and_enqueues_nothing(
    page: Page, site_url: str, email: str, confirmation: str, error: str
):
    """Someone fills in the registration form wrongly: an address that is not one, or a
    confirmation that differs from the password. The form comes back with the error next to the
    field, nobody new is registered and no task is enqueued. (An address already registered is
    no error the form shows: test_forgotten_password.py.)"""
    User.objects.create_user("taken@example.com", PASSWORD)

    fill_in_registration(page, site_url, email, confirmation=confirmation)
    page.get_by_role("button", name="Register").click()

    expect(page.locator(".errorlist")).to_have_text(error)
    expect(page.get_by_role("button", name="Register")).to_be_visible()
    assert list(User.objects.values_list("email", flat=True)) == ["taken@example.com"]
    assert not queues.enqueued(), "a task was enqueued for a form with errors"
