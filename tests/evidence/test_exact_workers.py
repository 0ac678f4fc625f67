"""Faults injected into real workers (the Procfile's `default` line): what each must not break.

- A task that holds the GIL, or a worker paused by SIGSTOP, is alive: its task runs once (or,
  if run again, the paused worker's late write is refused and the result is the rerun's).
- A task run by django-tasks-db's own db_worker is its own: the project's workers leave it be.
- A task that cannot be loaded fails with the import error; the worker goes on.
- An `async def` task past its time limit is stopped at the limit.
- One SIGTERM (what honcho, systemd and Kubernetes send before SIGKILL) leaves no task RUNNING
  and counts no lost worker.

The tasks are in exact_tasks.py; each notes its runs in a file the test reads. A fault lasts
three times LIVENESS_SECONDS, itself twice the period of the workers' recovery check; workers
that judge liveness by a heartbeat (the design these replaced) are told it as their staleness,
so that such a design fails here within seconds.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import timedelta
from functools import partial
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from tasks_demo.hello.tasks import say_hello
from tasks_demo.workers.models import TaskAttempt
from tasks_demo.workers.tests.helpers import status_of, wait_for_status
from tests.support import procfile
from tests.support.procfile import Process
from tests.support.waiting import wait_until

from .conftest import WorkerProcess
from .exact_tasks import OVERSTAY_LIMIT_SECONDS, hold, hold_the_gil, overstay, release_file
from .netns import Cluster, Host, postgresql_bin

LIVENESS_SECONDS = 2.0
# Heartbeat workers call a worker silent for WORKER_STALE_AFTER_SECONDS dead; exact workers
# have neither setting (they check a lock about every second).
LIVENESS = {"WORKER_HEARTBEAT_SECONDS": "0.5", "WORKER_STALE_AFTER_SECONDS": str(LIVENESS_SECONDS)}
FAULT_SECONDS = 3 * LIVENESS_SECONDS
PAUSE_SECONDS = 20
HONCHO_KILL_SECONDS = 5  # honcho sends SIGKILL this long after SIGTERM


@pytest.fixture
def runs(start_worker, tmp_path) -> Iterator[Path]:
    """The file the tasks note their runs in; every held task is released at the end, before
    the workers are stopped (a worker stopped mid-task waits for its task)."""
    path = tmp_path / "runs"
    yield path
    release(path, "all")


def events(runs: Path) -> list[tuple[str, int, float]]:
    """What the tasks noted in `runs`: (event, pid, time) in order."""
    if not runs.exists():
        return []
    lines = [line.rsplit(" ", 2) for line in runs.read_text().splitlines()]
    return [(event, int(pid), float(at)) for event, pid, at in lines]


def starts(runs: Path) -> list[int]:
    """The pids of the processes that started the task, in order."""
    return [pid for event, pid, _ in events(runs) if event == "start"]


def release(runs: Path, pid: int | str) -> None:
    """Let process `pid` (or "all") finish the `hold` task it runs."""
    release_file(str(runs), pid).touch()


def stays(condition: Callable[[], bool], *, seconds: float, what: str) -> None:
    """Assert `condition` holds for `seconds`: a wait for it to break, which must time out."""
    try:
        wait_until(lambda: not condition(), timeout=seconds, waiting_for=what)
    except TimeoutError:
        return
    pytest.fail(f"Within {seconds:g} s, this stopped being true: {what}.")


def lost_workers(task_id: str) -> list[str]:
    """The attempts of the task recorded as lost with their worker."""
    attempts = TaskAttempt.objects.filter(task_id=task_id, error__endswith="WorkerLost")
    return [attempt.worker_id for attempt in attempts]


def summation_terms(seconds: float) -> int:
    """How many terms `sum(range(n))` needs to take at least about `seconds` here: timed at
    its fastest of five (timed once, a busy moment made the hold 5.8 s of 6 needed)."""
    n = 2_000_000
    fastest = float("inf")
    for _ in range(5):
        began = time.perf_counter()
        sum(range(n))
        fastest = min(fastest, time.perf_counter() - began)
    return int(n * seconds / fastest)


def test_a_task_holding_the_gil_three_times_the_liveness_interval_runs_once(start_worker, runs):
    for _ in range(2):
        start_worker("default", **LIVENESS)

    result = hold_the_gil.enqueue(str(runs), summation_terms(1.3 * FAULT_SECONDS))

    wait_for_status(result, "SUCCESSFUL", timeout=60)
    (_, pid, began), *rest = events(runs)
    assert [event for event, *_ in rest] == ["end"], f"run more than once: {events(runs)}"
    assert rest[0][2] - began >= FAULT_SECONDS, "the GIL was not held long enough to tell"
    assert result.return_value == pid
    assert len(result.worker_ids) == 1
    assert not TaskAttempt.objects.filter(task_id=result.id).exists()


def test_a_worker_paused_mid_task_never_has_its_late_write_win(start_worker, runs):
    workers = [start_worker("default", **LIVENESS) for _ in range(2)]
    result = hold.enqueue(str(runs))
    [pid] = wait_until(lambda: starts(runs), timeout=15, waiting_for="the task to start")
    [paused] = [worker for worker in workers if worker.process.pid == pid]
    [other] = [worker for worker in workers if worker is not paused]

    os.kill(pid, signal.SIGSTOP)  # a VM pause, a debugger, a swapped-out process
    try:
        time.sleep(PAUSE_SECONDS)  # the fault itself: nothing to wait for
    finally:
        os.kill(pid, signal.SIGCONT)
    rerun_by = starts(runs)[1:]
    release(runs, pid)
    wait_until(
        lambda: ("end", pid) in [(event, who) for event, who, _ in events(runs)],
        timeout=15,
        waiting_for="the paused worker to finish its run",
    )

    if not rerun_by:  # the paused worker kept its task: its result stands
        wait_for_status(result, "SUCCESSFUL")
        assert result.return_value == {"pid": pid, "worker_id": paused.worker_id}
        assert result.worker_ids == [paused.worker_id]
        assert starts(runs) == [pid]
        return
    # Run again meanwhile: the paused worker's write must be refused, the rerun's must win.
    assert rerun_by == [other.process.pid]
    wait_until(
        lambda: "refused" in paused.output() or status_of(result) != "RUNNING",
        timeout=15,
        waiting_for="the paused worker to try recording its result",
    )
    assert status_of(result) == "RUNNING", "the paused worker's late write overwrote the rerun"
    assert result.worker_ids[-1] == other.worker_id
    release(runs, other.process.pid)
    wait_for_status(result, "SUCCESSFUL")
    assert result.return_value == {"pid": other.process.pid, "worker_id": other.worker_id}
    assert result.worker_ids[-1] == other.worker_id


def test_a_task_run_by_db_worker_is_never_taken_from_it(
    start_worker, runs, worker_environment, tmp_path
):
    line = Process(
        "db_worker",
        "python -m manage db_worker --queue-name default --worker-id db-worker "
        "--interval 0.1 --no-startup-delay --no-reload",
    )
    db_worker = WorkerProcess(line, env=worker_environment, log_path=tmp_path / "db_worker.log")
    try:
        db_worker.start().wait_until_ready()
        result = hold.enqueue(str(runs))
        wait_for_status(result, "RUNNING")
        assert result.worker_ids == ["db-worker"]
        ours = start_worker("default", **LIVENESS)

        stays(
            lambda: status_of(result) == "RUNNING" and starts(runs) == [db_worker.process.pid],
            seconds=FAULT_SECONDS,
            what="db_worker's task RUNNING on db_worker alone",
        )
        release(runs, db_worker.process.pid)
        wait_for_status(result, "SUCCESSFUL")
    finally:
        release(runs, "all")
        db_worker.stop()
    assert result.worker_ids == ["db-worker"]
    assert result.return_value == {"pid": db_worker.process.pid, "worker_id": "db-worker"}
    assert not TaskAttempt.objects.filter(task_id=result.id).exists()
    assert ours.is_running


def test_a_task_that_cannot_be_loaded_fails_and_the_worker_runs_the_next(start_worker):
    renamed, removed = say_hello.enqueue("renamed"), say_hello.enqueue("removed")
    # As after a deploy that renamed the function, or removed its module.
    missing = {renamed.id: "renamed_away", removed.id: "moved_away"}
    DBTaskResult.objects.filter(pk=renamed.id).update(task_path="evidence.exact_tasks.renamed_away")
    DBTaskResult.objects.filter(pk=removed.id).update(task_path="evidence.moved_away.say_hello")

    worker = start_worker("default")

    def failed(task_id: str) -> DBTaskResult | None:
        assert worker.is_running, f"the worker exited:\n{worker.output()}"
        return DBTaskResult.objects.filter(pk=task_id, status="FAILED").first()

    for task_id, name in missing.items():
        row = wait_until(partial(failed, task_id), timeout=15, waiting_for=f"{name} to fail")
        assert row.exception_class_path.endswith(("ImportError", "ModuleNotFoundError"))
        assert name in row.traceback, row.traceback
    after = say_hello.enqueue("after")
    wait_for_status(after, "SUCCESSFUL")
    assert after.worker_ids == [worker.worker_id]
    assert worker.is_running


def test_an_async_task_past_its_time_limit_is_stopped_at_its_limit(start_worker, runs):
    start_worker("default")
    sleep = 3 * OVERSTAY_LIMIT_SECONDS

    result = overstay.enqueue(str(runs), sleep)

    wait_for_status(result, "FAILED")
    [error] = result.errors
    assert error.exception_class_path.rsplit(".", 1)[-1] == "TimeLimitExceeded"
    assert result.finished_at - result.started_at < timedelta(seconds=OVERSTAY_LIMIT_SECONDS + 1.5)
    [(_, _, began)] = events(runs)
    stays(
        lambda: [event for event, *_ in events(runs)] == ["start"],
        seconds=max(0, began + sleep + 1 - time.time()),
        what="the code after the sleep not run",
    )


def stop_as_honcho_does(worker: WorkerProcess) -> None:
    """One SIGTERM, then SIGKILL if the process is still there 5 s later."""
    worker.process.send_signal(signal.SIGTERM)
    sent_at = time.monotonic()
    try:
        worker.process.wait(HONCHO_KILL_SECONDS)
        print(f"\nSIGTERM -> exit: {time.monotonic() - sent_at:.1f} s")
    except subprocess.TimeoutExpired:
        worker.kill()
        print(f"\nSIGTERM -> still running after {HONCHO_KILL_SECONDS} s: SIGKILLed")


def test_one_sigterm_lets_a_short_task_finish(start_worker, runs):
    worker = start_worker("default")
    result = hold.enqueue(str(runs))
    wait_until(lambda: starts(runs), timeout=15, waiting_for="the task to start")

    worker.process.send_signal(signal.SIGTERM)
    release(runs, worker.process.pid)  # it needs a moment more, well within the grace

    assert worker.wait(HONCHO_KILL_SECONDS) == 0
    assert status_of(result) == "SUCCESSFUL"
    assert not DBTaskResult.objects.running().exists()
    assert lost_workers(result.id) == []


def test_one_sigterm_puts_a_task_longer_than_the_grace_back_to_ready(start_worker, runs):
    grace = getattr(settings, "WORKER_STOP_GRACE_SECONDS", None)
    assert grace is None or grace < HONCHO_KILL_SECONDS, "the grace must end before honcho kills"
    worker = start_worker("default")
    result = hold.enqueue(str(runs))
    wait_until(lambda: starts(runs), timeout=15, waiting_for="the task to start")

    stop_as_honcho_does(worker)  # the task is never released: it outlives any grace

    assert status_of(result) == "READY", worker.output()
    assert not DBTaskResult.objects.running().exists()
    assert lost_workers(result.id) == []

    restarted = start_worker("default")  # what the supervisor does next
    [_, again] = wait_until(lambda: starts(runs)[1:] and starts(runs), timeout=15,
                            waiting_for="the restarted worker to run the task")  # fmt: skip
    assert again == restarted.process.pid
    release(runs, again)
    wait_for_status(result, "SUCCESSFUL")
    assert result.worker_ids[-1] == restarted.worker_id
    assert lost_workers(result.id) == []


# Workers on several hosts (PostgreSQL) --------------------------------------------------

# How long a vanished host keeps its task: the server drops its session by then.
UNREACHABLE_SECONDS = getattr(settings, "WORKER_UNREACHABLE_AFTER_SECONDS", 10.0)
DB_TASK_RESULTS = DBTaskResult._meta.db_table


@pytest.fixture
def two_hosts(transactional_db) -> Iterator[tuple[list[Host], Cluster]]:
    """Two hosts and a cluster of the test's own on their links, a copy of the test database
    on it (`exact`); all removed at the end, whatever happened."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite is one host by construction")
    if os.geteuid() != 0 or not shutil.which("ip") or not shutil.which("unshare"):
        pytest.skip("network namespaces need root, `ip` and `unshare`")
    if postgresql_bin() is None:
        pytest.skip("no PostgreSQL server programs (initdb, pg_ctl) to start a cluster with")
    with ExitStack() as stack:
        try:
            hosts = [stack.enter_context(Host.create(index)) for index in range(2)]
        except subprocess.CalledProcessError as error:
            pytest.skip(f"network namespaces unavailable: {error.stderr.strip()}")
        cluster = stack.enter_context(Cluster([host.server_address for host in hosts]))
        cluster.copy_database(connection.settings_dict, "exact")
        yield hosts, cluster


def task_rows(url: str, task_id: str | None = None) -> list[tuple[str, list[str], object]]:
    """(status, worker_ids, return_value) of the tasks (or one task) on another database."""
    import psycopg  # installed with the PostgreSQL option only

    where = "" if task_id is None else "WHERE id = %s"
    query = f"SELECT status, worker_ids, return_value FROM {DB_TASK_RESULTS} {where}"
    with psycopg.connect(url, autocommit=True) as database:
        return database.execute(query, [task_id] if task_id else []).fetchall()


def task_row(url: str, task_id: str) -> tuple[str, list[str], object]:
    [row] = task_rows(url, task_id)
    return row


def test_a_host_cut_off_mid_task_loses_it_to_another_host_and_its_late_write_is_refused(
    two_hosts, worker_environment, tmp_path
):
    hosts, cluster = two_hosts
    runs = tmp_path / "runs"
    line = procfile.workers()["default"]
    workers = []
    try:
        for host in hosts:
            url = cluster.url(host.server_address, "exact")
            worker = WorkerProcess(Process(host.name, host.command(line.command)),
                                   env={**worker_environment, "DATABASE_URL": url},
                                   log_path=tmp_path / f"{host.name}.log")  # fmt: skip
            workers.append(worker.start())
        for worker in workers:
            worker.wait_until_ready()
        url = cluster.url(hosts[0].server_address, "exact")
        code = f"from evidence.exact_tasks import hold; print(hold.enqueue({str(runs)!r}).id)"
        enqueued = subprocess.run(
            [sys.executable, "-m", "manage", "shell", "-c", code], cwd=settings.BASE_DIR,
            env={**os.environ, **worker_environment, "DATABASE_URL": url},
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        task_id = enqueued.stdout.split()[-1]
        [pid] = wait_until(lambda: starts(runs), timeout=15, waiting_for="the task to start")
        cut_off = next(i for i, worker in enumerate(workers) if worker.process.pid == pid)
        holder, other = workers[cut_off], workers[1 - cut_off]

        hosts[cut_off].cut()
        cut_at = time.monotonic()
        wait_until(lambda: starts(runs)[1:], timeout=UNREACHABLE_SECONDS + 5,
                   waiting_for="the task to start on the other host")  # fmt: skip
        rerun_seconds = time.monotonic() - cut_at
        assert starts(runs) == [pid, other.process.pid]
        print(f"\ncut -> rerun on the other host: {rerun_seconds:.1f} s "
              f"(bound {UNREACHABLE_SECONDS:g} s)")  # fmt: skip

        hosts[cut_off].restore()
        restored_at = time.monotonic()
        release(runs, pid)  # the cut-off host finishes its run and tries to record it
        wait_until(
            lambda: "refused" in holder.output() or not holder.is_running
            or task_row(url, task_id)[0] != "RUNNING",
            timeout=30, waiting_for="the cut-off worker to try recording its result",
        )  # fmt: skip
        status, worker_ids, _ = task_row(url, task_id)
        assert status == "RUNNING", "the cut-off worker's late write overwrote the rerun"
        assert worker_ids[-1] == other.worker_id
        how = "refused" if holder.is_running else f"the worker exited {holder.returncode}"
        print(f"restore -> late write stopped: {time.monotonic() - restored_at:.1f} s ({how})")

        release(runs, other.process.pid)
        wait_until(lambda: task_row(url, task_id)[0] == "SUCCESSFUL", timeout=15,
                   waiting_for="the rerun to succeed")  # fmt: skip
        _, worker_ids, value = task_row(url, task_id)
        assert value == {"pid": other.process.pid, "worker_id": other.worker_id}
        assert worker_ids[-1] == other.worker_id
        assert [row[0] for row in task_rows(url)] == ["SUCCESSFUL"]  # nothing lost or left behind
    finally:
        release(runs, "all")
        for worker in workers:
            worker.stop(timeout=5)
