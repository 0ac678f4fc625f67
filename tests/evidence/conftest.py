"""What the evidence needs beside the baked project's own test support."""

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support import procfile
from tests.support.waiting import wait_until
from tests.support.workers import WorkerProcess as BakedWorkerProcess

STARTED = re.compile(r"Starting worker worker_id=(\S+)")


class WorkerProcess(BakedWorkerProcess):
    """The bake's worker process, with what the evidence does to it beyond starting and stopping."""

    @property
    def worker_id(self) -> str:
        """The unique id this process runs under, as it logged when it started."""
        match = STARTED.search(self.output())
        assert match, f"{self.line.name} has not started:\n{self.output()}"
        return match[1]

    @property
    def returncode(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def wait(self, timeout: float) -> int:
        """Wait for the process to exit; return its exit status."""
        assert self.process, "the worker was never started"
        return self.process.wait(timeout)

    def kill(self) -> int:
        """SIGKILL, as a crash would: the running task stays RUNNING until recovered."""
        assert self.process, "the worker was never started"
        self.process.kill()
        return self.process.wait(timeout=15)


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
        line, env = procfile.workers()[name], {**worker_environment, **env}
        worker = WorkerProcess(line, env=env, log_path=log)
        started.append(worker)
        worker.start().wait_until_ready()
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def start_scheduler(
    transactional_db: None, worker_environment: dict[str, str], tmp_path: Path
) -> Iterator[Callable[..., WorkerProcess]]:
    """`start_scheduler(MONTHLY_REPORT_CRON="* * * * * *")`: the Procfile's `scheduler` line.

    As start_worker's, but returned once it is started (`wait_until_ready=False`:
    at once, for a scheduler that is to be refused).
    """
    started: list[WorkerProcess] = []

    def start(*, wait_until_ready: bool = True, **env: str) -> WorkerProcess:
        log = tmp_path / f"scheduler-{len(started) + 1}.log"
        line = procfile.processes()["scheduler"]
        scheduler = WorkerProcess(line, env={**worker_environment, **env}, log_path=log).start()
        started.append(scheduler)
        if wait_until_ready:
            wait_until(lambda: has_started(scheduler), timeout=30, waiting_for="the scheduler")
        return scheduler

    yield start
    for scheduler in started:
        scheduler.stop()


def has_started(scheduler: WorkerProcess) -> bool:
    """Whether the scheduler took the lease and started; fail at once if it exited."""
    assert scheduler.is_running, f"The scheduler exited:\n{scheduler.output()}"
    return "Starting scheduler" in scheduler.output()
