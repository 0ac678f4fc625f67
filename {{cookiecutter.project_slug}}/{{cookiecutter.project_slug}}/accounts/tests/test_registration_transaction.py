"""Registering hashes the password before its transaction, not inside it.

A production password hash (PBKDF2) takes about 0.75 s of CPU, on purpose. On
SQLite the registration's transaction holds the database's only write lock
(transaction_mode IMMEDIATE): hashing inside it made every worker and every
other registration wait, and under load (tests/load/ with production's hasher)
some waited past the busy timeout and failed with "database is locked".
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

    response = client.post(
        reverse("register"),
        {"email": "ada@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    assert TransactionWatchingHasher.inside_transaction == [False]
