"""Keep the SQLite test database in a file when a test starts worker processes (they cannot
open an in-memory one) or threads (sharing an in-memory one, they lock each other out)."""

import shutil
import tempfile
from functools import partial
from pathlib import Path

import pytest
from django.db import connections


def pytest_collection_finish(session: pytest.Session) -> None:
    """Give the test database a file if a collected test uses other processes or threads."""
    fixtures = {"worker_environment", "database_for_threads"}
    if not any(fixtures.intersection(getattr(item, "fixturenames", ())) for item in session.items):
        return
    test = connections.settings["default"].setdefault("TEST", {})
    if not test.get("NAME"):
        directory = tempfile.mkdtemp(prefix="test-database-")
        test["NAME"] = str(Path(directory) / "test.sqlite3")
        session.config.add_cleanup(partial(shutil.rmtree, directory, ignore_errors=True))
