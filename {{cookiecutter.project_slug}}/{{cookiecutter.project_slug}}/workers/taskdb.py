"""The one module that knows django-tasks-db's internals.

django-tasks-db has no public API for what this app adds: our own worker loop,
putting a task back to READY, failing it from outside its worker, the queries
recovery and pruning need. All of it goes through here (an import contract in
pyproject.toml checks it): an upgrade of the backend means reading this file again.
"""

import logging
import uuid
from collections.abc import Iterable
from contextlib import suppress
from datetime import datetime
from traceback import format_exception

from django.core.exceptions import SuspiciousOperation, ValidationError
{% if cookiecutter.database == "sqlite" -%}
from django.db import OperationalError
{% else -%}
from django.db import connection
{% endif -%}
from django.db.models import Count, Min, Q
from django.db.models.functions import TruncMinute
from django.tasks import TaskResult, TaskResultStatus, task_backends
from django.tasks.signals import task_finished
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult, get_date_max
{%- if cookiecutter.database == "sqlite" %}
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception
{%- endif %}

from .models import PausedQueue

logger = logging.getLogger(__name__)

# A row of django-tasks-db's table: one task, READY, RUNNING or finished.
TaskRow = DBTaskResult
# db_worker's worker and command, which worker.py and the `worker` command extend.
DBWorker = db_worker.Worker
DBWorkerCommand = db_worker.Command


def claim(
    worker_id: str, queue_names: list[str], excluded: list[str], backend_name: str
) -> TaskRow | None:
    """The next READY task of these queues, paused ones aside, marked RUNNING by `worker_id`;
    None if none.

    The order is django-tasks-db's: priority, then run_after, then enqueue time.
{%- if cookiecutter.database == "sqlite" %}
    Two workers never claim one task: the claim takes SQLite's write lock (BEGIN
    EXCLUSIVE). A lock still held after the database's busy timeout gives None:
    the worker looks again soon, as db_worker does.
{%- else %}
    Two workers never claim one task: the claim locks the row, and skips rows
    another worker has locked (FOR UPDATE SKIP LOCKED). It is db_worker's query
    and update in one statement: a woken worker starts its task a round trip
    and an ORM query sooner (the benchmarks page shows the difference).
{%- endif %}
    """
{%- if cookiecutter.database == "sqlite" %}
    tasks = TaskRow.objects.ready().filter(backend_name=backend_name)
    if "*" not in queue_names:
        tasks = tasks.filter(queue_name__in=queue_names)
    if excluded:
        tasks = tasks.exclude(queue_name__in=excluded)
    tasks = tasks.exclude(queue_name__in=PausedQueue.objects.values("queue_name"))
    try:
        with exclusive_transaction(tasks.db):
            row = tasks.get_locked()
            if row is not None:
                row.claim(worker_id)
            return row
    except OperationalError as error:
        if is_locked_database_exception(error):
            return None
        raise
{%- else %}
    table = connection.ops.quote_name(TaskRow._meta.db_table)
    paused = connection.ops.quote_name(PausedQueue._meta.db_table)
    queues = "" if "*" in queue_names else "AND queue_name = ANY(%(queues)s)"
    skipped = "AND NOT queue_name = ANY(%(excluded)s)" if excluded else ""
    now = timezone.now()
    claimed = TaskRow.objects.raw(  # values are parameters; the f-string adds fixed SQL only
        f"""UPDATE {table}
            SET status = 'RUNNING', started_at = %(now)s,
                worker_ids = worker_ids || jsonb_build_array(%(worker_id)s::text)
            WHERE id = (
                SELECT id FROM {table}
                WHERE status = 'READY' AND backend_name = %(backend)s
                    AND (run_after = %(never)s OR run_after <= %(now)s) {queues} {skipped}
                    AND queue_name NOT IN (SELECT queue_name FROM {paused})
                ORDER BY priority DESC, run_after, enqueued_at
                LIMIT 1 FOR UPDATE SKIP LOCKED
            )
            RETURNING *""",  # noqa: S608
        {"now": now, "worker_id": worker_id, "backend": backend_name, "never": get_date_max(),
         "queues": queue_names, "excluded": excluded},
    )  # fmt: skip
    return next(iter(claimed), None)
{%- endif %}


def next_due(queue_names: list[str], excluded: list[str], backend_name: str) -> datetime | None:
    """When the earliest deferred READY task of these queues may run (run_after), paused queues
    aside; maybe already past: a claim that just missed it looks again."""
    tasks = TaskRow.objects.filter(status=TaskResultStatus.READY, backend_name=backend_name)
    tasks = tasks.exclude(run_after=get_date_max())
    if "*" not in queue_names:
        tasks = tasks.filter(queue_name__in=queue_names)
    if excluded:
        tasks = tasks.exclude(queue_name__in=excluded)
    tasks = tasks.exclude(queue_name__in=PausedQueue.objects.values("queue_name"))
    return tasks.aggregate(due=Min("run_after"))["due"]


def succeed(row: TaskRow, return_value: object) -> bool:
    """Record the attempt's success as db_worker does, signal included; False (and nothing
    written) if the attempt is no longer the task's current one."""
    done = _finish(
        row, status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now(),
        return_value=return_value, exception_class_path="", traceback="",
    )  # fmt: skip
    if done:
        task_finished.send(sender=_backend_type(row), task_result=row.task_result)
    return done


def fail(row: TaskRow, error: BaseException) -> bool:
    """Record the attempt's failure as db_worker does (exception and traceback), signal
    included; False (and nothing written) if the attempt is no longer the task's current one."""
    done = _finish(
        row, status=TaskResultStatus.FAILED, finished_at=timezone.now(), return_value=None,
        exception_class_path=f"{type(error).__module__}.{type(error).__qualname__}",
        traceback="".join(format_exception(error)),
    )  # fmt: skip
    if done:
        with suppress(ImportError, SuspiciousOperation):  # a task that cannot be loaded
            task_finished.send(sender=_backend_type(row), task_result=row.task_result)
    return done


def requeue(row: TaskRow, run_after: datetime | None = None) -> bool:
    """Put the task back to READY under its id, to run again (after `run_after`); False (and
    nothing written) if the attempt is no longer the task's current one."""
    return _finish(row, status=TaskResultStatus.READY, run_after=run_after or get_date_max())


def _finish(row: TaskRow, **changes: object) -> bool:
    """Apply `changes` to `row` only if it is still RUNNING the attempt `row` holds (the same
    `started_at`): the fence that keeps a worker that lost its task from overwriting the next
    attempt. A refused write is logged, never raised."""
    attempt = TaskRow.objects.filter(
        pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
    )
    if not attempt.update(**changes):
        logger.warning("Task id=%s: write refused, attempt %d is no longer current (%s).",
                       row.id, len(row.worker_ids), row.worker_ids[-1:])  # fmt: skip
        return False
    for field, value in changes.items():
        setattr(row, field, value)
    return True


def _backend_type(row: TaskRow) -> type:
    """The task's backend class, as the signals name their sender."""
    return type(task_backends[row.backend_name])


def still_running(task_id: str, started_at: datetime) -> TaskRow | None:
    """The task, locked (inside atomic()), if it is still RUNNING the attempt that started at
    `started_at`; None if its worker finished or lost it meanwhile: leave it alone then."""
    running = TaskRow.objects.select_for_update().filter(
        pk=task_id, status=TaskResultStatus.RUNNING, started_at=started_at
    )
    return running.first()


def running_on(worker_id: str) -> list[TaskRow]:
    """The RUNNING tasks whose current attempt is `worker_id`'s (read only when a worker died)."""
    running = TaskRow.objects.running().only("id", "worker_ids", "started_at", "task_path",
                                              "backend_name", "queue_name", "priority",
                                              "run_after")  # fmt: skip
    return [row for row in running if row.worker_ids[-1:] == [worker_id]]


def get(task_id: str) -> TaskRow | None:
    """The task's row, or None."""
    with suppress(ValueError, ValidationError):
        return TaskRow.objects.filter(pk=task_id).first()
    return None


def existing(task_ids: Iterable[str]) -> set[str]:
    """Which of these task ids still have a result (not pruned)."""
    uuids = []  # django-tasks-db's ids are UUIDs: anything else has no result
    for task_id in task_ids:
        with suppress(ValueError):
            uuids.append(uuid.UUID(task_id))
    return {str(pk) for pk in TaskRow.objects.filter(pk__in=uuids).values_list("pk", flat=True)}


# The dashboard, the metrics and staff actions (the monitoring app).

UNFINISHED = [TaskResultStatus.READY, TaskResultStatus.RUNNING]


class TaskCancelled(Exception):
    """A staff member cancelled the task before it ran."""


def unfinished_by_queue() -> list[dict]:
    """Per queue and status (READY, RUNNING): how many, and the oldest due one's enqueue time
    (a READY task deferred to later is counted, not aged). Served by the monitoring app's
    partial index of unfinished tasks."""
    due = Q(run_after=get_date_max()) | Q(run_after__lte=timezone.now())
    rows = TaskRow.objects.filter(status__in=UNFINISHED).values("queue_name", "status")
    oldest = Min("enqueued_at", filter=due)
    return [dict(row) for row in rows.annotate(count=Count("pk"), oldest=oldest).order_by()]


def finished_by_queue(failed_since: datetime, successful_since: datetime) -> list[dict]:
    """Per queue: tasks FAILED since `failed_since`, SUCCESSFUL since `successful_since` (the
    later); served by the monitoring app's index of finish times."""
    rows = TaskRow.objects.filter(finished_at__gte=min(failed_since, successful_since))
    failed = Q(status=TaskResultStatus.FAILED, finished_at__gte=failed_since)
    successful = Q(status=TaskResultStatus.SUCCESSFUL, finished_at__gte=successful_since)
    counts = rows.values("queue_name").annotate(
        failed=Count("pk", filter=failed), successful=Count("pk", filter=successful)
    )
    return [dict(row) for row in counts.order_by()]


def finished_per_minute(since: datetime) -> list[dict]:
    """Tasks finished each minute since `since`: `minute`, `successful`, `failed`."""
    rows = TaskRow.objects.filter(finished_at__gte=since).annotate(
        minute=TruncMinute("finished_at")
    )
    counts = rows.values("minute").annotate(
        successful=Count("pk", filter=Q(status=TaskResultStatus.SUCCESSFUL)),
        failed=Count("pk", filter=Q(status=TaskResultStatus.FAILED)),
    )
    return [dict(row) for row in counts.order_by("minute")]


def running_tasks() -> list[TaskRow]:
    """Every RUNNING task, its current worker last in worker_ids."""
    return list(
        TaskRow.objects.running().only("id", "task_path", "worker_ids", "started_at", "queue_name")
    )


def retry_failed(task_id: str) -> bool:
    """Put a FAILED task back to READY under the same id, to run now (its next claim counts as
    one more attempt); False if it is not FAILED (any more). One conditional UPDATE: of an
    action and anything else changing the row, one wins and the other changes nothing."""
    failed = TaskRow.objects.filter(pk=task_id, status=TaskResultStatus.FAILED)
    retried = failed.update(
        status=TaskResultStatus.READY, run_after=get_date_max(), finished_at=None,
        exception_class_path="", traceback="", return_value=None,
    )  # fmt: skip
    return bool(retried)


def cancel_ready(task_id: str, by: str) -> bool:
    """Fail a READY task with TaskCancelled naming who cancelled it, signal included; False if
    it is not READY (any more): a worker that claimed it first wins, and the task runs."""
    error = TaskCancelled(f"Cancelled by {by} before it ran.")
    cancelled = TaskRow.objects.filter(pk=task_id, status=TaskResultStatus.READY).update(
        status=TaskResultStatus.FAILED, finished_at=timezone.now(), return_value=None,
        exception_class_path=f"{TaskCancelled.__module__}.{TaskCancelled.__qualname__}",
        traceback=f"{TaskCancelled.__module__}.{TaskCancelled.__qualname__}: {error}\n",
    )  # fmt: skip
    if cancelled:
        row = TaskRow.objects.get(pk=task_id)
        with suppress(ImportError, SuspiciousOperation):  # a task that cannot be loaded
            task_finished.send(sender=_backend_type(row), task_result=row.task_result)
    return bool(cancelled)


def duplicate(row: TaskRow) -> TaskResult:
    """Enqueue a new task with the same arguments, queue and priority as `row`'s."""
    result = row.task_result
    task = row.task.using(queue_name=row.queue_name, priority=row.priority)
    return task.enqueue(*result.args, **result.kwargs)
