"""Run the scheduler: crontask's, holding the scheduler's lease in the project's database.

    python -m manage scheduler --no-heartbeat

Enqueues each task declared with @cron (scheduling/cron.py) on its own queue,
at its times in settings.TIME_ZONE; the workers of those queues run them. Takes
crontask's options (`--no-heartbeat`: no heartbeat task on `default` every
minute). Stops on SIGTERM or Ctrl+C, giving up its lease.

Only one scheduler may run against a database, or each task would be enqueued
once per scheduler: this one holds a lease (lease.py). Started while another
holds it, it waits CRONTASK["LOCK_BLOCKING_TIMEOUT"] seconds, then exits with
status 1 and a one-line message. crontask's own `crontask` command, which
locks with Redis or not at all, is not installed ("crontask" is not in
INSTALLED_APPS): this is the only scheduler command.

A tick missed while no scheduler ran is not replayed: the schedule starts again
from the time the scheduler starts. A missed nightly pruning is caught up the
next night; a missed monthly report by `python -m manage build_monthly_report`.
"""

import socket
from collections.abc import Callable
from functools import partial
from importlib import import_module
from typing import Any

from crontask import conf, scheduler, utils
from crontask.management.commands import crontask
from django.core.management.base import CommandError
from django.tasks import Task
from django.utils import timezone

from ....workers.heartbeat import unique_worker_id
from ...lease import DatabaseLease

LEASE_NAME = "scheduler"
LATE_RUN_GRACE_SECONDS = 15 * 60


class Command(crontask.Command):
    help = "Run the scheduler: enqueue the tasks declared with @cron; one per database."

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_task_loading"]:
            self.load_tasks(options)
        if not options["no_heartbeat"]:
            import_module("crontask.tasks")  # its heartbeat task, as crontask's command does
            self.stdout.write("Scheduling heartbeat.")
        settings = conf.get_settings()
        lease = DatabaseLease(
            LEASE_NAME,
            holder=unique_worker_id(f"scheduler@{socket.gethostname()}"),
            timeout=settings.LOCK_TIMEOUT,
            blocking_timeout=settings.LOCK_BLOCKING_TIMEOUT,
        )
        self.stdout.write(f"Taking the scheduler's lease as {lease.holder}…")
        try:
            with lease:
                self.show_schedule()
                self.guard_jobs(lease)
                self.launch_scheduler(lease, scheduler)
        except utils.LockError:
            raise CommandError(
                f"Another scheduler runs against this database ({lease.current()}); "
                "only one may, so this one stops."
            ) from None
        if lease.lost:
            raise CommandError(f"This scheduler lost its lease ({lease.current()}) and stopped.")

    @staticmethod
    def guard_jobs(lease: DatabaseLease) -> None:
        """Make every job renew the lease just before it enqueues, and run even if late.

        A job of a scheduler that lost its lease (its process was paused, its
        database unreachable for longer than the lease lasts) then enqueues
        nothing: crontask's extend_lock shuts that scheduler down instead. Just
        renewed, the lease cannot pass to another scheduler for LOCK_TIMEOUT
        seconds, far longer than an enqueue takes.

        APScheduler skips a run that starts over a second after its time (a
        busy or suspended host): the 1st's report would be lost for a month.
        Within LATE_RUN_GRACE_SECONDS it runs late instead, once.
        """
        for job in scheduler.get_jobs():
            job.modify(
                func=partial(renew_then, lease, job.func),
                misfire_grace_time=LATE_RUN_GRACE_SECONDS,
                coalesce=True,
            )

    def show_schedule(self) -> None:
        """Each scheduled task, its queue, its trigger and its next time."""
        now = timezone.now()
        for job in scheduler.get_jobs():
            task = getattr(job.func, "__self__", None)  # @cron schedules task.enqueue
            queue = f" on the {task.queue_name} queue" if isinstance(task, Task) else ""
            next_time = job.trigger.get_next_fire_time(None, now)
            self.stdout.write(
                f"Scheduled {job.name}{queue}: {job.trigger}, "
                f"next at {next_time:%Y-%m-%d %H:%M:%S %Z}."
            )


def renew_then(lease: DatabaseLease, enqueue: Callable[[], object]) -> None:
    """Renew the lease (or shut the scheduler down, as crontask does), then enqueue."""
    utils.extend_lock(lease, scheduler)
    enqueue()
