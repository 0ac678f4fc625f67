"""Measurement: how soon a task starts after its enqueue, and a welcome email arrives.

For each worker compared (candidates.py: polling, woken, and on PostgreSQL
django-task-psql), side by side, taking turns sample after sample:

- pickup latency: from the commit of the task's INSERT (the moment it exists
  for a worker) to the first line of the task, which reports the time
  (probes.mark); and within it, when the worker sent its first statement
  (probes.py counts them): the wait for a wake-up or a poll, the rest being the
  claim and the start of the task;
- welcome-email latency: from the commit of the email task's INSERT to the
  SMTP server having received the message.

Both ends are time.time() of one machine. Each sample waits for its task to
finish before the next one, so every worker starts each sample idle. The
workers run side by side (candidates.side_by_side(): on SQLite each on a copy
of the database); idle.py starts the same workers again. Before
each enqueue the lab pauses for a moment spread evenly over a tenth of a
second (phases.py): a poller's 0.05 s cycle twice over, a SQLite wake-up
check's CHECK_SECONDS four times, so no worker is measured at one lucky moment of its
cycle. The workers take turns with the same pauses, in an order rotated at every
sample, and the run is cut into repeats: a ratio is taken per repeat, and its
spread across repeats is reported beside it.
"""

import time
from collections.abc import Callable
from functools import partial

from django.db import connection
from django.tasks import Task, TaskResult

from tasks_demo.accounts.models import User
from tasks_demo.accounts.tasks import send_welcome_email
from tests.support.waiting import wait_until

from . import tasks
from .candidates import POLLING, PSQL, WOKEN, Candidate, Contender
from .phases import pauses
from .plans import Plan
from .probes import Probe
from .smtp import TimedSMTPServer

CYCLE = 0.1  # seconds over which the pauses before the enqueues are spread
TIMEOUT = 30.0  # far beyond any latency here, and beyond the woken worker's safety-net poll
STAMP_SLACK = 0.002  # seconds: how long the commit's stamp may trail the commit itself
SAMPLED = (POLLING.key, WOKEN.key, PSQL.key)  # the workers measured here, when running
WARMUP = 2  # samples of each kind per worker not counted: the first ones import and compile


def enqueue_committed(enqueue: Callable[[], TaskResult]) -> tuple[TaskResult, float]:
    """Enqueue outside any transaction; return the result and when its INSERT committed."""
    if connection.in_atomic_block:
        raise RuntimeError("Enqueue outside a transaction: the INSERT must commit at once.")
    committed: list[float] = []

    def stamp(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith("INSERT"):
            committed.append(time.time())  # autocommit: the statement has committed
        return result

    with connection.execute_wrapper(stamp):
        result = enqueue()
    if len(committed) != 1:
        raise RuntimeError(f"Expected the enqueue to be one INSERT, got {len(committed)}.")
    return result, committed[0]


def wait_finished(result: TaskResult, timeout: float = TIMEOUT) -> None:
    """Wait until the task's outcome is recorded: its worker is idle again."""

    def finished() -> bool:
        result.refresh()
        return result.is_finished

    wait_until(finished, timeout=timeout, waiting_for=f"task {result.id} to finish", poll=0.002)
    if result.status != "SUCCESSFUL":
        raise RuntimeError(f"Task {result.id} ended {result.status}: {result.errors}")


def pickup_task(candidate: Candidate) -> Task:
    if candidate is PSQL:
        from .references.tasks import psql_mark_start

        return psql_mark_start
    return tasks.mark_start.using(queue_name=candidate.queue)


def email_task(candidate: Candidate) -> Task:
    if candidate is PSQL:
        from .references.tasks import psql_send_welcome_email

        return psql_send_welcome_email
    return send_welcome_email.using(queue_name=candidate.queue)


class Sampler:
    """Takes one sample of either latency for a candidate, after a given pause."""

    def __init__(self, probe: Probe, smtp: TimedSMTPServer) -> None:
        self.probe = probe
        self.smtp = smtp
        self.taken = 0
        # Per candidate: seconds from each pickup's commit to its worker's first statement.
        self.first_statements: dict[str, list[float]] = {}

    def pickup(self, candidate: Candidate, pause: float) -> float:
        self.taken += 1
        tag = f"pickup-{candidate.key}-{self.taken}"
        time.sleep(pause)  # this sample's moment of the worker's cycle
        result, committed = enqueue_committed(partial(pickup_task(candidate).enqueue, tag))
        [started] = self.probe.wait_for(tag, "start", timeout=TIMEOUT)
        wait_finished(result)
        # The worker's first look for the task once it existed. The lab learns of the
        # commit a moment after the server made it: a statement sent in that moment counts.
        sent = self.probe.statements({started.pid}, committed - STAMP_SLACK, started.at)
        if sent:
            first = max(0.0, min(statement.at for statement in sent) - committed)
            self.first_statements.setdefault(candidate.key, []).append(first)
        return started.at - committed

    def email(self, candidate: Candidate, pause: float) -> float:
        self.taken += 1
        user = User.objects.create_user(f"email-{candidate.key}-{self.taken}@example.com")
        time.sleep(pause)
        result, committed = enqueue_committed(partial(email_task(candidate).enqueue, user.pk))
        arrived = self.smtp.arrival(user.email, timeout=TIMEOUT)
        wait_finished(result)
        return arrived - committed


def measure(plan: Plan, contenders: dict[str, Contender], probe: Probe, smtp: TimedSMTPServer,
            progress) -> dict:  # fmt: skip
    """Seconds of each latency, per candidate and per repeat (candidates.side_by_side())."""
    candidates = [c.candidate for key, c in contenders.items() if key in SAMPLED]
    homes = {key: contender.home for key, contender in contenders.items()}
    sampler = Sampler(probe, smtp)
    kinds = {"pickup": (sampler.pickup, plan.pickups), "email": (sampler.email, plan.emails)}
    samples: dict[str, dict[str, list[list[float]]]] = {
        kind: {c.key: [] for c in candidates} for kind in kinds
    }
    for candidate in candidates:
        with homes[candidate.key].used():
            for take, _ in kinds.values():
                for _ in range(WARMUP):
                    take(candidate, 0.0)
    for repeat in range(plan.repeats):
        for kind, (take, count) in kinds.items():
            for series in samples[kind].values():
                series.append([])
            seed = 100 * repeat + len(kind)
            for number, pause in enumerate(pauses(count, CYCLE, seed)):
                shift = number % len(candidates)
                for candidate in candidates[shift:] + candidates[:shift]:
                    with homes[candidate.key].used():
                        latency = take(candidate, pause)
                    samples[kind][candidate.key][repeat].append(latency)
        progress(f"wake-up: repeat {repeat + 1} of {plan.repeats}")
    return {
        "candidates": {candidate.key: candidate.label for candidate in candidates},
        "cycle": CYCLE,
        **samples,
        "first_statement": sampler.first_statements,
    }
