"""@cron: crontask's decorator, which here also takes a leading seconds field.

    @cron(settings.MONTHLY_REPORT_CRON)  # "0 3 1 * *": at 03:00 on the 1st, in TIME_ZONE
    @task(queue_name="reports")
    def build_site_report(...): ...

Seconds let a test's schedule fire at once ("* * * * * *"). Days of the week are names
(Mon-Sun): APScheduler counts them from Monday, cron from Sunday.
"""

from collections.abc import Callable

import crontask
from apscheduler.triggers.cron import CronTrigger
from django.tasks import Task
from django.utils import timezone

FIELDS = ("second", "minute", "hour", "day", "month", "day_of_week")


def cron(expression: str) -> Callable[[Task], Task]:
    """Enqueue the decorated task on the schedule `expression`: a crontab, maybe with seconds."""
    schedule: str | CronTrigger = expression  # crontask checks a crontab itself
    if len(fields := expression.split()) == len(FIELDS):
        if any(character.isdigit() for character in fields[-1]):
            raise ValueError(f"{expression!r}: name the days of the week (Mon-Sun), or *.")
        tz = timezone.get_default_timezone()  # as crontask's for a crontab
        schedule = CronTrigger(**dict(zip(FIELDS, fields, strict=True)), timezone=tz)
    # No Sentry monitor: crontask's would rebuild the task without its policies.
    return crontask.cron(schedule, sentry_monitor_config=None)
