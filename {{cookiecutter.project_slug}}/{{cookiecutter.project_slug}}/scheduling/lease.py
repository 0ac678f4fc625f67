"""crontask's scheduler lock, kept as a lease in the project's database{% if cookiecutter.backend == "rq" %}: one per database.{% else %}: it has no Redis.{% endif %}

The part of redis-py's lock that crontask uses. One holder at a time: the row
changes hands only by an UPDATE on condition that it expired (by the database's
clock), and its holder renews it only while the row still names it.
"""

import logging
import time
from datetime import timedelta
from typing import Self

from crontask.utils import LockError, LockNotOwnedError
from django.db import IntegrityError, close_old_connections, transaction
from django.db.models.functions import Now

from .models import Lease

logger = logging.getLogger(__name__)


class DatabaseLease:
    """The lease `name`, taken by `holder` for `timeout` seconds at a time."""

    def __init__(self, name: str, *, holder: str, timeout: float, blocking_timeout: float) -> None:
        """`blocking_timeout` may be infinite: a standby waits until the lease is free."""
        self.name, self.holder = name, holder
        self.timeout, self.blocking_timeout = timeout, blocking_timeout
        self.lost = False  # a renewal found another holder

    def __enter__(self) -> Self:
        """Take the lease, waiting up to `blocking_timeout` s for it to be given up or to lapse."""
        deadline = time.monotonic() + self.blocking_timeout
        if not self.acquire():
            logger.info("%s: waiting as a standby (%s).", self.holder, self.current())
            while not self.acquire():
                if time.monotonic() >= deadline:
                    raise LockError(f"The {self.name} lease is taken: {self.current()}.")
                time.sleep(1)
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Give the lease up, if it is still ours: the next scheduler starts at once."""
        close_old_connections()  # the connection was last used when the lease was taken
        Lease.objects.filter(name=self.name, holder=self.holder).delete()

    def acquire(self) -> bool:
        """Take the lease if nobody holds it or its holder let it lapse; whether we did."""
        expires_at = Now() + timedelta(seconds=self.timeout)
        lapsed = Lease.objects.filter(name=self.name, expires_at__lt=Now())
        if lapsed.update(holder=self.holder, expires_at=expires_at):
            return True
        try:
            with transaction.atomic():
                Lease.objects.create(name=self.name, holder=self.holder, expires_at=expires_at)
        except IntegrityError:  # somebody holds it
            return False
        return True

    def extend(self, seconds: float, *_: object) -> bool:
        """Hold the lease `seconds` more from now, as crontask asks; LockNotOwnedError if lost."""
        close_old_connections()  # as a request does: the database may have dropped it since
        ours = Lease.objects.filter(name=self.name, holder=self.holder)
        if not ours.update(expires_at=Now() + timedelta(seconds=seconds)):
            self.lost = True
            raise LockNotOwnedError(f"{self.holder} lost the {self.name} lease: {self.current()}.")
        return True

    def current(self) -> str:
        """Who holds the lease and until when, for messages."""
        return str(Lease.objects.filter(name=self.name).first() or f"{self.name}, held by nobody")
