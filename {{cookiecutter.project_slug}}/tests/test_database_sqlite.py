"""SQLite is set up for one web server and several workers writing at once."""

from contextlib import closing

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper


@pytest.mark.django_db
def test_transactions_take_the_write_lock_when_they_begin_and_writers_wait_for_it():
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000


@pytest.mark.django_db
def test_the_database_file_uses_write_ahead_logging(tmp_path, settings):
    # The test database lives in memory, where WAL does not apply: open a file.
    database = {**settings.DATABASES["default"], "NAME": tmp_path / "db.sqlite3"}
    with closing(DatabaseWrapper(database)) as wrapper, wrapper.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
