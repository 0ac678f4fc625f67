"""A worker's heartbeat: a row in the database that a thread refreshes every second or so.

    with Heartbeat(worker_id, queues="emails", interval=1, stale_after=5):
        ...  # run tasks; a thread beats meanwhile and recovers dead workers' tasks

A thread, not the worker's loop, beats: the loop stands still while a task
runs, and a report may run for half an hour. At each beat the thread also runs
crash recovery (recovery.py), so the task of a worker that died runs again a
few seconds after its last beat. And it watches the running task's time limit:
a task that a signal could not stop (stuck in C code) past its limit plus
OVERDUE_GRACE_SECONDS ends the whole process, for the supervisor to restart.

Entering writes the first beat before the worker claims any task, so a task is
never RUNNING under a worker without a heartbeat row. Leaving (a normal exit,
SIGTERM, an exception) deletes the row. SIGKILL leaves it to go stale: that is
how the others learn the worker is gone.
"""

import logging
import os
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Self

from django.db import DatabaseError, close_old_connections, connection
from django.db.models.functions import Now
from django.utils.crypto import get_random_string

from .models import WorkerHeartbeat
from .recovery import recover_orphaned_tasks

logger = logging.getLogger(__name__)

WORKER_ID_MAX_LENGTH = 64  # django-tasks-db's limit for a worker id
OVERDUE_GRACE_SECONDS = 10.0
EXIT_OVERDUE = 70  # the exit status of a worker stopped for a task past its limit


def unique_worker_id(name: str) -> str:
    """`name` plus this process's pid and a random tag: "emails@web-1:4242:x7Kq2b".

    The Procfile gives every process of a line the same name, and a restarted
    container keeps its hostname and even its pid (1). The random tag tells each
    start of each process apart, so a new process never inherits the heartbeat
    of a dead one.
    """
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
        self.worker_id = worker_id
        self.queues = queues
        self.interval = interval
        self.stale_after = stale_after
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
        self._thread.start()
        logger.info(
            "Heartbeat of worker_id=%s every %gs; a worker silent for %gs is dead.",
            self.worker_id,
            self.interval,
            self.stale_after,
        )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
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
            logger.critical(
                "Worker %s: its task ignored its time limit; stopping the process.", self.worker_id
            )
            os._exit(EXIT_OVERDUE)  # the task stays RUNNING; recovery runs it elsewhere
