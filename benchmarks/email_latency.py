"""Measurement 2: how long a welcome email takes from enqueue to the SMTP server.

Three scenarios, each with the workers the Procfile runs, polling at its intervals:

- idle: nothing else to do;
- busy reports, dedicated workers: a report is always running and more wait on
  the `reports` queue, served by its own worker, as in the Procfile;
- busy reports, one worker: the same load, one worker serving both queues.

Emails are enqueued one at a time, at moments spread evenly over the worker's
cycle (phases.py): its poll interval, or, for the worker busy with reports, a
report. Registrations arrive at any moment of that cycle, and so do these.
"""

import datetime
import time
from collections.abc import Callable, Sequence
from itertools import count
from pathlib import Path

from django.contrib.auth import get_user_model
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from {{ cookiecutter.project_slug }}.accounts.tasks import send_welcome_email
from {{ cookiecutter.project_slug }}.reports.models import Report
from {{ cookiecutter.project_slug }}.reports.tasks import generate_monthly_report
from {{ cookiecutter.project_slug }}.testing.waiting import wait_until

from . import processes
from .defaults import procfile_workers, worker_of
from .phases import pauses
from .plans import Plan
from .smtp import TimedSMTPServer

REPORT_MONTH = datetime.date(2026, 1, 1)  # 31 days
EMAIL_TIMEOUT = 60  # seconds: far beyond any latency measured, short of hanging forever
_recipients = count()


class ReportLoad:
    """Keeps the `reports` queue busy: one report running, at least two waiting."""

    waiting = 2

    def __init__(self) -> None:
        self.owner = get_user_model().objects.create_user("reports-owner@example.com")

    def queued(self):
        return DBTaskResult.objects.filter(queue_name="reports", status=TaskResultStatus.READY)

    def top_up(self) -> None:
        """Enqueue reports until enough wait behind the one running."""
        for _ in range(self.waiting - self.queued().count()):
            report = Report.objects.create(owner=self.owner, month=REPORT_MONTH)
            generate_monthly_report.enqueue(report.pk)

    def start(self) -> None:
        """Queue reports and wait until a worker runs one."""
        self.top_up()
        wait_until(
            lambda: DBTaskResult.objects.filter(
                queue_name="reports", status=TaskResultStatus.RUNNING
            ).exists(),
            timeout=30,
            waiting_for="a worker to start running a report",
        )

    def stop(self) -> None:
        """Withdraw the waiting reports (the running one finishes as the worker stops)."""
        self.queued().delete()


def send_and_time(smtp: TimedSMTPServer) -> float:
    """Enqueue one welcome email; return seconds from enqueue to its arrival at the server."""
    user = get_user_model().objects.create_user(f"latency-{next(_recipients)}@example.com")
    enqueued = time.perf_counter()
    send_welcome_email.enqueue(user.pk)
    return smtp.arrival(user.email, timeout=EMAIL_TIMEOUT) - enqueued


def sample(
    smtp: TimedSMTPServer,
    emails: int,
    cycle: float,
    seed: int,
    before_each: Callable[[], None] = lambda: None,
) -> list[float]:
    """Latencies of `emails` welcome emails, enqueued at moments spread over a `cycle`."""
    latencies = []
    for pause in pauses(emails, cycle, seed):
        before_each()
        time.sleep(pause)  # this sample's moment of the worker's cycle
        latencies.append(send_and_time(smtp))
    return latencies


def procfile_workers_for(queues: Sequence[str], logs: Path, env: dict[str, str]):
    """The Procfile's workers that serve any of `queues`, with their queues and intervals."""
    return [
        processes.worker(
            worker.name,
            worker.queues,
            interval=worker.interval,
            logs=logs,
            env=env,
            command=worker.command,
        )
        for worker in procfile_workers()
        if set(worker.queues) & set(queues)
    ]


def measure(plan: Plan, smtp: TimedSMTPServer, logs: Path, progress: Callable[[str], None]):
    """Latencies in seconds of each scenario."""
    interval = worker_of("emails").interval
    # Reports that take plan.report_seconds each (31 days).
    env = {"REPORT_SECONDS_PER_DAY": str(plan.report_seconds / 31)}
    load = ReportLoad()
    results: dict[str, list[float]] = {}

    with processes.running(procfile_workers_for(["emails", "reports"], logs, env)):
        results["idle"] = sample(smtp, plan.idle_emails, interval, seed=1)
        progress(f"{plan.idle_emails} emails, idle")
        load.start()
        try:
            results["busy reports, dedicated workers"] = sample(
                smtp, plan.busy_emails, interval, seed=2, before_each=load.top_up
            )
        finally:
            load.stop()
        progress(f"{plan.busy_emails} emails, reports running, dedicated workers")

    shared = processes.worker(
        "shared", ["emails", "reports"], interval=interval, logs=logs, env=env
    )
    with processes.running([shared]):
        load.start()
        try:
            # The worker is always in some report: the email waits for the rest of it.
            results["busy reports, one worker"] = sample(
                smtp, plan.shared_worker_emails, plan.report_seconds, 3, before_each=load.top_up
            )
        finally:
            load.stop()
        progress(f"{plan.shared_worker_emails} emails, reports running, one worker for both")
    return {"samples": results, "interval": interval, "report_seconds": plan.report_seconds}
