"""Which process may run the scheduler: a lease, kept in the project's own database."""

from django.db import models


class Lease(models.Model):
    """A named lease, held by one process until it expires or that process gives it up.

    The scheduler takes the lease named "scheduler" before it starts and renews
    it every few seconds (lease.py). `expires_at` is written with the database's
    clock, so hosts whose clocks disagree still agree on who holds it.
    """

    name = models.CharField(max_length=50, primary_key=True)
    # Unique per process, like a worker id: "scheduler@web-1:4242:x7Kq2b".
    holder = models.CharField(max_length=64)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}, held by {self.holder} until {self.expires_at:%Y-%m-%d %H:%M:%S %Z}"
