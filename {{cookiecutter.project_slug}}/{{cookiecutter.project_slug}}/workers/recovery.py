"""Find the tasks of dead workers and run them again.

A task is orphaned when it is RUNNING, the worker that claimed it (the last of
its worker_ids) has no heartbeat newer than `stale_after` seconds, and it
started more than `stale_after` seconds ago. Such a task goes back to READY,
keeping its id (so its status page keeps working) and its run_after; any worker
of its queue then runs it again. A task that already lost MAX_ATTEMPTS workers
probably kills them (it exhausts memory, say): it is marked FAILED with
WorkerLost instead, for a person to look at.

Every `heartbeat_db_worker` runs this when it starts and then every
`stale_after` seconds; `python -m manage recover_tasks` runs it once.
Concurrent runs are safe: a task changes state only if it is still RUNNING in
the same attempt (same started_at).

Guarantee: at-least-once. A worker that was only slow to beat (a paused VM, a
database that was unreachable for longer than `stale_after`) may finish a task
that another worker runs again.
"""

import logging
from datetime import timedelta

from django.db.models.functions import Now
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # runs of one task, counting the one whose worker was lost


class WorkerLost(Exception):
    """The worker running the task stopped (SIGKILL, out of memory, lost machine)."""


WORKER_LOST = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"


def recover_orphaned_tasks(stale_after: float, max_attempts: int = MAX_ATTEMPTS) -> list[str]:
    """Put the tasks of dead workers back to READY (or FAILED); return their ids."""
    # One clock for every host: the database's.
    cutoff = Now() - timedelta(seconds=stale_after)
    alive = set(
        WorkerHeartbeat.objects.filter(last_seen_at__gte=cutoff).values_list("worker_id", flat=True)
    )
    running = DBTaskResult.objects.running().filter(started_at__lt=cutoff)
    recovered = [
        str(task.id)
        for task in running.only("id", "worker_ids", "started_at")
        if not (task.worker_ids and task.worker_ids[-1] in alive) and recover(task, max_attempts)
    ]
    # Forget dead workers; one that was only paused writes its row again.
    WorkerHeartbeat.objects.filter(last_seen_at__lt=cutoff).delete()
    return recovered


def recover(task: DBTaskResult, max_attempts: int) -> bool:
    """Run an orphaned task again, or fail it after `max_attempts` runs; False if it moved on."""
    attempts = len(task.worker_ids)
    lost = task.worker_ids[-1] if task.worker_ids else "an unknown worker"
    same_attempt = DBTaskResult.objects.filter(
        pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at
    )
    if attempts < max_attempts:
        changed = same_attempt.update(status=TaskResultStatus.READY)
        if changed:
            logger.warning(
                "Task id=%s was RUNNING on %s, which stopped beating: READY again "
                "(attempt %d of %d next).",
                task.id,
                lost,
                attempts + 1,
                max_attempts,
            )
        return bool(changed)
    changed = same_attempt.update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path=WORKER_LOST,
        traceback=(
            f"{WORKER_LOST}: the worker running this task ({lost}) stopped beating "
            f"during attempt {attempts} of {max_attempts}; not retried again.\n"
        ),
    )
    if changed:
        logger.error("Task id=%s lost %d workers: FAILED with WorkerLost.", task.id, attempts)
    return bool(changed)
