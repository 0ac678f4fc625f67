"""Run the scheduler: crontask's, holding the scheduler's lease in the project's database.

    python -m manage scheduler --no-heartbeat

Enqueues each task declared with @cron at its times; takes crontask's options.
One per database, or each task would be enqueued once per scheduler: a second is a
standby that waits for the lease (up to LOCK_BLOCKING_TIMEOUT seconds, by default for
ever) and takes over when the first stops or dies. A tick missed while no scheduler
ran is enqueued once at start (missed.py).
"""

import socket
from collections.abc import Callable
from functools import partial
from importlib import import_module
from typing import Any

from crontask import conf, scheduler, utils
from crontask.management.commands import crontask
from django.core.management.base import CommandError
from django.utils import timezone

from ....workers.{% if cookiecutter.backend == "rq" %}rq{% else %}models{% endif %} import unique_worker_id
from ...lease import DatabaseLease
from ...missed import record_run, was_missed

# A run APScheduler starts this late (a busy or suspended host) still runs, once
# (coalesced, its default); by default it would be skipped, and the 1st's report lost.
LATE_RUN_GRACE_SECONDS = 15 * 60


class Command(crontask.Command):
    help = "Run the scheduler: enqueue the tasks declared with @cron; one per database."

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_task_loading"]:
            self.load_tasks(options)
        if not options["no_heartbeat"]:
            import_module("crontask.tasks")  # its heartbeat task, as crontask's command does
        config = conf.get_settings()
        lease = DatabaseLease(
            "scheduler",
            holder=unique_worker_id(f"scheduler@{socket.gethostname()}"),
            timeout=config.LOCK_TIMEOUT,
            blocking_timeout=config.LOCK_BLOCKING_TIMEOUT,
        )
        try:
            with lease:
                for job in scheduler.get_jobs():
                    next_time = job.trigger.get_next_fire_time(None, timezone.now())
                    self.stdout.write(f"Scheduled {job.name}: {job.trigger}, next at {next_time}.")
                    guarded = partial(renew_then, lease, job.name, job.func)
                    job.modify(func=guarded, misfire_grace_time=LATE_RUN_GRACE_SECONDS)
                    if was_missed(job.name, job.trigger):
                        self.stdout.write(f"Enqueueing {job.name} now: a run was missed.")
                        guarded()
                self.launch_scheduler(lease, scheduler)
        except utils.LockError:
            raise CommandError(
                f"Another scheduler runs against this database ({lease.current()}); "
                "only one may, so this one stops."
            ) from None
        if lease.lost:
            raise CommandError(f"This scheduler lost its lease ({lease.current()}) and stopped.")


def renew_then(lease: DatabaseLease, name: str, enqueue: Callable[[], object]) -> None:
    """Renew the lease, then enqueue; a scheduler that lost it (paused, cut off) stops instead."""
    utils.extend_lock(lease, scheduler)
    enqueue()
    record_run(name)
