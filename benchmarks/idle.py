"""Measurement: what one idle worker costs, forever, whether anyone enqueues or not.

For each worker compared, while it has nothing to do:

- its CPU time (user + system, from /proc/<pid>/stat), as a share of one core;
- the statements it sends to the database, counted inside the worker: an
  execute wrapper on each of its connections reports each statement to the lab
  (probes.py), with the thread that sent it, so the heartbeat's thread is told
  apart from the worker's loop. Transaction control (BEGIN, COMMIT) and the
  wake-up's LISTEN connection, which Django does not run, are not counted.

The woken worker is measured twice: at its defaults, and with its heartbeat
every hour instead of every second, so the CPU its heartbeat costs shows too.

The workers are idle at the same time, and watched over the same windows of
time: each window gives one figure per worker, and the spread across windows is
the noise of the machine. None may wake because of another: on SQLite, where the
woken worker wakes at every commit to its database file, each worker gets a
copy of the database of its own; on PostgreSQL they share one, and each
listens only for its own notifications.
"""

import os
import time
from contextlib import ExitStack
from pathlib import Path

from tests.support.workers import running

from .candidates import POLLING, PSQL, WOKEN, Candidate, references
from .databases import Database
from .plans import Plan
from .probes import Probe

SETTLE_SECONDS = 1.0  # after the last worker started, before the first window
HEARTBEAT_AWAY = {"WORKER_HEARTBEAT_SECONDS": "3600", "WORKER_STALE_AFTER_SECONDS": "7201"}


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) process `pid` has used so far (Linux: /proc)."""
    # Fields 14 and 15 of /proc/<pid>/stat, in clock ticks: the 12th and 13th after the name.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(plan: Plan, database: Database, probe: Probe, logs: Path, progress) -> dict:
    """Per case and per window: CPU share, statements per second (all, heartbeat's, writes)."""
    cases: list[tuple[str, Candidate, dict[str, str]]] = [
        ("polling", POLLING, {}),
        ("woken", WOKEN, {}),
        ("woken, heartbeat hourly", WOKEN, HEARTBEAT_AWAY),
    ]
    if references():
        cases.append(("psql", PSQL, {}))
    windows: dict[str, list[dict]] = {name: [] for name, _, _ in cases}
    with ExitStack() as stack:
        workers = {}
        for number, (name, candidate, env) in enumerate(cases, start=1):
            own = {}
            if database.vendor == "sqlite":
                own = stack.enter_context(database.clone(f"idle{number}")).env
            workers[name] = candidate.worker(
                logs, number=number, env={**own, **env, "LAB_COUNT_STATEMENTS": "1"}
            )
        stack.enter_context(running(list(workers.values())))
        time.sleep(SETTLE_SECONDS)  # let each worker's start-up writes and first checks pass
        for _ in range(plan.idle_windows):
            start = time.time()
            cpu = {name: cpu_seconds(worker.pid) for name, worker in workers.items()}
            time.sleep(plan.idle_seconds)  # the measurement: the workers wait, alone
            cpu = {name: cpu_seconds(w.pid) - cpu[name] for name, w in workers.items()}
            end = time.time()
            elapsed = end - start
            for name, worker in workers.items():
                sent = probe.statements({worker.pid}, start, end)
                windows[name].append(
                    {
                        "seconds": elapsed,
                        "cpu_share": cpu[name] / elapsed,
                        "statements_per_second": len(sent) / elapsed,
                        "heartbeat_per_second": sum(s.thread == "heartbeat" for s in sent)
                        / elapsed,
                        "writes_per_second": sum(s.writes for s in sent) / elapsed,
                        "kinds": _kinds(sent, elapsed),
                    }
                )
        progress(f"idle cost: {len(cases)} workers, {plan.idle_windows} windows")
    labels = {name: candidate.label for name, candidate, _ in cases}
    labels["woken, heartbeat hourly"] = f"{WOKEN.label}, heartbeat hourly"
    return {"labels": labels, "windows": windows, "clock_tick": 1 / os.sysconf("SC_CLK_TCK")}


def _kinds(statements: list, seconds: float) -> dict[str, float]:
    """Statements per second by thread, verb and table: what the worker keeps asking."""
    counts: dict[str, int] = {}
    for s in statements:
        key = f"{s.thread}: {s.verb} {s.table}".strip()
        counts[key] = counts.get(key, 0) + 1
    return {key: count / seconds for key, count in sorted(counts.items())}
