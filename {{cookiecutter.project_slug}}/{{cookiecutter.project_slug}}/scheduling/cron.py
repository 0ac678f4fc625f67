"""@cron: crontask's decorator, which also takes a leading seconds field.

    @cron(settings.MONTHLY_REPORT_CRON)  # "0 3 1 * *": at 03:00 on the 1st, in TIME_ZONE
    @task(queue_name="reports")
    def build_site_report(...): ...

The scheduler (`python -m manage scheduler`) imports every app's tasks module,
which registers these schedules, and enqueues each task on its own queue when
its time comes; in any other process the decorator does nothing else.

A crontab has five fields and minute resolution. With a sixth field in front,
the seconds, a test's schedule fires within seconds: "*/2 * * * * *" is every
two seconds. Days of the week must be names (Mon, Tue, ... Sun), as crontask
requires: APScheduler counts them from Monday, cron from Sunday, so a number
would silently mean the wrong day.
"""

from collections.abc import Callable

from apscheduler.triggers.cron import CronTrigger
from crontask import cron as crontask_cron
from django.tasks import Task
from django.utils import timezone

FIELDS = ("minute", "hour", "day", "month", "day_of_week")


def cron(expression: str) -> Callable[[Task], Task]:
    """Enqueue the decorated task on the schedule `expression` (a crontab, maybe with seconds)."""
    # No Sentry monitor: crontask's would rebuild the task as a plain Task, and
    # drop the time limit and retry policy declared on it (workers/policies.py).
    return crontask_cron(trigger(expression), sentry_monitor_config=None)


def trigger(expression: str) -> str | CronTrigger:
    """What crontask's @cron takes for `expression`: the crontab, or a trigger with seconds."""
    fields = expression.split()
    if len(fields) not in {5, 6}:
        raise ValueError(
            f"{expression!r}: a schedule is a crontab (minute hour day month day-of-week), "
            "optionally with a seconds field first."
        )
    if any(character.isdigit() for character in fields[-1]):
        raise ValueError(f"{expression!r}: name the days of the week (Mon, Tue, ... Sun), or *.")
    if len(fields) == 5:
        return " ".join(fields)
    return CronTrigger(
        second=fields[0],
        **dict(zip(FIELDS, fields[1:], strict=True)),
        timezone=timezone.get_default_timezone(),  # as crontask does for a crontab
    )
