"""Run the tasks of dead workers again, at once, and never a live worker's.

A worker is dead when its ownership lock is gone (ownership.py): the database or the kernel
released it with the process or its session. Every worker looks for dead ones about once a
second; the one that takes over a dead worker's lock puts its RUNNING tasks back to READY
under the same id (WorkerLost recorded as the attempt's error) and forgets it. A task that
lost MAX_LOST_WORKERS workers (a task that kills them), that ran past its hard time limit, or
that can no longer be loaded fails instead. Tasks of workers that never registered (django-
tasks-db's own db_worker) are never touched: nothing can tell whether those are alive.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from . import taskdb
from .models import TaskAttempt, WorkerProcess
from .ownership import Ownership, living
from .policies import time_limit_of
from .timelimits import HARD_LIMIT_GRACE_SECONDS, TimeLimitExceeded

logger = logging.getLogger(__name__)

MAX_LOST_WORKERS = 3


class WorkerLost(Exception):
    """The worker running the task died (SIGKILL, out of memory, lost machine or session)."""


def recover_dead_workers(ownership: Ownership) -> list[str]:
    """Run the tasks of the workers that died again (or fail them); return their ids."""
    recovered = []
    for dead in ownership.dead_workers():
        try:
            for row in taskdb.running_on(dead.worker_id):
                if recover(row):
                    recovered.append(str(row.id))
        finally:
            ownership.release(dead)
    return recovered


def live_workers() -> list[WorkerProcess]:
    """The registered workers alive now."""
    return living(WorkerProcess.objects.all())


def recover_task(task_id: str) -> bool:
    """Run a RUNNING task again if its worker is registered and dead; False otherwise."""
    row = taskdb.get(task_id)
    if row is None or row.status != "RUNNING" or not row.worker_ids:
        return False
    worker = WorkerProcess.objects.filter(worker_id=row.worker_ids[-1]).first()
    return worker is not None and not living([worker]) and recover(row)


def recover(orphan: taskdb.TaskRow) -> bool:
    """Run a dead worker's task again, or fail it; False if it moved on meanwhile."""
    with transaction.atomic(using=taskdb.TaskRow.objects.db):
        row = taskdb.still_running(orphan.pk, orphan.started_at)
        if row is None:
            return False
        worker = row.worker_ids[-1]
        error = why_it_cannot_run_again(row) or WorkerLost(f"The worker {worker} died.")
        TaskAttempt.record(row, error)
        lost = TaskAttempt.objects.filter(task_id=str(row.id), error=TaskAttempt.class_path(error))
        if not isinstance(error, WorkerLost) or lost.count() >= MAX_LOST_WORKERS:
            logger.error("Task id=%s was RUNNING on %s, which died: FAILED (%r).",
                         row.id, worker, error)  # fmt: skip
            return taskdb.fail(row, error)
        logger.warning("Task id=%s was RUNNING on %s, which died: READY again.", row.id, worker)
        return taskdb.requeue(row)


def why_it_cannot_run_again(row: taskdb.TaskRow) -> Exception | None:
    """The error to fail a dead worker's task with: it cannot be loaded, or its worker was
    ended at its hard time limit; None if it may run again."""
    try:
        limit = time_limit_of(row.task)
    except Exception as error:  # ImportError, a row that names no Task...
        return error
    if row.started_at and timezone.now() >= row.started_at + timedelta(
        seconds=limit + HARD_LIMIT_GRACE_SECONDS
    ):
        return TimeLimitExceeded(f"The task ran past its hard time limit of {limit:g} s.")
    return None
