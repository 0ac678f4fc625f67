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

The workers are those of the wake-up measurement, once it is done
(candidates.side_by_side(): none wakes because of another). They are idle at
the same time and watched over the same windows of time: each window gives one
figure per worker, and the spread across windows is the noise of the machine.
"""

import os
import time
from pathlib import Path

from .candidates import Contender
from .plans import Plan
from .probes import Probe

SETTLE_SECONDS = 1.0  # after the workers' last task, before the first window


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) process `pid` has used so far (Linux: /proc)."""
    # Fields 14 and 15 of /proc/<pid>/stat, in clock ticks: the 12th and 13th after the name.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(plan: Plan, contenders: dict[str, Contender], probe: Probe, progress) -> dict:
    """Per worker and per window: CPU share, statements per second (all, heartbeat's, writes)."""
    workers = {key: contender.worker for key, contender in contenders.items()}
    windows: dict[str, list[dict]] = {key: [] for key in workers}
    time.sleep(SETTLE_SECONDS)  # let each worker's last task, or its start-up, pass
    for _ in range(plan.idle_windows):
        start = time.time()
        cpu = {key: cpu_seconds(worker.pid) for key, worker in workers.items()}
        time.sleep(plan.idle_seconds)  # the measurement: the workers wait
        cpu = {key: cpu_seconds(worker.pid) - cpu[key] for key, worker in workers.items()}
        end = time.time()
        elapsed = end - start
        for key, worker in workers.items():
            sent = probe.statements({worker.pid}, start, end)
            windows[key].append(
                {
                    "seconds": elapsed,
                    "cpu_share": cpu[key] / elapsed,
                    "statements_per_second": len(sent) / elapsed,
                    "heartbeat_per_second": sum(s.thread == "heartbeat" for s in sent) / elapsed,
                    "writes_per_second": sum(s.writes for s in sent) / elapsed,
                    "kinds": _kinds(sent, elapsed),
                }
            )
    progress(f"idle cost: {len(workers)} workers, {plan.idle_windows} windows")
    labels = {key: contender.candidate.label for key, contender in contenders.items()}
    return {"labels": labels, "windows": windows, "clock_tick": 1 / os.sysconf("SC_CLK_TCK")}


def _kinds(statements: list, seconds: float) -> dict[str, float]:
    """Statements per second by thread, verb and table: what the worker keeps asking."""
    counts: dict[str, int] = {}
    for s in statements:
        key = f"{s.thread}: {s.verb} {s.table}".strip()
        counts[key] = counts.get(key, 0) + 1
    return {key: count / seconds for key, count in sorted(counts.items())}
