"""Measurement: how soon a task whose worker was killed runs again, and what the watch costs.

Two workers serve a queue; a task that takes a few seconds starts on one of
them, and that one is SIGKILLed in the middle of it (at a moment drawn at random
within the task's first half). Measured from the kill: until the task starts
again on the other worker, and until it finishes there (the task reports both,
probes.py). The killed worker is then replaced, so each trial starts with two.

Side by side, trial after trial (both systems' tasks run and are killed in the
same trial, each at its own moment):

- ours: two processes of the Procfile's `emails` line (the project's worker
  at its defaults), on a queue of their own. Each holds a lock that dies with
  it (PostgreSQL: an advisory lock on its session; SQLite: a file lock), and
  looks for workers whose lock is gone every RECOVERY_CHECK_SECONDS: the first
  to see one puts its task back to READY, which wakes a worker at once.
  Nothing is written to stay alive;
- ox (PostgreSQL): two django-ox workers. Each renews the lease of the task it
  runs every LOCK_TIMEOUT / 3 seconds (an UPDATE), and reclaims tasks whose
  lease expired; settings.OX_LOCK_TIMEOUT_SECONDS says which lease and why.

What watching costs is measured, not assumed: before the trials, the
statements each worker sends are counted in the worker (probes.py, every
statement of Django and of the driver), with the rows each one wrote, first
while every worker is idle, then while each runs a long task (which only
sleeps: anything written is the watch's). Per worker and per second: all
statements, write statements, rows written.
"""

import random
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from tasks_demo.workers.worker import RECOVERY_CHECK_SECONDS

from . import processes, tasks
from .candidates import OX, WOKEN, Candidate, references
from .plans import Plan
from .probes import Probe, Statement

TIMEOUT = 60.0
BUSY_MARGIN_SECONDS = 2.0  # how much longer than the window the busy tasks run
SETTLE_SECONDS = 2.0  # after the workers' start, before their idle window


@dataclass
class System:
    """The two workers of one system, and the task they share."""

    name: str
    candidate: Candidate
    env: dict[str, str]
    stack: ExitStack  # stops every worker ever started, at the end
    workers: list[processes.Worker] = field(default_factory=list)
    started: int = 0

    def start_worker(self, logs: Path) -> processes.Worker:
        """Start one more worker of this system (wait_until_ready() before using it)."""
        self.started += 1
        worker = self.candidate.worker(logs, number=self.started, env=self.env)
        self.stack.callback(worker.stop)
        self.workers.append(worker.start())
        return worker

    def by_pid(self, pid: int) -> processes.Worker:
        [worker] = [worker for worker in self.workers if worker.pid == pid]
        return worker

    def enqueue(self, tag: str, seconds: float) -> None:
        if self.candidate is OX:
            from .references.tasks import ox_sleep_marked

            ox_sleep_marked.enqueue(tag, seconds)
        else:
            tasks.sleep_marked.using(queue_name=self.candidate.queue).enqueue(tag, seconds)


def measure(plan: Plan, probe: Probe, logs: Path, progress) -> dict:
    """What each system's watch costs (idle, busy), and kill-to-restart and kill-to-finish of
    each trial."""
    env = {"LAB_COUNT_STATEMENTS": "1"}
    candidates = [("ours", WOKEN), *([("ox", OX)] if references() else [])]
    trials: dict[str, list[dict]] = {name: [] for name, _ in candidates}
    with ExitStack() as stack:
        systems = [System(name, candidate, env, stack) for name, candidate in candidates]
        for system in systems:
            for _ in range(2):
                system.start_worker(logs)
        for system in systems:
            for worker in system.workers:
                worker.wait_until_ready()
        idle = idle_cost(systems, probe, plan.busy_seconds)
        writes = write_cost(systems, probe, plan.busy_seconds)
        progress("recovery: what watching the workers costs, idle and busy")
        rng = random.Random(7)
        for number in range(plan.trials):
            for system, trial in zip(systems, run_trial(systems, probe, plan, rng, logs, number),
                                     strict=True):  # fmt: skip
                trials[system.name].append(trial)
            progress(f"recovery: trial {number + 1} of {plan.trials}")
    ox = settings.TASKS.get("ox")
    return {
        "labels": {name: candidate.label for name, candidate in candidates},
        "recovery_check_seconds": RECOVERY_CHECK_SECONDS,
        "ox_lock_timeout": ox["OPTIONS"]["LOCK_TIMEOUT"] if ox else None,
        "task_seconds": plan.task_seconds,
        "idle": idle,
        "writes": writes,
        "trials": trials,
    }


def idle_cost(systems: Sequence[System], probe: Probe, seconds: float) -> dict[str, dict]:
    """Per system: statements, writes and rows written per second per worker, every worker
    idle."""
    time.sleep(SETTLE_SECONDS)
    start = time.time()
    time.sleep(seconds)  # the measurement: they wait
    return {
        system.name: per_worker_second(
            probe.statements({worker.pid for worker in system.workers}, start, start + seconds),
            len(system.workers) * seconds,
        )
        for system in systems
    }


def per_worker_second(sent: Sequence[Statement], worker_seconds: float) -> dict:
    """Statements, write statements and rows written per second and per worker; by kind."""
    kinds: dict[str, float] = {}
    for statement in sent:
        key = f"{statement.verb} {statement.table}".strip()
        kinds[key] = kinds.get(key, 0) + 1 / worker_seconds
    return {
        "statements_per_second": len(sent) / worker_seconds,
        "writes_per_second": sum(s.writes for s in sent) / worker_seconds,
        "rows_written_per_second": sum(s.rows_written for s in sent) / worker_seconds,
        "kinds": dict(sorted(kinds.items())),
    }


def write_cost(systems: Sequence[System], probe: Probe, seconds: float) -> dict[str, dict]:
    """Per system: statements, writes and rows written per second per worker, every worker busy.

    Each system's window opens once both its workers are in their task, and
    closes long before either task ends (django-ox's workers claim only at their
    next poll: a second apart).
    """
    tags: dict[str, list[str]] = {}
    for system in systems:
        tags[system.name] = [f"busy-{system.name}-{n}" for n in range(len(system.workers))]
        for tag in tags[system.name]:
            system.enqueue(tag, seconds + BUSY_MARGIN_SECONDS)
    cost = {}
    for system in systems:
        starts = [probe.wait_for(tag, "start", timeout=TIMEOUT)[0] for tag in tags[system.name]]
        if {mark.pid for mark in starts} != {worker.pid for worker in system.workers}:
            raise RuntimeError(f"{system.name}: one worker ran both busy tasks.")
        start = max(mark.at for mark in starts) + 0.25
        time.sleep(max(0.0, start + seconds - time.time()))  # the measurement: they work
        sent = probe.statements({mark.pid for mark in starts}, start, start + seconds)
        cost[system.name] = per_worker_second(sent, len(starts) * seconds)
    for system_tags in tags.values():
        for tag in system_tags:
            probe.wait_for(tag, "end", timeout=TIMEOUT)
    return cost


def run_trial(
    systems: Sequence[System], probe: Probe, plan: Plan, rng: random.Random, logs: Path, number: int
) -> list[dict]:
    """One trial of every system at once: start, kill, time the recovery, replace the worker."""
    tags = [f"crash-{system.name}-{number}" for system in systems]
    for system, tag in zip(systems, tags, strict=True):
        system.enqueue(tag, plan.task_seconds)
    firsts = [probe.wait_for(tag, "start", timeout=TIMEOUT)[0] for tag in tags]
    victims = [system.by_pid(first.pid) for system, first in zip(systems, firsts, strict=True)]
    # Each system's kill, at a random moment of the first half of its task.
    moments = [first.at + rng.uniform(0.2, 0.5) * plan.task_seconds for first in firsts]
    killed_at = [0.0] * len(systems)
    for index in sorted(range(len(systems)), key=moments.__getitem__):
        time.sleep(max(0.0, moments[index] - time.time()))  # the chosen moment of the task
        killed_at[index] = time.time()
        victims[index].kill()
    results = []
    for index, (system, tag) in enumerate(zip(systems, tags, strict=True)):
        again = probe.wait_for(tag, "start", count=2, timeout=TIMEOUT)[1]
        [end] = probe.wait_for(tag, "end", timeout=TIMEOUT + plan.task_seconds)
        if again.pid not in {worker.pid for worker in system.workers} - {victims[index].pid}:
            raise RuntimeError(f"{system.name}: task {tag} ran again outside the other worker.")
        results.append(
            {
                "restart_seconds": again.at - killed_at[index],
                "finish_seconds": end.at - killed_at[index],
                "killed_after_seconds": killed_at[index] - firsts[index].at,
            }
        )
        system.workers.remove(victims[index])
        if number + 1 < plan.trials:
            system.start_worker(logs)  # two workers again for the next trial
    for system in systems:
        for worker in system.workers:
            worker.wait_until_ready()
    return results
