"""The workers' heartbeats, and the links from a failed attempt to its retry."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """A running worker process; `last_seen_at` moves forward while it lives.

    Written by the worker itself (see heartbeat.py), with the database's clock,
    so workers on hosts whose clocks disagree are still judged fairly.
    """

    # As the worker records it in DBTaskResult.worker_ids: unique per process.
    worker_id = models.CharField(max_length=64, primary_key=True)
    queues = models.CharField(max_length=200)
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["worker_id"]

    def __str__(self) -> str:
        return self.worker_id


class TaskRetry(models.Model):
    """Task `task_id` failed and scheduled `retry_task_id` to try again later."""

    task_id = models.CharField(max_length=64, unique=True)  # one retry per attempt
    retry_task_id = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "task retries"

    def __str__(self) -> str:
        return f"{self.task_id} -> {self.retry_task_id}"
