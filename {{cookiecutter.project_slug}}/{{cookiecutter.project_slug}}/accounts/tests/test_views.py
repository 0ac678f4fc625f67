"""Registering: the account is created, the user logged in, the welcome email enqueued; a taken
address is not revealed, its owner is told."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.urls import reverse

from ...taskstatus.models import OwnedTask
from ..models import User
from ..notices import send_account_exists_email
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
    assert (owned.owner, owned.title) == (user, "Welcome email")  # no address in titles
    assert client.get(reverse("home")).context["user"] == user


def test_the_longest_valid_address_registers(client, captured_tasks):
    """254 characters, the most an address may have; it once overflowed the task's title."""
    email = f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 57}.com"
    assert len(email) == 254

    response = client.post(URL, {**REGISTRATION, "email": email})

    assert response.status_code == 302
    assert response.url.startswith("/tasks/")
    assert User.objects.get().email == email


@pytest.mark.parametrize("taken", ["ada@example.com", "ADA@example.com"])
def test_a_taken_address_gets_a_neutral_page_and_its_owner_an_email(
    client, captured_tasks, mailoutbox, taken
):
    """Whatever its case. The visitor is not told "already exists", nor logged in; the owner
    learns that someone tried, from a task on the emails queue."""
    ada = User.objects.create_user("ada@example.com", PASSWORD)

    response = client.post(URL, {**REGISTRATION, "email": taken})

    assert response.status_code == 200
    assert "Check your email" in response.text
    assert "already" not in response.text
    assert User.objects.count() == 1
    assert "_auth_user_id" not in client.session
    [tell_ada] = captured_tasks.results()
    assert tell_ada.task.name == send_account_exists_email.name
    assert tell_ada.args == [ada.pk, "http://testserver"]  # an id and a plain value
    assert mailoutbox == []  # not from the request
    captured_tasks.run_all()
    [message] = mailoutbox
    assert message.to == ["ada@example.com"]
    assert message.subject == "Someone tried to register with your address"
    assert "http://testserver/accounts/password_reset/" in message.body


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
