"""The scheduler's lease: one holder at a time, until it gives the lease up or lets it lapse."""

from datetime import timedelta

import pytest
from crontask.utils import LockError, LockNotOwnedError
from django.utils import timezone

from ..lease import DatabaseLease
from ..models import Lease


def lease(holder: str) -> DatabaseLease:
    return DatabaseLease("scheduler", holder=holder, timeout=10, blocking_timeout=0)


@pytest.mark.django_db(transaction=True)  # as in the scheduler: renewing may reconnect
def test_one_scheduler_holds_the_lease_until_it_gives_it_up_or_lets_it_lapse():
    with lease("first"), pytest.raises(LockError, match="taken: scheduler, held by first"):
        lease("second").__enter__()
    first, second = lease("first"), lease("second")
    assert first.acquire() and not second.acquire()  # the first gave it up on leaving
    Lease.objects.update(expires_at=timezone.now() - timedelta(minutes=1))  # then stopped

    assert second.acquire()
    with pytest.raises(LockNotOwnedError, match="first lost the scheduler lease"):
        first.extend(10, True)
