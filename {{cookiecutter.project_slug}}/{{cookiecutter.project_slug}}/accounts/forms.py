"""The registration form, and the password reset form whose email goes from a task."""

from functools import partial
from typing import Any

from django.contrib.auth.forms import BaseUserCreationForm, PasswordResetForm
from django.db import transaction

from .models import User
from .notices import send_password_reset_email


class RegistrationForm(BaseUserCreationForm):
    """Validates a new account: an email address and a password typed twice.

    An address already registered is no form error: the form would tell anyone whose address
    has an account. The view finds out when it saves, and mails the address's owner instead.
    """

    class Meta:
        model = User
        fields = ["email"]

    def clean_email(self) -> str:
        """Normalize the address's domain, as the user model does."""
        return User.objects.normalize_email(self.cleaned_data["email"])

    def validate_unique(self) -> None:
        """Skip the model's uniqueness checks, which say "already exists": the database
        still refuses a second account for an address, when the view saves it."""

    validate_constraints = validate_unique  # the one-account-per-address constraint, the same


class PasswordResetRequestForm(PasswordResetForm):
    """Django's form, but its email goes from a task on the `emails` queue.

    The request only enqueues it, for an address with an account, and nothing otherwise: the
    answer is the same page either way, and takes about as long (a task row more, a millisecond,
    where sending took the mail server's time); a slow mail server holds no web worker.
    """

    def save(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        """Enqueue a reset email for each active user with this address, on commit."""
        site_url = f"{request.scheme}://{request.get_host()}"
        for user in self.get_users(self.cleaned_data["email"]):
            transaction.on_commit(partial(send_password_reset_email.enqueue, user.pk, site_url))
