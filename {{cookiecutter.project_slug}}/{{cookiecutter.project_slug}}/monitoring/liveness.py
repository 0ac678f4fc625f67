"""Which workers are alive and what each runs; which queues are paused, and the switch."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.admin.models import ADDITION, DELETION, LogEntry
from django.contrib.auth.models import AbstractBaseUser

from ..workers import taskdb
from ..workers.models import PausedQueue, WorkerProcess
from ..workers.recovery import live_workers


@dataclass
class LiveWorker:
    process: WorkerProcess
    task: taskdb.TaskRow | None  # the task it runs now, if any

    @property
    def queues(self) -> list[str]:
        return [name.strip() for name in self.process.queues.split(",") if name.strip()]

    @property
    def busy_since(self) -> datetime | None:
        return self.task.started_at if self.task else None


def workers_now() -> list[LiveWorker]:
    """The live workers, each with the RUNNING task whose last worker id is its own."""
    running = {row.worker_ids[-1]: row for row in taskdb.running_tasks() if row.worker_ids}
    return [LiveWorker(worker, running.get(worker.worker_id)) for worker in live_workers()]


def paused_queues() -> set[str]:
    return set(PausedQueue.objects.values_list("queue_name", flat=True))


def pause(queue_name: str, user: AbstractBaseUser) -> bool:
    """Make the workers leave the queue's READY tasks alone; False if it was paused already."""
    paused, created = PausedQueue.objects.get_or_create(
        queue_name=queue_name, defaults={"paused_by": str(user)}
    )
    if created:
        log(user, paused, ADDITION, f"Paused queue {queue_name}.")
    return created


def resume(queue_name: str, user: AbstractBaseUser) -> bool:
    """Let the workers take the queue's tasks again; False if it was not paused."""
    paused = PausedQueue.objects.filter(queue_name=queue_name).first()
    if paused is None:
        return False
    log(user, paused, DELETION, f"Resumed queue {queue_name}.")
    paused.delete()
    return True


def log(user: AbstractBaseUser, paused: PausedQueue, flag: int, message: str) -> None:
    """An admin log entry: who switched the queue, and when."""
    LogEntry.objects.log_actions(
        user.pk, [paused], flag, change_message=message, single_object=True
    )
