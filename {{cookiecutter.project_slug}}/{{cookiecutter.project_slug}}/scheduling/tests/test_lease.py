"""The scheduler's lease: one holder at a time, renewed while it lives, taken once it lapses."""

from datetime import timedelta

import pytest
from crontask.utils import LockError, LockNotOwnedError
from django.conf import settings
from django.utils import timezone

from ..lease import DatabaseLease
from ..models import Lease

# Committed as it goes, as the scheduler runs it: the lease replaces broken
# connections, which would end a test's enclosing transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def lease(holder: str) -> DatabaseLease:
    """The scheduler's lease as `holder` asks for it: 10 s long, without waiting."""
    return DatabaseLease("scheduler", holder=holder, timeout=10, blocking_timeout=0)


def crash(holder: str) -> None:
    """`holder` stopped renewing its lease long enough ago for it to lapse."""
    Lease.objects.filter(holder=holder).update(expires_at=timezone.now() - timedelta(minutes=1))


def test_while_one_scheduler_holds_the_lease_another_is_refused():
    with lease("first"), pytest.raises(LockError, match="lease is taken: scheduler, held by first"):
        lease("second").__enter__()
    assert not Lease.objects.exists()  # given up on leaving


def test_a_lease_given_up_is_taken_at_once():
    with lease("first"):
        pass
    with lease("second"):
        assert Lease.objects.get().holder == "second"


def test_the_lease_of_a_crashed_scheduler_passes_to_the_next_and_the_first_learns_it():
    first, second = lease("first"), lease("second")
    assert first.acquire()
    assert not second.acquire()
    crash("first")

    assert second.acquire()
    with pytest.raises(LockNotOwnedError, match="first lost the scheduler lease"):
        first.extend(10, True)
    assert first.lost
    assert Lease.objects.get().holder == "second"


def test_renewing_moves_the_expiry_forward():
    first = lease("first")
    first.acquire()
    before = Lease.objects.get().expires_at

    first.extend(60)  # added to the lease, as redis-py does by default
    assert Lease.objects.get().expires_at == before + timedelta(seconds=60)

    first.extend(10, True)  # from now, as crontask asks
    assert before <= Lease.objects.get().expires_at < before + timedelta(seconds=60)


def test_a_lapsed_lease_nobody_took_is_renewed_by_its_holder():
    # Nobody else held it meanwhile: the row still names the first holder.
    first = lease("first")
    first.acquire()
    crash("first")
    assert first.extend(10, True)
    assert not lease("second").acquire()


def test_a_restarted_scheduler_outwaits_the_lease_its_crashed_predecessor_left():
    config = settings.CRONTASK
    assert config["LOCK_REFRESH_INTERVAL"] < config["LOCK_TIMEOUT"]
    assert config["LOCK_TIMEOUT"] < config["LOCK_BLOCKING_TIMEOUT"]
