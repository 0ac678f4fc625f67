"""A worker's heartbeat: a row in the database that a thread refreshes every second or so.

A thread beats, not the worker's loop, which stands still while a task runs. At each beat it
also runs crash recovery (recovery.py), and ends the process if the running task outlives its
time limit by OVERDUE_GRACE_SECONDS. Leaving deletes the row; after SIGKILL, it goes stale.
"""

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Self

from django.db import DatabaseError, close_old_connections, connection
from django.db.models.functions import Now
from django.utils.crypto import get_random_string

from .models import WorkerHeartbeat
from .recovery import forget_dead_workers, recover_orphaned_tasks

logger = logging.getLogger(__name__)

WORKER_ID_MAX_LENGTH = 64  # django-tasks-db's limit for a worker id
OVERDUE_GRACE_SECONDS = 10.0
EXIT_OVERDUE = 70  # the exit status of a worker stopped for a task past its limit


def unique_worker_id(name: str) -> str:
    """`name`, pid and a random tag ("emails@web-1:4242:x7Kq2b"): a restarted container keeps
    its hostname and pid, and must not inherit the heartbeat of the dead process."""
    suffix = f":{os.getpid()}:{get_random_string(6)}"
    return name[: WORKER_ID_MAX_LENGTH - len(suffix)] + suffix


class Heartbeat:
    """Keeps this worker's heartbeat row fresh; recovers dead workers' tasks at each beat."""

    def __init__(
        self,
        worker_id: str,
        *,
        queues: str,
        interval: float,
        stale_after: float,
        task_deadline: Callable[[], float | None] = lambda: None,
    ) -> None:
        if stale_after <= 2 * interval:
            raise ValueError("stale_after must exceed two heartbeat intervals.")
        self.worker_id, self.queues = worker_id, queues
        self.interval, self.stale_after = interval, stale_after
        self.task_deadline = task_deadline  # when the running task's limit is up, if any
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)

    def beat(self) -> None:
        """Record that this worker is alive now (by the database's clock)."""
        mine = WorkerHeartbeat.objects.filter(worker_id=self.worker_id)
        # None to update: the first beat, or a recovery forgot us while we were paused.
        if not mine.update(last_seen_at=Now()):
            WorkerHeartbeat.objects.create(
                worker_id=self.worker_id, queues=self.queues, started_at=Now(), last_seen_at=Now()
            )

    def __enter__(self) -> Self:
        self.beat()
        recover_orphaned_tasks(self.stale_after)  # tasks left by a worker that died before us
        forget_dead_workers(self.stale_after)
        self._thread.start()
        message = "Heartbeat of worker_id=%s every %gs; a worker silent for %gs is dead."
        logger.info(message, self.worker_id, self.interval, self.stale_after)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopped.set()
        self._thread.join(timeout=self.interval + 5)
        for _ in range(2):
            try:
                WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
                return
            except DatabaseError:
                # The worker may be leaving because its connection broke: open another.
                close_old_connections()
        logger.warning("Could not delete heartbeat %s; it will go stale.", self.worker_id)

    def _run(self) -> None:
        """Beat and recover every `interval` seconds; stop the process if a task is overdue."""
        try:
            while not self._stopped.wait(self.interval):
                self._stop_if_overdue()
                try:
                    self.beat()
                    recover_orphaned_tasks(self.stale_after)
                except Exception:
                    # Keep beating: a thread that died here would make a live worker look
                    # dead, and its running task would be run a second time.
                    logger.exception("Heartbeat of %s failed; trying again.", self.worker_id)
                    connection.close()  # the next beat opens a fresh connection
        finally:
            connection.close()  # this thread's own connection

    def _stop_if_overdue(self) -> None:
        deadline = self.task_deadline()
        if deadline is not None and time.monotonic() > deadline + OVERDUE_GRACE_SECONDS:
            logger.critical("%s: a task outlived its time limit; exiting.", self.worker_id)
            os._exit(EXIT_OVERDUE)  # the task stays RUNNING; recovery runs it elsewhere
