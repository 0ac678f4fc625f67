"""crontask's scheduler lock, kept as a lease in the project's database instead of Redis.

    with DatabaseLease("scheduler", holder=..., timeout=10, blocking_timeout=15) as lease:
        ...  # crontask's scheduler runs, and calls lease.extend() every few seconds

crontask keeps a second scheduler from running with a Redis lock, or not at
all; this project has no Redis. A row of its own database does the same job
(`Lease`: who holds it, and until when by the database's clock), behind the
interface crontask uses of a redis-py lock, with crontask's settings
(CRONTASK's LOCK_TIMEOUT, LOCK_REFRESH_INTERVAL, LOCK_BLOCKING_TIMEOUT):

- entering takes the lease, waiting up to `blocking_timeout` seconds for its
  holder to give it up or let it expire, then raises LockError;
- `extend()` renews it, or raises LockNotOwnedError if another process took it
  (crontask then shuts its scheduler down);
- leaving gives it up, so a scheduler restarted after a clean stop starts at once.

One holder at a time: the lease changes hands only by an UPDATE whose condition
is that it has expired, so the row names its one holder at every moment, and a
holder renews it only while the row still names it.

A second scheduler is refused, not kept waiting as a standby. It does wait
longer than a lease lasts (LOCK_BLOCKING_TIMEOUT > LOCK_TIMEOUT), so a
scheduler restarted after a crash outlasts the lease its predecessor left
behind. Past that, a live scheduler holds the lease: two schedulers for one
database (a second `honcho start`, the Procfile on two servers) is a mistake
a person should see, and a process that exits with an error gets seen. A
supervisor that restarts it (systemd's Restart=always) makes it a standby
anyway, for whoever wants one.
"""

import logging
import time
from datetime import timedelta
from types import TracebackType
from typing import Self

from crontask.utils import LockError, LockNotOwnedError
from django.db import DatabaseError, IntegrityError, close_old_connections, transaction
from django.db.models import F, Q
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Now

from .models import Lease

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.5  # how often a waiting scheduler looks whether the lease is free


class DatabaseLease:
    """A lease row that one process holds at a time; crontask's lock interface."""

    def __init__(self, name: str, *, holder: str, timeout: float, blocking_timeout: float) -> None:
        if timeout <= 0:
            raise ValueError("A lease must last a positive number of seconds.")
        self.name = name
        self.holder = holder
        self.timeout = timeout
        self.blocking_timeout = blocking_timeout
        self.lost = False  # set when a renewal found another holder

    def __enter__(self) -> Self:
        """Take the lease, waiting up to `blocking_timeout` seconds; LockError if it stays taken."""
        deadline = time.monotonic() + self.blocking_timeout
        while not self.acquire():
            if time.monotonic() >= deadline:
                raise LockError(f"The {self.name} lease is taken: {self.current()}.")
            time.sleep(POLL_SECONDS)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Give the lease up, if it is still ours."""
        close_old_connections()  # the last query may have been weeks ago
        try:
            Lease.objects.filter(name=self.name, holder=self.holder).delete()
        except DatabaseError:
            logger.warning("Could not give up the %s lease; it expires by itself.", self.name)

    def acquire(self) -> bool:
        """Take the lease if it is free (lapsed, ours already, or never taken); whether we did."""
        free = Q(expires_at__lt=Now()) | Q(holder=self.holder)
        expires_at = self.from_now(self.timeout)
        lapsed_or_ours = Lease.objects.filter(free, name=self.name)
        if lapsed_or_ours.update(holder=self.holder, expires_at=expires_at):
            return True
        try:
            with transaction.atomic():
                Lease.objects.create(name=self.name, holder=self.holder, expires_at=expires_at)
        except IntegrityError:  # it exists, and is not free
            return False
        return True

    def extend(self, additional_time: float | None = None, replace_ttl: bool = False) -> bool:
        """Renew the lease by `additional_time` seconds (from now, with `replace_ttl`).

        Raises LockNotOwnedError if another process holds it now. Runs in a
        thread of APScheduler's pool, outside any request: like a request, it
        first replaces a connection that the database dropped meanwhile, so a
        database restart does not cost the lease.
        """
        close_old_connections()
        seconds = timedelta(seconds=additional_time or self.timeout)
        expires_at = Now() + seconds if replace_ttl else F("expires_at") + seconds
        if not Lease.objects.filter(name=self.name, holder=self.holder).update(
            expires_at=expires_at
        ):
            self.lost = True
            raise LockNotOwnedError(f"{self.holder} lost the {self.name} lease: {self.current()}.")
        return True

    def current(self) -> str:
        """Who holds the lease and until when, for messages."""
        lease = Lease.objects.filter(name=self.name).first()
        return str(lease) if lease else f"{self.name}, held by nobody"

    @staticmethod
    def from_now(seconds: float) -> CombinedExpression:
        """`seconds` after the database's current time."""
        return Now() + timedelta(seconds=seconds)
