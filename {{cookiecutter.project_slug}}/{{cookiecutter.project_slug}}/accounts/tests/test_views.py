"""Registering: the account is created, the user logged in, the welcome email enqueued."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.urls import reverse

from ...taskstatus.models import OwnedTask
from ..forms import RegistrationForm
from ..models import User
from ..tasks import send_welcome_email

PASSWORD = "correct horse battery staple"
URL = reverse("register")
REGISTRATION = {"email": "ada@example.com", "password1": PASSWORD, "password2": PASSWORD}

# The view enqueues on commit: its transaction must really commit, hence transaction=True.
pytestmark = pytest.mark.django_db(transaction=True)


def test_registering_logs_the_user_in_on_the_welcome_emails_status_page(client, captured_tasks):
    status_page = client.post(URL, REGISTRATION).url

    user = User.objects.get(email="ada@example.com")
    [welcome] = captured_tasks.results(send_welcome_email)
    assert welcome.args == [user.pk]
    assert status_page == reverse("taskstatus:page", args=[welcome.id])
    owned = OwnedTask.objects.get(task_id=welcome.id)
    assert (owned.owner, owned.title) == (user, "Welcome email to ada@example.com")
    assert client.get(reverse("home")).context["user"] == user


def test_a_registration_racing_another_for_the_same_address_gets_a_form_error(
    client, captured_tasks, monkeypatch
):
    # Both requests passed validation; the other one committed first.
    User.objects.create_user("ada@example.com", PASSWORD)
    monkeypatch.setattr(RegistrationForm, "clean_email", lambda form: form.cleaned_data["email"])

    response = client.post(URL, REGISTRATION)

    assert "already exists" in response.context["form"].errors["email"][0]
    assert User.objects.count() == 1
    assert captured_tasks.results() == []


class TransactionWatchingHasher(MD5PasswordHasher):
    """A fast hasher that notes whether each hash ran inside a transaction."""

    algorithm = "md5_watched"
    inside_transaction: list[bool] = []

    def encode(self, password: str, salt: str) -> str:
        self.inside_transaction.append(connection.in_atomic_block)
        return super().encode(password, salt)


def test_the_password_is_hashed_before_the_transaction_begins(client, settings, captured_tasks):
    """A production hash (PBKDF2) takes most of a second of CPU, on purpose. Inside the
    transaction it would hold the transaction's locks that long: every worker and every other
    registration that needs them would wait, and under load some past the database's timeout."""
    settings.PASSWORD_HASHERS = [f"{__name__}.TransactionWatchingHasher"]
    TransactionWatchingHasher.inside_transaction = []

    assert client.post(URL, REGISTRATION).status_code == 302
    assert TransactionWatchingHasher.inside_transaction == [False]
