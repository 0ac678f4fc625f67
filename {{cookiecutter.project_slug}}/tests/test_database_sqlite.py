"""SQLite is set up for one web server and several workers writing at once."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_transactions_take_the_write_lock_when_they_begin():
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db
def test_writers_wait_for_the_lock_instead_of_failing():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000


@pytest.mark.django_db
def test_the_database_file_uses_write_ahead_logging(tmp_path, settings):
    # The test database lives in memory, where WAL does not apply: open a file.
    from django.db.backends.sqlite3.base import DatabaseWrapper

    database = {**settings.DATABASES["default"], "NAME": tmp_path / "db.sqlite3"}
    wrapper = DatabaseWrapper(database)
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
    finally:
        wrapper.close()
