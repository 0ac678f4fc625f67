"""What the evidence needs beside the baked project's own test support."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support import procfile
from tests.support.workers import WorkerProcess


@pytest.fixture
def start_worker(
    transactional_db: None, worker_environment: dict[str, str], tmp_path: Path
) -> Iterator[Callable[..., WorkerProcess]]:
    """`start_worker("emails", SOME_SETTING="1")`: the Procfile's `emails` line, running.

    The worker shares the test database (so the test's data must be committed:
    `transactional_db`) and stops with SIGTERM at the end of the test.
    """
    started: list[WorkerProcess] = []

    def start(name: str, **env: str) -> WorkerProcess:
        log = tmp_path / f"{name}-{len(started) + 1}.log"
        worker = WorkerProcess(procfile.workers()[name], env={**worker_environment, **env}, log_path=log)
        started.append(worker)
        worker.start().wait_until_ready()
        return worker

    yield start
    for worker in started:
        worker.stop()
