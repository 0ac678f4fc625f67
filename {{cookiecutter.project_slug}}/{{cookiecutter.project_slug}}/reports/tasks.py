"""Background tasks of the reports app."""

import csv
import datetime
import io
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.tasks import task

from ..workers.policies import time_limit
from .models import Report


# A month's report takes minutes in production, up to half an hour on a busy month:
# past 45 minutes it is stuck, not slow.
@time_limit(seconds=45 * 60)
@task(queue_name="reports", priority=0)
def generate_monthly_report(report_id: int) -> int:
    """Count the registrations of each day of the report's month into a CSV.

    Records its progress on the Report after each day, so the report page can
    show how far it got. Running it again rebuilds the same report.
    Returns the month's total registrations.
    """
    report = Report.objects.get(pk=report_id)
    users = get_user_model().objects
    rows = []
    for day_number in range(1, report.days_total + 1):
        day = report.month.replace(day=day_number)
        rows.append((day, users.filter(date_joined__date=day).count()))
        simulate_expensive_work()
        Report.objects.filter(pk=report_id).update(days_done=day_number)
    report.content = to_csv(rows)
    report.days_done = report.days_total
    report.save(update_fields=["content", "days_done"])
    return sum(count for _, count in rows)


def simulate_expensive_work() -> None:
    """Stand in for real per-day work (see REPORT_SECONDS_PER_DAY)."""
    if settings.REPORT_SECONDS_PER_DAY:
        time.sleep(settings.REPORT_SECONDS_PER_DAY)


def to_csv(rows: list[tuple[datetime.date, int]]) -> str:
    """A CSV of `date,registrations`, one row per day."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "registrations"])
    writer.writerows((day.isoformat(), count) for day, count in rows)
    return out.getvalue()
