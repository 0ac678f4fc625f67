"""Who owns a running task, answered by PostgreSQL itself: one advisory lock per worker.

A worker opens a session of its own (a direct connection beside Django's, which a task may
close), and in one transaction registers as a WorkerProcess and takes the session advisory
lock (LOCK_SPACE, its row's id). PostgreSQL holds that lock exactly as long as the session
lives: through a long C call that holds the GIL, SIGSTOP or a paused VM, and not a moment
after the process dies (the kernel closes its socket) or its host stops answering (TCP
keepalive on both ends gives up after WORKER_UNREACHABLE_AFTER_SECONDS). A registered worker
without its lock is dead; recovery.py takes the lock over to run its tasks again, so two
workers never recover the same one.

The same session LISTENs for ready tasks (wakeup.py). It must reach PostgreSQL directly: a
pooler in transaction mode (PgBouncer's) would drop the lock and the LISTEN after each
transaction.
"""

import math
import os
import socket
from collections.abc import Iterable
from contextlib import suppress
from typing import Any, Self

import psycopg
from django.conf import settings
from django.db import connection, connections

from .models import WorkerProcess

LOCK_SPACE = 0x7461736B  # "task": the first key of our advisory locks; the second is a row id
TABLE = WorkerProcess._meta.db_table
# The registered workers whose lock nobody holds: dead.
UNLOCKED = f"""
    SELECT id FROM {TABLE} worker WHERE NOT EXISTS (
        SELECT FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND objsubid = 2
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND classid = {LOCK_SPACE}::oid AND objid = worker.id::oid
    )"""  # noqa: S608 (fixed SQL only)
FORGET = f"DELETE FROM {TABLE} WHERE worker_id = %s"  # noqa: S608


def keepalive_parameters() -> dict[str, Any]:
    """libpq parameters that end the session, on both ends, once the other end has not answered
    for WORKER_UNREACHABLE_AFTER_SECONDS: PostgreSQL then releases the worker's lock."""
    bound = settings.WORKER_UNREACHABLE_AFTER_SECONDS
    idle = max(1, math.floor(bound / 2))
    count = 3
    interval = max(1, math.floor((bound - idle) / count))
    server = (
        f"-c tcp_keepalives_idle={idle} -c tcp_keepalives_interval={interval}"
        f" -c tcp_keepalives_count={count} -c tcp_user_timeout={int(bound * 1000)}"
    )
    return {
        "keepalives": 1, "keepalives_idle": idle, "keepalives_interval": interval,
        "keepalives_count": count, "tcp_user_timeout": int(bound * 1000), "options": server,
    }  # fmt: skip


class Ownership:
    """Registers this worker and holds its lock; finds dead workers and takes theirs over."""

    def __init__(self, worker_id: str, *, queues: str) -> None:
        self.worker_id, self.queues = worker_id, queues
        self.connection: psycopg.Connection | None = None

    def __enter__(self) -> Self:
        self.connect()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.connection is not None:
            # Leaving with its tasks done: nothing to recover. Closing releases the lock.
            with suppress(psycopg.Error):  # if the session is gone, another worker forgets us
                self.connection.execute(FORGET, [self.worker_id])
            self.connection.close()
            self.connection = None

    def connect(self) -> None:
        """Open the session, register, and take the lock, in one transaction: no other worker
        ever sees this one registered without its lock."""
        if self.connection is not None:
            self.connection.close()
        database = connections["default"]
        params, keepalive = database.get_connection_params(), keepalive_parameters()
        keepalive["options"] = " ".join(filter(None, [params.get("options"), keepalive["options"]]))
        session = database.get_new_connection(params | keepalive)
        session.autocommit = True
        with session.transaction():
            # A worker that lost its session registers again, under its id, with a new lock.
            session.execute(FORGET, [self.worker_id])
            (row_id,) = session.execute(
                f"INSERT INTO {TABLE} (worker_id, queues, host, pid, started_at)"  # noqa: S608
                " VALUES (%s, %s, %s, %s, now()) RETURNING id",
                [self.worker_id, self.queues, socket.gethostname(), os.getpid()],
            ).fetchone()
            session.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_SPACE, row_id])
        self.connection = session

    def dead_workers(self) -> list[WorkerProcess]:
        """The registered workers whose lock was released, each now locked by us: recover them,
        then `release` them. Two workers never take over the same one."""
        session = self.session()
        try:
            dead = [row_id for (row_id,) in session.execute(UNLOCKED)]
            taken = [row_id for row_id in dead if self._try_lock(session, row_id)]
        except psycopg.Error:
            self.connect()  # our session broke: register again under a new lock
            return []
        return list(WorkerProcess.objects.filter(pk__in=taken))

    def release(self, worker: WorkerProcess) -> None:
        """Forget a dead worker whose tasks were recovered, and give its lock up."""
        WorkerProcess.objects.filter(pk=worker.pk).delete()
        self.session().execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_SPACE, worker.pk])

    def session(self) -> psycopg.Connection:
        """The worker's own session (open while the Ownership is entered)."""
        if self.connection is None:
            raise RuntimeError("The worker's session is not open: enter the Ownership first.")
        return self.connection

    @staticmethod
    def _try_lock(session: psycopg.Connection, row_id: int) -> bool:
        locked = session.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_SPACE, row_id])
        return bool(locked.fetchone()[0])  # type: ignore[index]  # one row, always


def living(workers: Iterable[WorkerProcess]) -> list[WorkerProcess]:
    """Those of `workers` alive now: they hold their lock."""
    workers = list(workers)
    with connection.cursor() as cursor:
        cursor.execute(UNLOCKED)
        dead = {row_id for (row_id,) in cursor.fetchall()}
    return [worker for worker in workers if worker.pk not in dead]
