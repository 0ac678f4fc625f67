"""Wake a waiting worker the moment a task of its queues is ready: PostgreSQL LISTEN/NOTIFY.

A trigger on django-tasks-db's table (migration 0002_notify_ready_tasks) runs
`NOTIFY django_tasks, '<queue name>'` whenever a task becomes READY: enqueued, retried, or
recovered after a crash. PostgreSQL delivers a notification only when the transaction that
sent it commits, so a worker never wakes before the task's row is visible, and a rolled-back
enqueue wakes nobody.

Each worker LISTENs on its ownership session (ownership.py: a direct connection with TCP
keepalive) and waits there, without CPU or queries, until a notification names one of its
queues, or until it must look anyway: recovery's check every second, and a poll every
`--interval` seconds (WORKER_POLL_SECONDS) in case notifications stop arriving without an
error (a pooler in transaction mode delivers none).

`python -m manage worker --no-wakeup` turns this off: the worker then polls every
`--interval` seconds, as django-tasks-db's db_worker does.
"""

import logging
import time
from typing import Self

import psycopg

from .ownership import Ownership

logger = logging.getLogger(__name__)

CHANNEL = "django_tasks"  # the trigger's; the payload is the queue's name


class Wakeup:
    """Waits until a task is ready on one of `queue_names` ("*": any), or a timeout."""

    def __init__(self, queue_names: list[str], ownership: Ownership, *, enabled: bool = True):
        self.queue_names = set(queue_names)
        self.ownership, self.enabled = ownership, enabled
        self._listening: psycopg.Connection | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass  # the session is the ownership's to close

    def arm(self) -> None:
        """Listen from now on (before the worker looks for a task): none readied after this
        is missed."""
        session = self.ownership.connection
        if self.enabled and session is not None and session is not self._listening:
            try:
                session.execute(f"LISTEN {CHANNEL}")
                self._listening = session
            except psycopg.Error:
                logger.warning("The worker's session failed; opening another.", exc_info=True)
                self.ownership.connect()

    def wait(self, timeout: float) -> bool:
        """Return True when notified of a ready task of ours; False after `timeout` seconds."""
        if not self.enabled:
            time.sleep(timeout)
            return False
        if self._listening is not self.ownership.connection:
            # A new session (the last one failed): listen there, and look for tasks now, as
            # one readied meanwhile sent its notification to nobody.
            self.arm()
            return True
        listener, deadline = self.ownership.session(), time.monotonic() + timeout
        try:
            while (remaining := deadline - time.monotonic()) > 0:
                for notify in listener.notifies(timeout=remaining, stop_after=1):
                    if "*" in self.queue_names or notify.payload in self.queue_names:
                        return True
        except psycopg.Error:
            # Look for tasks now (one may have been missed), then listen on a new session.
            logger.warning("The worker's session failed; opening another.", exc_info=True)
            self.ownership.connect()
            return True
        return False
