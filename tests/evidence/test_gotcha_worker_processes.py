"""What db_worker processes do with their tasks: share them, and stop.

Two workers on one queue never run the same task. A SIGTERM (what systemd and
honcho send to stop a process) lets the current task finish, then the worker
exits. A worker killed outright (SIGKILL, the kernel's out-of-memory killer, a
lost machine) leaves its task RUNNING, and no plain db_worker ever picks it up
again: django-tasks-db has no crash recovery.

These tests run real worker processes against a database of their own, since a
subprocess cannot see the test database of an in-memory SQLite.
"""

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from {{ cookiecutter.project_slug }}.reports.tasks import generate_monthly_report
from {{ cookiecutter.project_slug }}.testing.waiting import wait_until
from {{ cookiecutter.project_slug }}.testing.workers import WorkerProcess

TIMEOUT = 20  # seconds for anything a test waits for
SECONDS_PER_DAY = "0.05"  # a February report then takes about 1.4 s


@pytest.fixture(scope="module")
def worker_env(tmp_path_factory) -> Iterator[dict[str, str]]:
    """The environment of the subprocesses: test settings and a migrated database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "REPORT_SECONDS_PER_DAY": SECONDS_PER_DAY,
        "PYTHONUNBUFFERED": "1",
    }
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        env["SQLITE_PATH"] = str(tmp_path_factory.mktemp("worker") / "db.sqlite3")
        run_python(env, "from django.core.management import call_command; call_command('migrate')")
        yield env
        return

    import psycopg  # only installed in a PostgreSQL project

    name = f"worker_shutdown_{uuid.uuid4().hex[:12]}"
    server = {
        "host": database["HOST"] or "localhost",
        "port": database["PORT"] or 5432,
        "user": database["USER"],
        "password": database["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        password = f":{server['password']}" if server["password"] else ""
        env["DATABASE_URL"] = (
            f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
        )
        run_python(env, "from django.core.management import call_command; call_command('migrate')")
        yield env
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_python(env: dict[str, str], code: str) -> str:
    """Run `code` with Django set up in a fresh process; return what it printed."""
    completed = subprocess.run(  # noqa: S603  our own interpreter and code
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip()


def enqueue_reports(env: dict[str, str], count: int = 1) -> list[str]:
    """Create a user and `count` February reports, enqueue their tasks; return the task ids."""
    task_path = generate_monthly_report.module_path
    return run_python(
        env,
        "import datetime\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.utils.module_loading import import_string\n"
        "from {{ cookiecutter.project_slug }}.reports.models import Report\n"
        f"owner = get_user_model().objects.create_user('{uuid.uuid4().hex}@example.com', 'pw')\n"
        f"for _ in range({count}):\n"
        "    report = Report.objects.create(owner=owner, month=datetime.date(2026, 2, 1))\n"
        f"    print(import_string({task_path!r}).enqueue(report.pk).id)",
    ).split()


def enqueue_report(env: dict[str, str]) -> str:
    """Enqueue one report; return its task id."""
    [task_id] = enqueue_reports(env)
    return task_id


def task_state(env: dict[str, str], task_id: str, run_worker_first: bool = False) -> str:
    """The task's status, and its exception class path if it failed.

    With `run_worker_first`, a fresh worker first runs whatever it finds ready.
    """
    worker = "call_command('db_worker', '--queue-name', 'reports', '--batch', '--no-startup-delay')"
    return run_python(
        env,
        "from django.core.management import call_command\n"
        f"{worker if run_worker_first else ''}\n"
        "from django.tasks import default_task_backend\n"
        f"result = default_task_backend.get_result({task_id!r})\n"
        "print(result.status, *[error.exception_class_path for error in result.errors])",
    )


def start_worker(
    env: dict[str, str], worker_id: str, log_path: Path, *options: str
) -> WorkerProcess:
    """A real `db_worker` process on the reports queue, as the Procfile starts one."""
    worker = WorkerProcess(
        ["reports"],
        worker_id=worker_id,
        settings=env["DJANGO_SETTINGS_MODULE"],
        env=env,
        log_path=log_path,
        extra_args=options,
    )
    return worker.start()


def wait_for_log(worker: WorkerProcess, text: str) -> None:
    """Wait until the worker logged a line containing `text`."""
    wait_until(
        lambda: text in worker.output(), timeout=TIMEOUT, waiting_for=f"the worker to log {text!r}"
    )


@pytest.fixture
def worker(worker_env, tmp_path) -> Iterator[WorkerProcess]:
    started = start_worker(worker_env, "shutdown-test", tmp_path / "worker.log")
    yield started
    if started.is_running:
        started.kill()


def test_two_workers_on_one_queue_never_run_the_same_task(worker_env, tmp_path):
    env = {**worker_env, "REPORT_SECONDS_PER_DAY": "0.01"}  # ~0.3 s per report
    workers = [start_worker(env, name, tmp_path / f"{name}.log") for name in ("a", "b")]
    try:
        for worker in workers:
            worker.wait_until_ready()
        task_ids = enqueue_reports(worker_env, count=8)
        wait_until(
            lambda: sum(w.output().count("state=SUCCESSFUL") for w in workers) == len(task_ids),
            timeout=TIMEOUT,
            waiting_for="the two workers to finish the eight reports",
        )
    finally:
        for worker in workers:
            worker.stop()

    ran_by = run_python(
        worker_env,
        "from django.tasks import default_task_backend\n"
        f"for task_id in {task_ids!r}:\n"
        "    print(*default_task_backend.get_result(task_id).worker_ids)",
    ).splitlines()
    assert len(ran_by) == len(task_ids)
    assert all(len(line.split()) == 1 for line in ran_by), "a task ran twice"
    assert set(ran_by) == {"a", "b"}  # both workers took some


def test_one_sigterm_lets_the_running_task_finish(worker_env, worker):
    task_id = enqueue_report(worker_env)
    wait_for_log(worker, f"Task id={task_id} path=")  # the RUNNING line

    worker.process.send_signal(signal.SIGTERM)

    assert worker.process.wait(timeout=TIMEOUT) == 0
    assert task_state(worker_env, task_id) == "SUCCESSFUL"
    # The signal arrived while the task ran, not after it was done.
    log = worker.output()
    assert log.index("shutting down gracefully") < log.index("SUCCESSFUL")


def test_a_killed_worker_leaves_its_task_running_forever(worker_env, worker):
    task_id = enqueue_report(worker_env)
    wait_for_log(worker, f"Task id={task_id} path=")

    assert worker.kill() == -signal.SIGKILL

    # A new worker finds nothing to do: the task is not READY, and never will be.
    assert task_state(worker_env, task_id, run_worker_first=True) == "RUNNING"
