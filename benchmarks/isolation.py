"""Measurement: welcome emails while reports keep the `reports` queue busy.

The same load - a report always running, two more waiting - under two setups:

- dedicated workers: the Procfile's `emails` and `reports` lines, as they are;
- one worker: the Procfile's `emails` line serving both queues.

Emails are enqueued one at a time, at moments spread evenly over the cycle
that delays them: for a dedicated worker a tenth of a second (as wakeup.py),
for the worker busy with reports, one report. Latency is from the commit of the
email task's INSERT to the SMTP server having received the message.
"""

import datetime
import time
from itertools import count
from pathlib import Path
from typing import Self

from django.tasks import TaskResultStatus

from tasks_demo.accounts.models import User
from tasks_demo.accounts.tasks import send_welcome_email
from tasks_demo.reports.models import Report
from tasks_demo.reports.tasks import generate_monthly_report
from tasks_demo.workers.taskdb import TaskRow
from tests.support.waiting import wait_until
from tests.support.workers import running

from . import processes
from .phases import pauses
from .plans import Plan
from .smtp import TimedSMTPServer
from .wakeup import CYCLE, TIMEOUT, enqueue_committed

REPORT_MONTH = datetime.date(2026, 1, 1)  # 31 days
_recipients = count()
_report_owners = count()


class ReportLoad:
    """Keeps the `reports` queue busy: one report running, at least two waiting."""

    waiting = 2

    def queued(self):
        return TaskRow.objects.filter(queue_name="reports", status=TaskResultStatus.READY)

    def top_up(self) -> None:
        """Enqueue reports until enough wait behind the one running (each its own user's: a
        user has one report of a month in flight)."""
        for _ in range(self.waiting - self.queued().count()):
            owner = User.objects.create_user(f"reports-owner-{next(_report_owners)}@example.com")
            report = Report.objects.create(owner=owner, month=REPORT_MONTH)
            generate_monthly_report.enqueue(report.pk)

    def __enter__(self) -> Self:
        """Queue reports and wait until a worker runs one."""
        self.top_up()
        wait_until(
            lambda: TaskRow.objects.filter(
                queue_name="reports", status=TaskResultStatus.RUNNING
            ).exists(),
            timeout=TIMEOUT,
            waiting_for="a worker to start running a report",
        )
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Withdraw the waiting reports (the running one finishes as the worker stops)."""
        self.queued().delete()


def latency(smtp: TimedSMTPServer, pause: float) -> float:
    """Pause, enqueue one welcome email; return seconds from its commit to its arrival."""
    user = User.objects.create_user(f"isolation-{next(_recipients)}@example.com")
    time.sleep(pause)  # this sample's moment of the worker's cycle
    _, committed = enqueue_committed(lambda: send_welcome_email.enqueue(user.pk))
    return smtp.arrival(user.email, timeout=TIMEOUT) - committed


def sample(load: ReportLoad, smtp: TimedSMTPServer, emails: int, cycle: float) -> list[float]:
    latencies = []
    for pause in pauses(emails, cycle, seed=3):
        load.top_up()
        latencies.append(latency(smtp, pause))
    return latencies


def measure(plan: Plan, smtp: TimedSMTPServer, logs: Path, progress) -> dict:
    """Latencies in seconds, with dedicated workers and with one worker for both queues."""
    env = {"REPORT_SECONDS_PER_DAY": str(plan.report_seconds / 31)}
    load = ReportLoad()
    results = {}
    dedicated = [
        processes.worker(f"isolation-{name}", name, logs=logs, args=["--skip-checks"], env=env)
        for name in ("emails", "reports")
    ]
    with running(dedicated), load:
        results["dedicated workers"] = sample(load, smtp, plan.isolated_emails, CYCLE)
    progress(f"queue isolation: {plan.isolated_emails} emails, dedicated workers")
    shared = processes.worker(
        "isolation-shared",
        "emails",
        logs=logs,
        args=["--queue-name", "emails,reports", "--skip-checks"],
        env=env,
    )
    with running([shared]), load:
        # The worker is always in some report: the email waits for the rest of it.
        results["one worker for both"] = sample(load, smtp, plan.shared_emails, plan.report_seconds)
    progress(f"queue isolation: {plan.shared_emails} emails, one worker for both queues")
    return {"samples": results, "report_seconds": plan.report_seconds}
