"""The load test's own database: the site and workers run in other processes."""

from collections.abc import Iterator

import pytest

from {{ cookiecutter.project_slug }}.testing.scratch_database import (
    ScratchDatabase,
    scratch_database,
)


@pytest.fixture
def load_database(
    django_db_setup: None, django_db_blocker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ScratchDatabase]:
    """A fresh database for gunicorn and the workers, readable from the test too."""
    directory = tmp_path_factory.mktemp("database")
    with django_db_blocker.unblock(), scratch_database("load", directory) as database:
        yield database
