"""What django-tasks-db's own db_worker processes do with their tasks: share them, and stop.

Two workers on one queue never run the same task (nor do two of the project's
workers, whose claim is db_worker's in one statement). A SIGTERM (what systemd and
honcho send to stop a process) lets the current task finish, then the worker
exits. A worker killed outright (SIGKILL, the kernel's out-of-memory killer, a
lost machine) leaves its task RUNNING, and no plain db_worker ever picks it up
again: django-tasks-db has no crash recovery (the project's `worker` adds it).

These run real `python -m manage db_worker` processes on the test database.
"""

import datetime
import signal

import pytest

from tasks_demo.accounts.models import User
from tasks_demo.reports.models import Report
from tasks_demo.reports.tasks import generate_monthly_report
from tests.support.procfile import Process
from tests.support.waiting import wait_until

from .conftest import WorkerProcess
from .test_tasks_framework import run_worker

TIMEOUT = 20  # seconds for anything a test waits for


@pytest.fixture
def db_worker(transactional_db, worker_environment, tmp_path):
    """`db_worker(name)`: a plain db_worker process on the `reports` queue, started."""
    started = []

    def start(
        name: str, seconds_per_day: str = "0.05", command: str = "db_worker"
    ) -> WorkerProcess:
        line = Process(
            name,
            f"python -m manage {command} --queue-name reports --interval 0.1 "
            f"--worker-id {name} --no-startup-delay --no-reload",
        )
        env = {**worker_environment, "REPORT_SECONDS_PER_DAY": seconds_per_day}
        worker = WorkerProcess(line, env=env, log_path=tmp_path / f"{name}.log").start()
        started.append(worker)
        worker.wait_until_ready()
        return worker

    yield start
    for worker in started:
        worker.stop()


def enqueue_reports(count: int = 1) -> list[str]:
    """Enqueue `count` February reports (a month of 28 days), each a different user's (a user
    has one report of a month in flight); return their task ids."""
    first = Report.objects.count()
    owners = [User.objects.create_user(f"owner{first + n}@example.com", "pw") for n in range(count)]
    february = datetime.date(2026, 2, 1)
    reports = [Report.objects.create(owner=owner, month=february) for owner in owners]
    return [generate_monthly_report.enqueue(report.pk).id for report in reports]


def status(task_id: str) -> str:
    return generate_monthly_report.get_result(task_id).status


@pytest.mark.parametrize("command", ["db_worker", "worker"])  # django-tasks-db's, the project's
def test_two_workers_on_one_queue_never_run_the_same_task(db_worker, command):
    workers = [db_worker(name, seconds_per_day="0.01", command=command) for name in ("a", "b")]
    task_ids = enqueue_reports(count=8)

    wait_until(
        lambda: all(status(task_id) == "SUCCESSFUL" for task_id in task_ids),
        timeout=TIMEOUT,
        waiting_for="the two workers to finish the eight reports",
    )

    ran_by = [generate_monthly_report.get_result(task_id).worker_ids for task_id in task_ids]
    assert all(len(worker_ids) == 1 for worker_ids in ran_by), "a task ran twice"
    # Both workers took some (the project's worker adds ":<pid>:<tag>" to its name).
    assert {worker_ids[0].split(":")[0] for worker_ids in ran_by} == {"a", "b"}
    assert all(worker.is_running for worker in workers)


def test_one_sigterm_lets_the_running_task_finish(db_worker):
    worker = db_worker("stopping")
    [task_id] = enqueue_reports()
    wait_until(lambda: status(task_id) == "RUNNING", timeout=TIMEOUT, waiting_for="the task")

    worker.process.send_signal(signal.SIGTERM)

    assert worker.process.wait(timeout=TIMEOUT) == 0
    assert status(task_id) == "SUCCESSFUL"
    # The signal arrived while the task ran, not after it was done.
    log = worker.output()
    assert log.index("shutting down gracefully") < log.index("SUCCESSFUL")


def test_a_killed_worker_leaves_its_task_running_forever(db_worker):
    worker = db_worker("doomed")
    [task_id] = enqueue_reports()
    wait_until(lambda: status(task_id) == "RUNNING", timeout=TIMEOUT, waiting_for="the task")

    assert worker.kill() == -signal.SIGKILL

    run_worker("--queue-name", "reports")  # a new worker finds nothing to do...
    assert status(task_id) == "RUNNING"  # ...the task is not READY, and never will be
