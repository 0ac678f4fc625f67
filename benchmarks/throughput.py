"""Measurement: how many no-op tasks per second the workers finish, all together.

Configurations, each a set of workers started alone (idle workers of another
set would compete for the processors, and on SQLite for its one write lock):

- ours: 1, 2 and 4 processes of the Procfile's `emails` line (the project's
  worker at its defaults), on a queue of their own;
- ours without persistent connections: one, with CONN_MAX_AGE=0 (it then opens
  a connection for every task);
- polling: one django-tasks-db `db_worker`, the worker before ours.

Each start of a set gets batches of tasks, one after the other, each enqueued
in one transaction and timed with the database's own timestamps, from the
first start to the last finish. Every configuration is started once per round,
rounds one after the other (A B C ... A B C ...), so the machine's drift
touches all alike; the spread of the batches is reported with the median.
"""

from pathlib import Path

from django.db import connection, transaction
from django.db.models import Max, Min
from django.tasks import TaskResultStatus

from tasks_demo.workers.taskdb import TaskRow
from tests.support.waiting import wait_until
from tests.support.workers import running

from . import tasks
from .candidates import POLLING, WOKEN, Candidate
from .plans import Plan


def lab_tasks():
    """The tasks of the lab's queues."""
    return TaskRow.objects.filter(queue_name__startswith="lab")


def fresh_table() -> None:
    """Delete the last batch's tasks; on PostgreSQL, vacuum them away too.

    Otherwise each batch inherits the dead rows of the ones before it, and the
    workers' queries get slower from one batch to the next.
    """
    lab_tasks().delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {TaskRow._meta.db_table}")


def enqueue_noops(queue: str, count: int) -> None:
    """Enqueue `count` no-op tasks, committed together so the workers find them at once."""
    noop = tasks.noop.using(queue_name=queue)
    with transaction.atomic():
        for _ in range(count):
            noop.enqueue()


def finish(count: int) -> float:
    """Wait for the workers to finish the batch; return its first start to last finish."""
    unfinished = lab_tasks().exclude(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]
    )
    wait_until(
        lambda: not unfinished.exists(),
        timeout=60 + count / 10,
        waiting_for=f"the workers to finish {count} no-op tasks",
        poll=0.05,
    )
    if failed := lab_tasks().filter(status=TaskResultStatus.FAILED).first():
        raise RuntimeError(f"A no-op task failed:\n{failed.traceback}")
    span = lab_tasks().aggregate(first=Min("started_at"), last=Max("finished_at"))
    return (span["last"] - span["first"]).total_seconds()


def configurations(plan: Plan) -> dict[str, tuple[Candidate, int, dict[str, str]]]:
    """Name -> (worker, how many, environment)."""
    ours = {f"ours, {n} worker{'s' if n > 1 else ''}": (WOKEN, n, {}) for n in plan.worker_counts}
    if plan.without_persistent_connections:
        ours["ours, 1 worker, CONN_MAX_AGE=0"] = (WOKEN, 1, {"CONN_MAX_AGE": "0"})
    return {**ours, f"polling, 1 worker ({POLLING.label})": (POLLING, 1, {})}


def measure(plan: Plan, logs: Path, progress) -> dict:
    """Seconds per batch of each configuration, and its workers."""
    configs = configurations(plan)
    seconds: dict[str, list[float]] = {name: [] for name in configs}
    for round_number in range(plan.throughput_rounds):
        for name, (candidate, count, env) in configs.items():
            workers = [
                candidate.worker(logs, number=100 * round_number + n, env=env)
                for n in range(1, count + 1)
            ]
            with running(workers):
                for _ in range(plan.throughput_batches):
                    fresh_table()
                    enqueue_noops(candidate.queue, plan.throughput_tasks)
                    seconds[name].append(finish(plan.throughput_tasks))
            fresh_table()
        progress(f"throughput: round {round_number + 1} of {plan.throughput_rounds}")
    return {
        "tasks": plan.throughput_tasks,
        "workers": {name: count for name, (_, count, _) in configs.items()},
        "seconds": seconds,
    }
