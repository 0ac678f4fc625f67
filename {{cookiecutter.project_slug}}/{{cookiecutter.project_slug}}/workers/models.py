"""What the workers record beside django-tasks-db's rows: who is alive, and what failed."""

from traceback import format_exception

from django.db import models
from django.utils import timezone

from .taskdb import TaskRow


class WorkerHeartbeat(models.Model):
    """A running worker process; its heartbeat.py moves `last_seen_at` by the database's clock."""

    # As the worker records it in the task's worker_ids: unique per process.
    worker_id = models.CharField(max_length=64, primary_key=True)
    queues = models.CharField(max_length=200)
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["worker_id"]

    def __str__(self) -> str:
        return self.worker_id


class TaskAttempt(models.Model):
    """One run of a task that failed: it raised, timed out, or lost its worker. django-tasks-db
    keeps only a task's last error; the status page shows each failed run."""

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
    def record(cls, row: TaskRow, error: BaseException) -> "TaskAttempt":
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
