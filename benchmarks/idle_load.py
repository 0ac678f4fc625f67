"""Measurement 4, continued: what an idle worker costs, by poll interval.

An idle worker polls: every `--interval` seconds it asks the database for a
task. Two costs are measured while one worker, alone, finds nothing to do:

- its own CPU time (from /proc on Linux, from `ps` elsewhere);
- on PostgreSQL, the server's work, from the server's own counters for the
  benchmark's database (pg_stat_database): transactions committed and
  sessions (connections) opened. The server counts everything the worker
  sends - polls, Django's connection health checks, connection set-up, the
  heartbeat - which counting queries inside Django would miss.

PostgreSQL publishes a backend's counters when it disconnects, so they are
read while no client is connected: before the worker starts and after it has
gone. Starting and stopping costs a few transactions of its own; a worker
started and stopped at once measures them, and they are subtracted.
"""

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass
from pathlib import Path

from django.db import connection

from {{ cookiecutter.project_slug }}.testing.waiting import wait_until

from . import processes
from .databases import admin_connection
from .plans import Plan


@dataclass(frozen=True)
class Counters:
    """What PostgreSQL counted for a database: transactions committed, sessions opened."""

    transactions: int
    sessions: int

    def __sub__(self, other: "Counters") -> "Counters":
        return Counters(self.transactions - other.transactions, self.sessions - other.sessions)


class Server:
    """PostgreSQL's counters for the benchmark's database, read when nobody is connected."""

    def __init__(self, admin, database: str) -> None:
        self.admin = admin  # a connection to another database: it does not count here
        self.database = database

    def clients(self) -> int:
        row = self.admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [self.database]
        ).fetchone()
        return int(row[0])

    def counters(self) -> Counters:
        """The counters, once every client has disconnected and published its own."""
        wait_until(
            lambda: self.clients() == 0,
            timeout=30,
            waiting_for=f"every client of {self.database} to disconnect",
        )
        self.admin.execute("SELECT pg_stat_clear_snapshot()")  # read afresh, not cached
        row = self.admin.execute(
            "SELECT xact_commit, sessions FROM pg_stat_database WHERE datname = %s",
            [self.database],
        ).fetchone()
        return Counters(int(row[0]), int(row[1]))


@contextmanager
def postgres_server(postgres_url: str) -> Iterator[Server]:
    """The server of this process's (PostgreSQL) database."""
    with admin_connection(postgres_url) as admin:
        yield Server(admin, connection.settings_dict["NAME"])


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) process `pid` used so far, or None if it cannot be read."""
    try:  # Linux: clock ticks, fields 14 and 15 of /proc/<pid>/stat (12th and 13th after the name)
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        pass
    try:  # macOS and the BSDs: ps prints [[dd-]hh:]mm:ss.cc
        output = subprocess.run(  # noqa: S603 (a fixed command and a pid)
            ["ps", "-o", "time=", "-p", str(pid)],  # noqa: S607 (ps from the PATH)
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    days, _, clock = output.rpartition("-")
    seconds = 0.0
    for part in clock.split(":"):
        seconds = seconds * 60 + float(part)
    return seconds + 86400 * int(days or 0)


@dataclass(frozen=True)
class IdleLoad:
    interval: float
    conn_max_age: int
    seconds: float
    cpu_seconds: float | None
    transactions: int | None  # PostgreSQL only, start and stop subtracted
    sessions: int | None

    def as_dict(self) -> dict:
        def per_second(value: float | None) -> float | None:
            return None if value is None else value / self.seconds

        return {
            **asdict(self),
            "cpu_share": per_second(self.cpu_seconds),
            "transactions_per_second": per_second(self.transactions),
            "sessions_per_second": per_second(self.sessions),
        }


def watch(
    interval: float, conn_max_age: int, seconds: float, logs: Path, server: Server | None
) -> tuple[float, float | None, Counters | None]:
    """Run one worker idle for `seconds`: how long, its CPU time, and the server's counts."""
    connection.close()  # the worker must be the database's only client
    name = f"idle-{interval:g}-{conn_max_age}-{seconds:g}"
    env = {"CONN_MAX_AGE": str(conn_max_age)}
    idler = processes.worker(name, ["bench"], interval=interval, logs=logs, env=env)
    before = server.counters() if server else None
    with processes.running([idler]):
        assert idler.process is not None  # noqa: S101 (running() started it)
        cpu_before = cpu_seconds(idler.process.pid)
        started = time.perf_counter()
        time.sleep(seconds)  # the measurement: the worker polls, alone
        stopped = time.perf_counter()
        cpu_after = cpu_seconds(idler.process.pid)
    cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    counted = server.counters() - before if server and before else None
    return stopped - started, cpu, counted


def measure(
    plan: Plan,
    logs: Path,
    progress: Callable[[str], None],
    *,
    default_interval: float,
    default_conn_max_age: int,
    postgres_url: str | None,
) -> list[dict]:
    """The idle load at each interval, and without connection reuse at the default interval."""
    cases = [(interval, default_conn_max_age) for interval in plan.intervals]
    if default_conn_max_age and 0 in plan.conn_max_ages:  # what connection reuse saves
        cases.append((default_interval, 0))
    loads = []
    with postgres_server(postgres_url) if postgres_url else nullcontext() as server:
        overheads = {}  # CONN_MAX_AGE -> what a start and a stop cost the server
        for interval, conn_max_age in cases:
            if server and conn_max_age not in overheads:
                overheads[conn_max_age] = watch(interval, conn_max_age, 0, logs, server)[2]
            seconds, cpu, counted = watch(interval, conn_max_age, plan.idle_seconds, logs, server)
            polls = counted - overheads[conn_max_age] if counted else None
            loads.append(
                IdleLoad(
                    interval=interval,
                    conn_max_age=conn_max_age,
                    seconds=seconds,
                    cpu_seconds=cpu,
                    transactions=polls.transactions if polls else None,
                    sessions=polls.sessions if polls else None,
                )
            )
    progress(f"idle load of {len(loads)} workers, {plan.idle_seconds:g} s each")
    return [load.as_dict() for load in loads]
