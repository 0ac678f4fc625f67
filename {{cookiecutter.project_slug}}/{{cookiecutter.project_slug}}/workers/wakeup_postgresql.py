"""Wake a waiting worker the moment a task of its queues is ready: PostgreSQL LISTEN/NOTIFY.

A trigger on django-tasks-db's table (migration 0002_notify_ready_tasks) runs
`NOTIFY django_tasks, '<queue name>'` whenever a task becomes READY: enqueued,
retried, or recovered after a crash. PostgreSQL delivers a notification only
when the transaction that sent it commits, so a worker never wakes before the
task's row is visible, and a rolled-back enqueue wakes nobody.

Each worker waits on a listening connection of its own (no CPU, no queries)
until a notification names one of its queues, or its poll interval is up: the
safety net, should a notification be missed while that connection is replaced.
Workers of one queue all wake; one claims the task (SKIP LOCKED), the others
wait again.

`python -m manage worker --no-wakeup` turns this off: the worker then polls
every `--interval` seconds, as django-tasks-db's db_worker does.
"""

import logging
import time
from typing import Self

import psycopg
from django.db import connections

logger = logging.getLogger(__name__)

CHANNEL = "django_tasks"  # the trigger's; the payload is the queue's name


class Wakeup:
    """Waits until a task is ready on one of `queue_names` ("*": any), or a timeout."""

    def __init__(self, queue_names: list[str], *, enabled: bool = True) -> None:
        self.queue_names = set(queue_names)
        self.enabled = enabled
        self._connection: psycopg.Connection | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def wait(self, timeout: float) -> bool:
        """Return True when notified of a ready task of ours; False after `timeout` seconds."""
        if not self.enabled:
            time.sleep(timeout)
            return False
        deadline = time.monotonic() + timeout
        try:
            if self._connection is None:
                # Listening starts now: a task readied before it sent its notification
                # to nobody. Return, for the worker to look for tasks once more.
                self._listen()
                return False
            listener = self._connection
            while (remaining := deadline - time.monotonic()) > 0:
                for notify in listener.notifies(timeout=remaining, stop_after=1):
                    if "*" in self.queue_names or notify.payload in self.queue_names:
                        return True
        except psycopg.Error:
            # Look for tasks now (one may have been missed), then listen again.
            logger.warning("The wake-up connection failed; opening another.", exc_info=True)
            self.close()
        return False

    def _listen(self) -> None:
        """Open the listening connection (as Django opens its own) and LISTEN."""
        database = connections["default"]
        listener = database.get_new_connection(database.get_connection_params())
        listener.autocommit = True
        listener.execute(f"LISTEN {CHANNEL}")
        self._connection = listener

    def close(self) -> None:
        """Close the listening connection."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
