"""`start_process`: a Procfile line (the scheduler, a worker) running on the test database."""

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support import procfile
from tests.support.waiting import wait_until
from tests.support.workers import WorkerProcess

STARTED = re.compile(r"Starting (worker|scheduler)")


@pytest.fixture
def start_process(
    transactional_db: None, worker_environment: dict[str, str], tmp_path: Path
) -> Iterator[Callable[..., WorkerProcess]]:
    """`start_process("scheduler", MONTHLY_REPORT_CRON="* * * * * *")`: that line, running.

    The process shares the test database (so the test's data must be committed:
    `transactional_db`) and the test SMTP server. It is returned once it has
    started (a worker took its id, the scheduler its lease), or at once with
    `ready=False`, and stops with SIGTERM at the end of the test.
    """
    started: list[WorkerProcess] = []

    def start(name: str, *, ready: bool = True, **env: str) -> WorkerProcess:
        log = tmp_path / f"{name}-{len(started) + 1}.log"
        process = WorkerProcess(
            procfile.processes()[name], env={**worker_environment, **env}, log_path=log
        )
        started.append(process.start())
        if ready:
            wait_until(lambda: has_started(process), timeout=30, waiting_for=f"{name} to start")
        return process

    yield start
    for process in reversed(started):
        process.stop()


def has_started(process: WorkerProcess) -> bool:
    """Whether the process says it started; fail at once if it exited."""
    if not process.is_running:
        name, status = process.line.name, process.returncode
        raise RuntimeError(f"{name} exited with {status}:\n{process.output()}")
    return bool(STARTED.search(process.output()))
