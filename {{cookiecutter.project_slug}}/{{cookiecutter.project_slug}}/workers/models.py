"""What the workers record beside django-tasks-db's rows: who runs, what is paused, what failed."""

import os
from datetime import datetime
from traceback import format_exception
from typing import Any, Protocol

from django.db import models
from django.utils import timezone
from django.utils.crypto import get_random_string

WORKER_ID_MAX_LENGTH = 64  # django-tasks-db's limit for a worker id


def unique_worker_id(name: str) -> str:
    """`name`, pid and a random tag ("emails@web-1:4242:x7Kq2b"): a restarted container keeps
    its hostname and pid, and must not inherit the tasks of the dead process."""
    suffix = f":{os.getpid()}:{get_random_string(6)}"
    return name[: WORKER_ID_MAX_LENGTH - len(suffix)] + suffix


class WorkerProcess(models.Model):
    """A worker process that runs tasks. It is alive exactly while it holds its ownership lock
    (ownership.py), a lock the database or the operating system releases when it dies; no row
    is ever written to prove it alive."""

    # As the worker records it in the task's worker_ids: unique per process.
    worker_id = models.CharField(max_length=WORKER_ID_MAX_LENGTH, unique=True)
    queues = models.CharField(max_length=200)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True)
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["worker_id"]
        verbose_name_plural = "worker processes"  # not Django's "processs"

    def __str__(self) -> str:
        return self.worker_id


class PausedQueue(models.Model):
    """A queue whose READY tasks the workers leave alone until the row is deleted."""

    queue_name = models.CharField(max_length=32, primary_key=True)  # django-tasks-db's length
    paused_at = models.DateTimeField(default=timezone.now)
    paused_by = models.CharField(max_length=150, blank=True)

    def __str__(self) -> str:
        return self.queue_name


class Attempt(Protocol):
    """What TaskAttempt.record reads of a task's row (taskdb.TaskRow)."""

    id: Any
    worker_ids: list[str]
    started_at: datetime | None


class TaskAttempt(models.Model):
    """One run of a task that did not succeed: it raised, timed out, lost its worker or was
    interrupted. django-tasks-db keeps only a task's last error; the status page shows each."""

    task_id = models.CharField(max_length=64, db_index=True)
    number = models.PositiveSmallIntegerField(help_text="1 for the task's first run")
    worker_id = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    error = models.CharField(max_length=200, help_text="The exception's class path")
    traceback = models.TextField()

    class Meta:
        ordering = ["task_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["task_id", "number"], name="one_record_per_attempt"),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.number} of {self.task_id}: {self.error}"

    @staticmethod
    def class_path(error: BaseException) -> str:
        """`module.Class` of an exception, as django.tasks records it."""
        return f"{type(error).__module__}.{type(error).__qualname__}"

    @classmethod
    def record(cls, row: Attempt, error: BaseException) -> "TaskAttempt":
        """Record the failure of the attempt `row` is running."""
        attempt, _ = cls.objects.update_or_create(
            task_id=str(row.id),
            number=len(row.worker_ids),
            defaults={
                "worker_id": row.worker_ids[-1] if row.worker_ids else "",
                "started_at": row.started_at or timezone.now(),
                "finished_at": timezone.now(),
                "error": cls.class_path(error),
                "traceback": "".join(format_exception(error)),
            },
        )
        return attempt
