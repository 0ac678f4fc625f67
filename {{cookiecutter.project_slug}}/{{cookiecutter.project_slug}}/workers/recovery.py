"""Find the tasks of dead workers and run them again.

A task is orphaned when it is RUNNING, the worker that claimed it (the last of
its worker_ids) has no heartbeat newer than `stale_after` seconds, and its
attempt started more than `stale_after` seconds ago. Such a task goes back to
READY, keeping its id (its status page keeps working), and the next worker of
its queue runs it. A task that already lost MAX_LOST_WORKERS workers probably
kills them (it exhausts memory, say): it fails with WorkerLost instead, for a
person to look at. Each lost attempt is recorded as a TaskAttempt.

Every worker runs this at each heartbeat; `python -m manage recover_tasks`
runs it once. Concurrent runs are safe: a task changes only if it is still
RUNNING the same attempt (same started_at), checked under a row lock.

Guarantee: at-least-once. A worker that was only slow to beat (a paused VM, a
database unreachable for longer than `stale_after`) may finish a task that
another worker runs again.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models.functions import Now

from . import taskdb
from .models import TaskAttempt, WorkerHeartbeat

logger = logging.getLogger(__name__)

MAX_LOST_WORKERS = 3


class WorkerLost(Exception):
    """The worker running the task stopped (SIGKILL, out of memory, lost machine)."""


def recover_orphaned_tasks(stale_after: float) -> list[str]:
    """Put the tasks of dead workers back to READY (or fail them); return their ids."""
    # One clock for every host: the database's.
    cutoff = Now() - timedelta(seconds=stale_after)
    recovered = []
    if candidates := taskdb.running_before(cutoff):  # usually none: one cheap query
        alive = set(
            WorkerHeartbeat.objects.filter(last_seen_at__gte=cutoff).values_list(
                "worker_id", flat=True
            )
        )
        recovered = [
            str(row.id)
            for row in candidates
            if not (row.worker_ids and row.worker_ids[-1] in alive) and recover(row)
        ]
    # Forget dead workers; one that was only paused writes its row again.
    WorkerHeartbeat.objects.filter(last_seen_at__lt=cutoff).delete()
    return recovered


def recover(orphan: taskdb.TaskRow) -> bool:
    """Run an orphaned task again, or fail it; False if it moved on meanwhile."""
    worker = orphan.worker_ids[-1] if orphan.worker_ids else "an unknown worker"
    lost = WorkerLost(f"The worker running this task ({worker}) stopped beating.")
    with transaction.atomic(using=taskdb.TaskRow.objects.db):
        row = taskdb.still_running(orphan.pk, orphan.started_at)
        if row is None:
            return False
        TaskAttempt.record(row, lost)
        lost_workers = TaskAttempt.objects.filter(
            task_id=str(row.id), error=TaskAttempt.class_path(lost)
        ).count()
        if lost_workers >= MAX_LOST_WORKERS:
            logger.error(
                "Task id=%s lost %d workers: FAILED with WorkerLost.", row.id, lost_workers
            )
            taskdb.fail(row, lost)
        else:
            logger.warning("Task id=%s was RUNNING on %s, which died: READY again.", row.id, worker)
            taskdb.requeue(row)
    return True
