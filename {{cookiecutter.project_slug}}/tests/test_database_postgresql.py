"""PostgreSQL comes from DATABASE_URL."""

import pytest
from django.conf import settings
from django.db import connection


def test_the_database_is_postgresql():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.mark.django_db
def test_the_server_is_recent_enough_for_django():
    assert connection.pg_version >= 150000
