"""The one module that knows django-tasks-db's internals.

django-tasks-db has no public API for what this app adds: our own worker loop,
putting a task back to READY, failing it from outside its worker, the queries
recovery and pruning need. All of it goes through here (an import contract in
pyproject.toml checks it): an upgrade of the backend means reading this file again.
"""

import uuid
from collections.abc import Iterable
from contextlib import suppress
from datetime import datetime

{% if cookiecutter.database == "sqlite" -%}
from django.db import OperationalError
{% else -%}
from django.db import connection
{% endif -%}
from django.db.models import Min
from django.db.models.expressions import Combinable
from django.tasks import TaskResultStatus
from django.tasks.signals import task_finished
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult, get_date_max
{%- if cookiecutter.database == "sqlite" %}
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception
{%- endif %}

# A row of django-tasks-db's table: one task, READY, RUNNING or finished.
TaskRow = DBTaskResult
# db_worker's worker and command, which worker.py and the `worker` command extend.
DBWorker = db_worker.Worker
DBWorkerCommand = db_worker.Command


def claim(
    worker_id: str, queue_names: list[str], excluded: list[str], backend_name: str
) -> TaskRow | None:
    """The next READY task of these queues, marked RUNNING by `worker_id`; None if none.

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
                ORDER BY priority DESC, run_after, enqueued_at
                LIMIT 1 FOR UPDATE SKIP LOCKED
            )
            RETURNING *""",  # noqa: S608
        {"now": now, "worker_id": worker_id, "backend": backend_name, "never": get_date_max(),
         "queues": queue_names, "excluded": excluded},
    )  # fmt: skip
    return next(iter(claimed), None)
{%- endif %}


def next_due(queue_names: list[str], backend_name: str) -> datetime | None:
    """When the earliest deferred READY task of these queues may run (run_after)."""
    tasks = TaskRow.objects.filter(
        status=TaskResultStatus.READY, backend_name=backend_name, run_after__gt=timezone.now()
    ).exclude(run_after=get_date_max())
    if "*" not in queue_names:
        tasks = tasks.filter(queue_name__in=queue_names)
    return tasks.aggregate(due=Min("run_after"))["due"]


def succeed(row: TaskRow, return_value: object) -> None:
    """Record the task's success as db_worker does, signal included."""
    row.set_successful(return_value)
    task_finished.send(sender=type(row.task.get_backend()), task_result=row.task_result)


def fail(row: TaskRow, error: BaseException) -> None:
    """Record the task's failure as db_worker does (exception and traceback), signal included."""
    row.set_failed(error)
    task_finished.send(sender=type(row.task.get_backend()), task_result=row.task_result)


def requeue(row: TaskRow, run_after: datetime | None = None) -> None:
    """Put a task back to READY, keeping its id, to run again (after `run_after`)."""
    row.status = TaskResultStatus.READY
    row.run_after = run_after or get_date_max()
    row.save(update_fields=["status", "run_after"])


def still_running(task_id: str, started_at: datetime | Combinable) -> TaskRow | None:
    """The task, locked (inside atomic()), if it is still RUNNING the attempt that started at
    `started_at`; None if its worker finished or lost it meanwhile: leave it alone then."""
    running = TaskRow.objects.select_for_update().filter(
        pk=task_id, status=TaskResultStatus.RUNNING, started_at=started_at
    )
    return running.first()


def running_before(cutoff: datetime | Combinable) -> list[TaskRow]:
    """The RUNNING tasks whose current attempt started before `cutoff`."""
    return list(
        TaskRow.objects.running()
        .filter(started_at__lt=cutoff)
        .only("id", "worker_ids", "started_at", "queue_name", "task_path")
    )


def existing(task_ids: Iterable[str]) -> set[str]:
    """Which of these task ids still have a result (not pruned)."""
    uuids = []  # django-tasks-db's ids are UUIDs: anything else has no result
    for task_id in task_ids:
        with suppress(ValueError):
            uuids.append(uuid.UUID(task_id))
    return {str(pk) for pk in TaskRow.objects.filter(pk__in=uuids).values_list("pk", flat=True)}
