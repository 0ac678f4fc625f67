"""Fixtures for tests that run workers in subprocesses.

They share a scratch database with this process (see testing/scratch_database.py)
and send email to an SMTP server in this process (testing/smtp.py).
"""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ...testing.production import HeartbeatWorker, production_environment
from ...testing.scratch_database import ScratchDatabase, scratch_database
from ...testing.smtp import SMTPServer

# Short enough for tests: a beat every 0.2 s; a worker silent for 1.5 s is dead.
FAST_HEARTBEAT = {"WORKER_HEARTBEAT_SECONDS": "0.2", "WORKER_STALE_AFTER_SECONDS": "1.5"}


@pytest.fixture(scope="package")
def process_database(
    django_db_setup: None, django_db_blocker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ScratchDatabase]:
    """One database for this package's worker processes, migrated once."""
    directory = tmp_path_factory.mktemp("database")
    with django_db_blocker.unblock(), scratch_database("workers_tests", directory) as database:
        yield database


@pytest.fixture
def database(process_database: ScratchDatabase, django_db_blocker) -> Iterator[ScratchDatabase]:
    """The workers' database, where this test's queries go too; emptied after the test."""
    with django_db_blocker.unblock(), process_database.routed():
        yield process_database
        process_database.clear()


@pytest.fixture
def worker_env(database: ScratchDatabase, smtp: SMTPServer) -> dict[str, str]:
    """Production settings for a worker: this database, this SMTP server, fast heartbeats."""
    return production_environment(database, smtp_port=smtp.port, **FAST_HEARTBEAT)


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    """Where the workers of this test write their output."""
    return tmp_path / "logs"


@pytest.fixture
def emails_worker(worker_env: dict[str, str], logs: Path) -> Callable[[str], HeartbeatWorker]:
    """Make (not start) a worker of the `emails` queue named `name`, as the Procfile runs it."""

    def make(name: str) -> HeartbeatWorker:
        return HeartbeatWorker(
            ["emails"], worker_id=name, env=worker_env, log_path=logs / f"{name}.log"
        )

    return make
