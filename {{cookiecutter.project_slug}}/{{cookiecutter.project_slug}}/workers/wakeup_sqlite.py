"""Wake a waiting worker soon after another process writes to the database: SQLite's
data_version.

SQLite has no notifications between processes, but `PRAGMA data_version` changes when another
connection commits (never for this connection's own commits). Reading it takes no lock,
unlike looking for a task (BEGIN EXCLUSIVE, behind the web server's writes). A waiting worker
reads it every CHECK_SECONDS (see the docs' benchmarks page) and looks for tasks once
something was written, or after its poll interval at the latest.

`python -m manage worker --no-wakeup` turns this off: the worker then looks for tasks every
`--interval` seconds, as django-tasks-db's db_worker does.
"""

import time
from collections.abc import Callable
from typing import Self

from django.db import connection

from .ownership import Ownership

CHECK_SECONDS = 0.025  # an idle worker under 1 % of a core; a wake-up at most this late


class Wakeup:
    """Waits until another connection wrote to the database, or a timeout."""

    def __init__(self, queue_names: list[str], ownership: Ownership, *, enabled: bool = True):
        self.enabled = enabled
        self._version: int | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass

    def arm(self) -> None:
        """Note the database's version before the worker looks for a task: a write after this
        wakes the next wait."""
        self._version = version_reader()() if self.enabled else None

    def wait(self, timeout: float) -> bool:
        """Return True once another connection committed a write; False after `timeout` s."""
        deadline = time.monotonic() + timeout
        if self._version is None:
            time.sleep(timeout)
            return False
        read = version_reader()
        while (remaining := deadline - time.monotonic()) > 0:
            time.sleep(min(CHECK_SECONDS, remaining))
            if read() != self._version:
                return True
        return False


def version_reader() -> Callable[[], int]:
    """Reads this connection's view of the database's commit counter, on one cursor of the
    driver's own connection: Django's cursor, or a new cursor per read, would cost more than
    the read itself, every CHECK_SECONDS. Each read runs to its end: it keeps no read lock."""
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    return lambda: cursor.execute("PRAGMA data_version").fetchone()[0]
