"""Find the tasks of dead workers and run them again.

A task is orphaned when it has been RUNNING for over `stale_after` seconds on a worker (the
last of its worker_ids) with no heartbeat as recent. It goes back to READY under the same id;
after MAX_LOST_WORKERS lost workers (a task that kills them) it fails with WorkerLost instead.

Every worker runs this at each heartbeat. Concurrent runs are safe: a task changes only if,
under a row lock, it is still RUNNING the same attempt. A worker only slow to beat (a paused
VM) may finish a task that another runs again.
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
    candidates = taskdb.running_before(cutoff)
    if not candidates:  # as a rule: this one read is all a heartbeat costs beside its write
        return []
    beating = WorkerHeartbeat.objects.filter(last_seen_at__gte=cutoff)
    alive = set(beating.values_list("worker_id", flat=True))
    recovered = [
        str(row.id)
        for row in candidates
        if not (row.worker_ids and row.worker_ids[-1] in alive) and recover(row)
    ]
    forget_dead_workers(stale_after)
    return recovered


def forget_dead_workers(stale_after: float) -> None:
    """Delete the heartbeats of workers silent that long; one only paused writes its row again."""
    WorkerHeartbeat.objects.filter(last_seen_at__lt=Now() - timedelta(seconds=stale_after)).delete()


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
