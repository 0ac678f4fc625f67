"""Keep the SQLite test database in a file when a test starts worker processes (they cannot
open an in-memory one)."""

import shutil
import tempfile
from functools import partial
from pathlib import Path

import pytest
from django.db import connections


def pytest_collection_finish(session: pytest.Session) -> None:
    """Give the test database a file if a collected test uses `worker_environment`."""
    if not any("worker_environment" in getattr(item, "fixturenames", ()) for item in session.items):
        return
    test = connections.settings["default"].setdefault("TEST", {})
    if not test.get("NAME"):
        directory = tempfile.mkdtemp(prefix="test-database-")
        test["NAME"] = str(Path(directory) / "test.sqlite3")
        session.config.add_cleanup(partial(shutil.rmtree, directory, ignore_errors=True))
