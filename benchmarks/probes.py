"""What the workers tell the lab as it happens: when a task runs, and each statement they send.

Worker side:

- `mark(tag, event)`: the lab's tasks call it when they start and end;
- `count_statements`: in a worker started with LAB_COUNT_STATEMENTS set
  (apps.py), every statement it sends is reported: its first word, its table,
  the thread that sent it, and the rows it wrote. Django's statements through an
  execute wrapper on each connection (with their rows); everything sent past
  Django's cursors through a hook in the driver: sqlite3's trace callback (the
  wake-up's `PRAGMA data_version` on the raw connection, COMMIT), and psycopg's
  `Cursor.execute` (the worker's own session: its recovery check, LISTEN; the
  health check's `SELECT 1`). Only the transaction control psycopg sends by
  itself (PostgreSQL's BEGIN and COMMIT) goes uncounted.

Each report is one UDP datagram to the lab's listener (LAB_PROBE, loopback),
sent in microseconds: nothing goes through the database being measured, and a
worker never waits for the lab. Times are time.time(), one clock for every
process of the machine.

Lab side: `Probe` receives them; `wait_for` waits for a mark (on a condition,
not by polling), `statements` returns what was counted.
"""

import json
import os
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self

ADDRESS = "LAB_PROBE"  # host:port of the listener, in the workers' environment
TABLE = re.compile(r'\b(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', re.IGNORECASE)
_sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)


def _send(*fields: object) -> None:
    host, _, port = os.environ[ADDRESS].rpartition(":")
    _sender.sendto(json.dumps(fields).encode(), (host, int(port)))


def mark(tag: str, event: str) -> None:
    """Tell the lab that this task reached `event` ("start", "end") now."""
    _send("mark", tag, event, time.time(), os.getpid())


_inside_django = threading.local()  # set while Django's wrapper reports a statement


def count_statements(sender: object, connection: Any, **kwargs: object) -> None:
    """connection_created receiver: report every statement this connection executes."""
    if _report_statement not in connection.execute_wrappers:
        connection.execute_wrappers.append(_report_statement)
    if connection.vendor == "sqlite":  # what goes past Django's cursors: the driver tells
        connection.connection.set_trace_callback(_report_traced)


def count_driver_statements() -> None:
    """Report the statements psycopg runs outside Django's cursors (once per process)."""
    import psycopg

    execute = psycopg.Cursor.execute
    if getattr(execute, "lab_counted", False):
        return

    def counted(cursor: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(_inside_django, "active", False):
            return execute(cursor, query, *args, **kwargs)
        sent, rows = time.time(), -1
        try:
            result = execute(cursor, query, *args, **kwargs)
            rows = cursor.rowcount
            return result
        finally:
            sql = query.as_string(cursor) if hasattr(query, "as_string") else query
            _report(sql.decode() if isinstance(sql, bytes) else str(sql), sent, rows)

    counted.lab_counted = True  # type: ignore[attr-defined]
    psycopg.Cursor.execute = counted  # type: ignore[method-assign]


def _report_statement(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
) -> Any:
    sent = time.time()
    rows = -1
    _inside_django.active = True
    try:
        result = execute(sql, params, many, context)
        rows = context["cursor"].rowcount
        return result
    finally:
        _inside_django.active = False
        _report(sql, sent, rows)


def _report_traced(sql: str) -> None:
    """sqlite3's trace callback: a statement about to run (its rows are unknown)."""
    if not getattr(_inside_django, "active", False):
        _report(sql, time.time(), -1)


def _report(sql: str, sent: float, rows: int) -> None:
    verb = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    table = TABLE.search(sql)
    thread = threading.current_thread().name
    _send("statement", os.getpid(), thread, verb, table[1] if table else "", sent, rows)


@dataclass(frozen=True)
class Mark:
    tag: str
    event: str
    at: float  # time.time() in the worker
    pid: int


@dataclass(frozen=True)
class Statement:
    pid: int
    thread: str
    verb: str  # SELECT, UPDATE, PRAGMA...
    table: str  # the first table it names, or ""
    at: float  # when it was sent
    rows: int  # the rows it wrote or read, as the driver counts them (-1: unknown)

    @property
    def writes(self) -> bool:
        return self.verb in {"INSERT", "UPDATE", "DELETE"}

    @property
    def rows_written(self) -> int:
        return max(self.rows, 0) if self.writes else 0


class Probe:
    """Receives the workers' reports on a free loopback port, in a thread."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
        self._socket.bind(("127.0.0.1", 0))
        self._marks: list[Mark] = []
        self._statements: list[Statement] = []
        self._arrived = threading.Condition()
        self._thread = threading.Thread(target=self._receive, name="lab-probe", daemon=True)

    @property
    def environ(self) -> dict[str, str]:
        """What a worker needs in its environment to report here."""
        host, port = self._socket.getsockname()
        return {ADDRESS: f"{host}:{port}"}

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._socket.close()  # the thread's recv fails, and it ends

    def _receive(self) -> None:
        while True:
            try:
                data = self._socket.recv(65536)
            except OSError:
                return
            kind, *fields = json.loads(data)
            with self._arrived:
                if kind == "mark":
                    self._marks.append(Mark(*fields))
                else:
                    self._statements.append(Statement(*fields))
                self._arrived.notify_all()

    def wait_for(self, tag: str, event: str, *, count: int = 1, timeout: float) -> list[Mark]:
        """The first `count` marks of `tag` reaching `event`; waits up to `timeout` seconds."""

        def matching() -> list[Mark]:
            return [m for m in self._marks if m.tag == tag and m.event == event]

        with self._arrived:
            if not self._arrived.wait_for(lambda: len(matching()) >= count, timeout):
                raise TimeoutError(
                    f"Timed out after {timeout:g} s waiting for {count} {event!r} mark(s) of "
                    f"task {tag!r}; got {len(matching())}."
                )
            return matching()[:count]

    def statements(self, pids: set[int], start: float, end: float) -> list[Statement]:
        """The statements the processes `pids` sent between `start` and `end` (time.time())."""
        with self._arrived:
            return [s for s in self._statements if s.pid in pids and start <= s.at < end]
