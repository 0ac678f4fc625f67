"""Which process may run the scheduler: a lease, kept in the project's own database."""

from django.db import models


class Lease(models.Model):
    """A named lease, held by one process until it expires (by the database's clock)."""

    name = models.CharField(max_length=50, primary_key=True)
    holder = models.CharField(max_length=64)  # a unique process id, like a worker's
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}, held by {self.holder} until {self.expires_at:%Y-%m-%d %H:%M:%S %Z}"


class ScheduledRun(models.Model):
    """When the scheduler last enqueued a @cron task: a tick missed while none ran shows."""

    name = models.CharField(max_length=200, primary_key=True)  # the scheduler's job name
    last_enqueued_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}, last enqueued at {self.last_enqueued_at:%Y-%m-%d %H:%M:%S %Z}"
