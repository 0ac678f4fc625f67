"""Background tasks of the reports app."""

import csv
import datetime
import io
import logging
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.tasks import TaskContext, task
from django.template.loader import render_to_string
from django.utils import timezone

from ..scheduling.cron import cron
from ..workers.policies import time_limit
from .models import Report

logger = logging.getLogger(__name__)


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


# The scheduler enqueues it at MONTHLY_REPORT_CRON (03:00 on the 1st), in TIME_ZONE.
@cron(settings.MONTHLY_REPORT_CRON)
@time_limit(seconds=45 * 60)
@task(queue_name="reports", priority=0, takes_context=True)
def build_site_report(context: TaskContext, month: str = "") -> int:
    """Build the site's report of a month and email it to the staff, each once.

    `month` is "YYYY-MM"; the scheduler gives none: the report is then on the
    month before the one the task was enqueued in. A month has one site report
    (a database constraint), and the task records when it emailed it: run
    again, by the catch-up command or after a crash, it builds and sends only
    what is missing. Returns the report's id.
    """
    enqueued = context.task_result.enqueued_at or timezone.now()
    first_day = parse_month(month) if month else previous_month(enqueued)
    report, _ = Report.objects.get_or_create(
        owner=None, month=first_day, defaults={"task_id": context.task_result.id}
    )
    if not report.content:
        Report.objects.filter(pk=report.pk).update(task_id=context.task_result.id)
        generate_monthly_report.call(report.pk)  # as for a user's report, in this task
        report.refresh_from_db()
    if report.emailed_at is None:
        email_to_staff(report)
    return report.pk


def parse_month(month: str) -> datetime.date:
    """The first day of a month given as "YYYY-MM"."""
    return datetime.datetime.strptime(month, "%Y-%m").date()


def previous_month(moment: datetime.datetime) -> datetime.date:
    """The first day of the month before the one `moment` falls in, in TIME_ZONE."""
    first_of_this_month = timezone.localdate(moment).replace(day=1)
    return (first_of_this_month - datetime.timedelta(days=1)).replace(day=1)


def email_to_staff(report: Report) -> None:
    """Send the report's CSV to the site's active staff, and record that it went out."""
    staff = list(
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .order_by("pk")
        .values_list("email", flat=True)
    )
    if not staff:
        logger.warning("Nobody to email %s to: the site has no active staff.", report)
        return
    site_report_message(report, staff).send()
    Report.objects.filter(pk=report.pk).update(emailed_at=timezone.now())


def site_report_message(report: Report, to: list[str]) -> EmailMessage:
    """The site report's email: a short text, and the CSV attached."""
    context = {"report": report}
    message = EmailMessage(
        subject=render_to_string("reports/email/site_report_subject.txt", context).strip(),
        body=render_to_string("reports/email/site_report.txt", context),
        to=to,
    )
    message.attach(report.filename, report.content, "text/csv")
    return message
