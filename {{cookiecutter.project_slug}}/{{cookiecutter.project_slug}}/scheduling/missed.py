"""Ticks missed while no scheduler ran: each @cron task that should have been enqueued since
its last run is enqueued once when a scheduler starts (the monthly report of a month whose
1st fell in a downtime is built late, not lost). The tasks are idempotent: a run too many
does only what is missing.
"""

from datetime import datetime

from django.utils import timezone

from .models import ScheduledRun


class Trigger:  # what APScheduler's triggers give (typing only)
    def get_next_fire_time(self, previous: datetime | None, now: datetime) -> datetime | None: ...


def was_missed(name: str, trigger: Trigger) -> bool:
    """Whether `name` should have run since its last run; a task first seen counts from now."""
    last, created = ScheduledRun.objects.get_or_create(
        name=name, defaults={"last_enqueued_at": timezone.now()}
    )
    due = None if created else trigger.get_next_fire_time(None, last.last_enqueued_at)
    return due is not None and due <= timezone.now()


def record_run(name: str) -> None:
    """Note that the scheduler enqueued `name` now."""
    ScheduledRun.objects.update_or_create(name=name, defaults={"last_enqueued_at": timezone.now()})
