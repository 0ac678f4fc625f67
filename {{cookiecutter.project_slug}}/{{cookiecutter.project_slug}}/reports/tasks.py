"""A monthly report of registrations, asked for by a user or built for the site's staff."""

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


@time_limit(seconds=45 * 60)
@task(queue_name="reports", priority=0)
def generate_monthly_report(report_id: int) -> int:
    """Count the registrations of each day of the report's month into a CSV; their total.

    Records its progress after each day, for the report's page; run again, it builds the same.
    Past its time limit, 45 minutes, a report is stuck, not slow.
    """
    report = Report.objects.get(pk=report_id)
    users = get_user_model().objects
    rows = []
    for day_number in range(1, report.days_total + 1):
        day = report.month.replace(day=day_number)
        rows.append((day.isoformat(), users.filter(date_joined__date=day).count()))
        time.sleep(settings.REPORT_SECONDS_PER_DAY)  # stands in for real per-day work
        Report.objects.filter(pk=report_id).update(days_done=day_number)
    out = io.StringIO()
    csv.writer(out).writerows([("date", "registrations"), *rows])
    Report.objects.filter(pk=report_id).update(content=out.getvalue(), finished_at=timezone.now())
    return sum(count for _, count in rows)


@cron(settings.MONTHLY_REPORT_CRON)
@time_limit(seconds=45 * 60)
@task(queue_name="reports", priority=0, takes_context=True)
def build_site_report(context: TaskContext, month: str = "") -> int:
    """Build the site's report of `month` ("YYYY-MM") and email it to the staff; its id.

    The scheduler gives no month: the month before the task was enqueued. A month has one
    site report (a database constraint) and its email is recorded as sent: run again (a
    catch-up, a crash), the task does only what is missing.
    """
    result = context.task_result
    first_day = previous_month(result.enqueued_at or timezone.now())
    if month:
        first_day = datetime.date.fromisoformat(f"{month}-01")
    if first_day >= timezone.localdate().replace(day=1):
        raise ValueError(f"{first_day:%Y-%m} has not ended: its report would be partial.")
    report, _ = Report.objects.get_or_create(owner=None, month=first_day)
    if not report.content:
        Report.objects.filter(pk=report.pk).update(task_id=result.id)
        generate_monthly_report.call(report.pk)  # in this task, as for a user's report
        report.refresh_from_db()
    if report.emailed_at is None:
        email_to_staff(report)
    return report.pk


def previous_month(moment: datetime.datetime) -> datetime.date:
    """The first day of the month before the one `moment` falls in, in TIME_ZONE."""
    first_of_this_month = timezone.localdate(moment).replace(day=1)
    return (first_of_this_month - datetime.timedelta(days=1)).replace(day=1)


def email_to_staff(report: Report) -> None:
    """Send the report's CSV to the site's active staff, and record that it went out."""
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("pk")
    to = list(staff.values_list("email", flat=True))
    if not to:  # the next run sends it, once there are staff
        logger.warning("Nobody to email %s to: the site has no active staff.", report)
        return
    body = render_to_string("reports/email/site_report.txt", {"report": report})
    message = EmailMessage(f"{report}: the monthly report", body, to=to)
    message.attach(report.filename, report.content, "text/csv")
    message.send()
    Report.objects.filter(pk=report.pk).update(emailed_at=timezone.now())


@cron(settings.TASK_RESULTS_PRUNE_CRON)
@task(queue_name="default")
def prune_old_reports() -> int:
    """Delete users' reports finished over TASK_RESULTS_MAX_AGE_DAYS ago, as their tasks' results
    go: personal data is kept no longer. The site's reports stay. How many went."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.TASK_RESULTS_MAX_AGE_DAYS)
    old = Report.objects.filter(owner__isnull=False, finished_at__lt=cutoff)
    return old.delete()[0]
