"""Registering hashes the password before its transaction, not inside it.

A production password hash (PBKDF2) takes most of a second of CPU, on purpose.
Inside the transaction it would hold the transaction's locks that long: every
worker and every other registration that needs them waits, and under load some
wait past the database's timeout and fail.
"""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.urls import reverse

PASSWORD = "correct horse battery staple"


class TransactionWatchingHasher(MD5PasswordHasher):
    """A fast hasher that notes whether each hash ran inside a transaction."""

    algorithm = "md5_watched"
    inside_transaction: list[bool] = []

    def encode(self, password: str, salt: str) -> str:
        self.inside_transaction.append(connection.in_atomic_block)
        return super().encode(password, salt)


@pytest.mark.django_db(transaction=True)  # no test transaction around the view's own
def test_the_password_is_hashed_before_the_transaction_begins(client, settings, captured_tasks):
    settings.PASSWORD_HASHERS = [f"{__name__}.TransactionWatchingHasher"]
    TransactionWatchingHasher.inside_transaction = []
    form = {"email": "ada@example.com", "password1": PASSWORD, "password2": PASSWORD}

    assert client.post(reverse("register"), form).status_code == 302
    assert TransactionWatchingHasher.inside_transaction == [False]
