"""Who owns a running task, answered by the operating system: one file lock per worker.

SQLite serves the processes of one host. Each worker holds an exclusive lock (flock) on a file
of its own beside the database, then registers as a WorkerProcess. The kernel holds that lock
exactly as long as the process lives: through a long C call that holds the GIL, SIGSTOP, or a
write lock it waits for, and not a moment after it dies, however it dies. A registered worker
whose file another process can lock is dead; recovery.py keeps that lock while it runs its
tasks again, so two workers never recover the same one. Nothing is written to stay alive.
"""

import fcntl
import os
import socket
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Self

from django.db import connection

from .models import WorkerProcess


def lock_file(worker_id: str) -> Path:
    """The file that `worker_id` holds locked while it lives, beside the database."""
    name = "".join(char if char.isalnum() or char in "@.-_" else "_" for char in worker_id)
    return lock_folder() / f"{name}.lock"


def lock_folder() -> Path:
    """Beside the database file; for an in-memory database (a test's), which this process
    alone sees, in the temporary folder (not a folder named after its URI)."""
    database = str(connection.settings_dict["NAME"])
    if database == ":memory:" or "mode=memory" in database:  # as Django's is_in_memory_db()
        return Path(tempfile.gettempdir(), f"sqlite-in-memory-{os.getpid()}-workers")
    return Path(f"{database}-workers")


def try_lock(path: Path) -> int | None:
    """An open descriptor of `path` holding its exclusive lock; None if another process holds
    it."""
    path.parent.mkdir(exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return None
    return descriptor


class Ownership:
    """Holds this worker's lock and registers it; finds dead workers and takes theirs over."""

    def __init__(self, worker_id: str, *, queues: str) -> None:
        self.worker_id, self.queues = worker_id, queues
        self._mine: int | None = None
        self._taken: dict[int, int] = {}  # dead workers' row ids -> their locked files

    def __enter__(self) -> Self:
        # Locked before the row exists: no other worker ever sees this one without its lock.
        self._mine = try_lock(lock_file(self.worker_id))
        if self._mine is None:
            raise RuntimeError(f"Another process holds the lock of worker {self.worker_id}.")
        WorkerProcess.objects.create(
            worker_id=self.worker_id, queues=self.queues, host=socket.gethostname(), pid=os.getpid()
        )
        return self

    def __exit__(self, *exc_info: object) -> None:
        # Leaving with its tasks done: nothing to recover.
        WorkerProcess.objects.filter(worker_id=self.worker_id).delete()
        if self._mine is not None:
            lock_file(self.worker_id).unlink(missing_ok=True)
            os.close(self._mine)
            self._mine = None

    def dead_workers(self) -> list[WorkerProcess]:
        """The registered workers whose lock was released, each now locked by us: recover them,
        then `release` them."""
        dead = []
        for worker in WorkerProcess.objects.exclude(worker_id=self.worker_id):
            descriptor = try_lock(lock_file(worker.worker_id))
            if descriptor is not None:
                self._taken[worker.pk] = descriptor
                dead.append(worker)
        return dead

    def release(self, worker: WorkerProcess) -> None:
        """Forget a dead worker whose tasks were recovered, and give its lock up."""
        WorkerProcess.objects.filter(pk=worker.pk).delete()
        lock_file(worker.worker_id).unlink(missing_ok=True)
        os.close(self._taken.pop(worker.pk))


def living(workers: Iterable[WorkerProcess]) -> list[WorkerProcess]:
    """Those of `workers` alive now: nobody else can lock their file."""
    alive = []
    for worker in workers:
        descriptor = try_lock(lock_file(worker.worker_id))
        if descriptor is None:
            alive.append(worker)
        else:
            os.close(descriptor)
    return alive
