"""Measurement 3: how many no-op tasks per second 1, 2 and 4 workers finish.

Each run starts its workers, then, batch after batch, enqueues the batch's
tasks in one transaction and times them from the database's own timestamps:
first start to last finish. A run's figure is its median batch: a hiccup of
the machine spoils one batch, not the run.
Runs are repeated with CONN_MAX_AGE=0 (a new connection for every poll and
every task) and with the project's persistent connections.

The per-task bound is the database work a worker does per task - claim it in
a locking transaction, record the result - replayed back to back in this
process, with none of the worker's own bookkeeping. A worker cannot beat it;
the ratio says how much the rest of the worker costs.
"""

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Max, Min
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from {{ cookiecutter.project_slug }}.testing.waiting import wait_until

from . import processes
from .plans import Plan
from .tasks import noop

POLL_INTERVAL = 0.1  # idle workers only wait for the first task; then they never sleep


@dataclass(frozen=True)
class Run:
    workers: int
    conn_max_age: int
    health_checks: bool
    tasks: int  # per batch
    seconds: list[float]  # each batch's, first start to last finish

    @property
    def per_second(self) -> float:
        """Tasks per second of the median batch."""
        return self.tasks / sorted(self.seconds)[len(self.seconds) // 2]

    def as_dict(self) -> dict:
        return {**asdict(self), "per_second": self.per_second}


def bench_tasks():
    return DBTaskResult.objects.filter(queue_name="bench")


def fresh_table() -> None:
    """Delete the last run's tasks; on PostgreSQL, vacuum them away too.

    Otherwise each run inherits the dead rows of the runs before it, and the
    workers' queries get slower from one run to the next.
    """
    bench_tasks().delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {DBTaskResult._meta.db_table}")


def enqueue_noops(tasks: int) -> None:
    """Enqueue `tasks` no-op tasks, committed together so the workers find them at once."""
    with transaction.atomic():
        for _ in range(tasks):
            noop.enqueue()


def run(
    workers: int,
    conn_max_age: int,
    tasks: int,
    batches: int,
    logs: Path,
    health_checks: bool = True,
) -> Run:
    """Time `workers` workers finishing `batches` batches of `tasks` no-op tasks."""
    env = {"CONN_MAX_AGE": str(conn_max_age), "BENCH_CONN_HEALTH_CHECKS": str(health_checks)}
    pool = [
        processes.worker(
            f"throughput-{conn_max_age}-{health_checks:d}-{workers}-{number}",
            ["bench"],
            interval=POLL_INTERVAL,
            logs=logs,
            env=env,
        )
        for number in range(workers)
    ]
    seconds = []
    with processes.running(pool):
        for _ in range(batches):
            fresh_table()
            enqueue_noops(tasks)
            seconds.append(finish(workers, tasks))
    return Run(workers, conn_max_age, health_checks, tasks, seconds)


def finish(workers: int, tasks: int) -> float:
    """Wait for the workers to finish the batch; return its first start to last finish."""
    unfinished = bench_tasks().exclude(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]
    )
    wait_until(
        lambda: not unfinished.exists(),
        timeout=30 + tasks / 20,
        waiting_for=f"{workers} worker(s) to finish {tasks} no-op tasks",
        poll=0.1,
    )
    if failed := bench_tasks().filter(status=TaskResultStatus.FAILED).first():
        raise RuntimeError(f"A no-op task failed:\n{failed.traceback}")
    span = bench_tasks().aggregate(first=Min("started_at"), last=Max("finished_at"))
    return (span["last"] - span["first"]).total_seconds()


def per_task_bound(tasks: int) -> float:
    """Tasks per second of the worker's database work alone, done back to back here."""
    fresh_table()
    enqueue_noops(tasks)
    ready = DBTaskResult.objects.ready().filter(backend_name="default", queue_name__in=["bench"])
    started = time.perf_counter()
    for _ in range(tasks):
        # What db_worker does per task: claim it in a locking transaction ...
        with exclusive_transaction(ready.db):
            result = ready.get_locked()
            if result is None:
                raise RuntimeError("The bound ran out of tasks to claim.")
            result.claim("bench-bound")
        # ... and record its result.
        result.set_successful(None)
    elapsed = time.perf_counter() - started
    bench_tasks().delete()
    return tasks / elapsed


def measure(plan: Plan, logs: Path, progress: Callable[[str], None]) -> dict:
    """Each run's tasks per second, and the per-task bound.

    The bound is taken before, between and after the runs, and its median kept:
    the machine's load drifts, and the bound should see the same drift as the runs.
    """
    runs = []
    bounds = [per_task_bound(plan.bound_tasks)]
    # Enough tasks for a batch to last a second or more: a shorter one measures its hiccups.
    tasks = max(plan.throughput_tasks, round(bounds[0] * plan.throughput_seconds))
    # When connection settings are compared, health checks are too: one worker as
    # the project runs it, then the same without Django's connection health checks
    # (a round trip per poll and per task on PostgreSQL), side by side.
    compare_health_checks = 0 in plan.conn_max_ages
    for conn_max_age in plan.conn_max_ages:
        for workers in plan.worker_counts:
            runs.append(run(workers, conn_max_age, tasks, plan.throughput_batches, logs))
            progress(
                f"{workers} worker(s), CONN_MAX_AGE={conn_max_age}: "
                f"{runs[-1].per_second:.0f} tasks/s"
            )
            if compare_health_checks and conn_max_age and workers == 1:
                runs.append(
                    run(1, conn_max_age, tasks, plan.throughput_batches, logs, health_checks=False)
                )
                progress(f"1 worker, no health checks: {runs[-1].per_second:.0f} tasks/s")
        bounds.append(per_task_bound(plan.bound_tasks))
    bound = sorted(bounds)[len(bounds) // 2]
    progress(f"per-task bound: {bound:.0f} tasks/s")
    return {
        "runs": [r.as_dict() for r in runs],
        "bounds_per_second": bounds,
        "bound_per_second": bound,
    }
