"""What the queues hold, as the tests ask it of RQ (django-rq's queues and registries in Redis).

The tests use a Redis database of their own (TEST_REDIS_URL, config/settings/test.py):
forget_all() empties it.
"""

from collections.abc import Iterable

import django_rq
from rq.registry import ScheduledJobRegistry, StartedJobRegistry


def enqueued() -> int:
    """How many tasks were enqueued (and not expired), in every queue."""
    return len(django_rq.get_connection().keys("rq:job:*"))


def unfinished(queues: Iterable[str]) -> int:
    """How many jobs of `queues` wait (queued or scheduled for a retry) or run."""
    count = 0
    for name in queues:
        queue = django_rq.get_queue(name)
        started = StartedJobRegistry(queue=queue)
        count += queue.count + ScheduledJobRegistry(queue=queue).count + started.count
    return count


# RQ's keys of jobs, their results and the queues' registries (and the lock on cleaning them,
# which a worker killed while cleaning holds for 15 minutes); not of its workers.
JOB_KEYS = ["job", "queue", "results", "execution", "wip", "finished", "failed", "scheduled",
            "deferred", "canceled", "clean_registries"]  # fmt: skip


def forget_all() -> None:
    """Delete every job from the tests' Redis database, as each test's database starts empty;
    the running workers stay registered."""
    connection = django_rq.get_connection()
    for kind in JOB_KEYS:
        for key in connection.scan_iter(f"rq:{kind}*"):
            connection.delete(key)
