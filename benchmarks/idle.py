"""Measurement: what one idle worker costs, forever, whether anyone enqueues or not.

For each worker compared, while it has nothing to do:

- its CPU time (user + system, from /proc/<pid>/stat), as a share of one core;
- the statements it sends to the database, counted inside the worker
  (probes.py: every statement of Django's connections and of the driver's,
  the worker's own session included), with the write statements among them
  and the rows they wrote. The project's worker has no heartbeat: it looks for
  dead workers about once a second (a read), and for a task every
  WORKER_POLL_SECONDS in case no wake-up comes; it should write nothing.

The workers are those the wake-up measurement compares (candidates.compared()),
started twice side by side (candidates.side_by_side(): none wakes because of
another): one set counts its statements, the other does not and gives the CPU
figures, as a datagram to the lab for each statement costs CPU too (the
counting set's CPU is kept in the samples, to show how much). All are idle at
the same time and watched over the same windows of time: each window gives one
figure per worker, and the spread across windows is the noise of the machine.
"""

import contextlib
import time
from pathlib import Path

from .candidates import compared, side_by_side
from .databases import Database
from .plans import Plan
from .probes import Probe

SETTLE_SECONDS = 2.0  # after the workers' start, before the first window


def cpu_seconds(pid: int) -> float:
    """CPU time every thread of process `pid` has run so far, in nanoseconds' precision (Linux:
    /proc/<pid>/task/*/schedstat; clock ticks of 10 ms would round a window's few ms away)."""
    total = 0
    for stat in Path(f"/proc/{pid}/task").glob("*/schedstat"):
        with contextlib.suppress(OSError):  # a thread that ended meanwhile
            total += int(stat.read_text().split()[0])
    return total / 1e9


def measure(plan: Plan, database: Database, probe: Probe, logs: Path, progress) -> dict:
    """Per worker and per window: CPU share; statements, write statements and rows written per
    second."""
    candidates = compared()
    with (
        side_by_side(candidates, database, logs / "quiet", counting=False) as quiet,
        side_by_side(candidates, database, logs / "counting") as counting,
    ):
        labels = {key: contender.candidate.label for key, contender in counting.items()}
        windows = watch(plan, {key: c.worker.pid for key, c in quiet.items()},
                        {key: c.worker.pid for key, c in counting.items()}, probe)  # fmt: skip
    progress(f"idle cost: {len(labels)} workers, {plan.idle_windows} windows")
    return {"labels": labels, "windows": windows}


def watch(plan: Plan, quiet: dict[str, int], counting: dict[str, int], probe: Probe) -> dict:
    """Each window: the CPU of the quiet workers, the statements of the counting ones."""
    windows: dict[str, list[dict]] = {key: [] for key in counting}
    every = {**{f"quiet {key}": pid for key, pid in quiet.items()}, **counting}
    time.sleep(SETTLE_SECONDS)  # let each worker's start-up pass
    for _ in range(plan.idle_windows):
        start = time.time()
        cpu = {key: cpu_seconds(pid) for key, pid in every.items()}
        time.sleep(plan.idle_seconds)  # the measurement: the workers wait
        cpu = {key: cpu_seconds(pid) - cpu[key] for key, pid in every.items()}
        end = time.time()
        elapsed = end - start
        for key, pid in counting.items():
            sent = probe.statements({pid}, start, end)
            windows[key].append(
                {
                    "seconds": elapsed,
                    "cpu_share": cpu[f"quiet {key}"] / elapsed,
                    "cpu_share_counting": cpu[key] / elapsed,
                    "statements_per_second": len(sent) / elapsed,
                    "writes_per_second": sum(s.writes for s in sent) / elapsed,
                    "rows_written_per_second": sum(s.rows_written for s in sent) / elapsed,
                    "kinds": _kinds(sent, elapsed),
                }
            )
    return windows


def _kinds(statements: list, seconds: float) -> dict[str, float]:
    """Statements per second by verb and table: what the worker keeps asking."""
    counts: dict[str, int] = {}
    for s in statements:
        key = f"{s.verb} {s.table}".strip()
        counts[key] = counts.get(key, 0) + 1
    return {key: count / seconds for key, count in sorted(counts.items())}
