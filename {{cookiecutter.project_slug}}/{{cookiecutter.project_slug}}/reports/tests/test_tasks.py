"""A report counts each day's registrations; the site's is built and emailed once a month."""

import csv
import datetime
import io

import crontask
import pytest
from django.utils import timezone

from ...accounts.models import User
from ..models import Report
from ..tasks import build_site_report, generate_monthly_report, previous_month, prune_old_reports

pytestmark = pytest.mark.django_db


def test_the_csv_has_one_row_per_day_with_its_registrations(ada, captured_tasks):
    for number, day in enumerate(["2026-02-03", "2026-02-03", "2026-02-28", "2026-03-01"]):
        joined = datetime.datetime.fromisoformat(f"{day}T12:00Z")  # March's is not counted
        User.objects.create_user(f"user{number}@example.com", "pw", date_joined=joined)
    report = Report.objects.create(owner=ada, month=datetime.date(2026, 2, 1))

    generate_monthly_report.enqueue(report.pk)
    [result] = captured_tasks.run_all()

    report.refresh_from_db()
    rows = list(csv.reader(io.StringIO(report.content)))
    assert (rows[0], rows[3], rows[28], len(rows)) == (
        ["date", "registrations"], ["2026-02-03", "2"], ["2026-02-28", "1"], 1 + 28
    )  # fmt: skip
    assert (result.return_value, report.progress) == (3, 100)


def test_the_scheduler_builds_the_site_report_at_3_on_the_1st_on_the_reports_queue():
    [job] = [job for job in crontask.scheduler.get_jobs() if job.name == "build_site_report"]
    assert str(job.trigger) == "cron[month='*', day='1', day_of_week='*', hour='3', minute='0']"
    assert job.func == build_site_report.enqueue
    assert build_site_report.queue_name == "reports"


def test_building_last_month_twice_gives_one_report_emailed_once_to_the_active_staff(
    captured_tasks, mailoutbox
):
    User.objects.create_user("grace@example.com", "pw", is_staff=True)
    User.objects.create_user("gone@example.com", "pw", is_staff=True, is_active=False)
    User.objects.create_user("ada@example.com", "pw")

    build_site_report.enqueue()  # as the scheduler does: no month
    build_site_report.enqueue()  # a catch-up run too many
    first, second = captured_tasks.run_all()

    report = Report.objects.get(owner=None)
    assert first.return_value == second.return_value == report.pk
    assert report.month == previous_month(timezone.now())
    [email] = mailoutbox
    assert email.to == ["grace@example.com"]
    assert email.subject == f"Registrations in {report.month:%B %Y}: the monthly report"
    assert email.attachments == [(report.filename, report.content, "text/csv")]


def test_a_month_given_is_built_if_it_has_ended(captured_tasks):
    build_site_report.enqueue(month="2026-10")
    build_site_report.enqueue(month=f"{timezone.localdate():%Y-%m}")
    _, refused = captured_tasks.run_all()
    assert Report.objects.get(owner=None).month == datetime.date(2026, 10, 1)
    assert refused.errors[0].exception_class_path == "builtins.ValueError"


def test_last_month_is_the_one_before_the_moment_in_the_sites_time_zone(settings):
    settings.TIME_ZONE = "Pacific/Auckland"  # 12:00 UTC on 31 October is 1 November there
    assert previous_month(datetime.datetime(2026, 10, 31, 12, tzinfo=datetime.UTC)).month == 10
    assert previous_month(datetime.datetime(2027, 1, 15, tzinfo=datetime.UTC)).month == 12


def test_users_reports_go_with_their_tasks_results_and_the_sites_stay(ada, settings):
    long_ago = timezone.now() - datetime.timedelta(days=settings.TASK_RESULTS_MAX_AGE_DAYS + 1)
    old = Report.objects.create(owner=ada, month=datetime.date(2026, 1, 1), finished_at=long_ago)
    now = timezone.now()
    recent = Report.objects.create(owner=ada, month=datetime.date(2026, 2, 1), finished_at=now)
    unfinished = Report.objects.create(owner=ada, month=datetime.date(2026, 3, 1))
    site = Report.objects.create(owner=None, month=datetime.date(2026, 1, 1), finished_at=long_ago)

    assert prune_old_reports.call() == 1

    assert set(Report.objects.all()) == {recent, unfinished, site}
    assert not Report.objects.filter(pk=old.pk).exists()
