"""The site's monthly report: last month's, built once, emailed once to the active staff."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from ...accounts.models import User
from ..models import Report
from ..tasks import build_site_report, previous_month

pytestmark = pytest.mark.django_db
OCTOBER = datetime.date(2026, 10, 1)


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_user("grace@example.com", "pw", is_staff=True)


def test_last_months_report_is_emailed_to_the_active_staff_with_its_csv(
    staff, ada, captured_tasks, mailoutbox
):
    User.objects.create_user("gone@example.com", "pw", is_staff=True, is_active=False)
    User.objects.create_user("linus@example.com", "pw", is_staff=True)

    build_site_report.enqueue()  # as the scheduler does: no month
    [result] = captured_tasks.run_all()

    report = Report.objects.get(owner=None)
    assert result.return_value == report.pk
    assert report.month == previous_month(result.enqueued_at)
    assert report.days_done == report.days_total
    [email] = mailoutbox
    assert email.to == ["grace@example.com", "linus@example.com"]
    assert email.subject == f"Registrations in {report.month:%B %Y}: the monthly report"
    assert email.attachments == [(report.filename, report.content, "text/csv")]
    assert report.emailed_at is not None


def test_building_a_month_twice_gives_one_report_emailed_once(staff, captured_tasks, mailoutbox):
    build_site_report.enqueue(month="2026-10")
    build_site_report.enqueue(month="2026-10")  # the catch-up command, run once too often
    first, second = captured_tasks.run_all()

    assert first.return_value == second.return_value == Report.objects.get(owner=None).pk
    assert len(mailoutbox) == 1


def test_the_database_holds_one_site_report_per_month(ada):
    Report.objects.create(owner=None, month=OCTOBER)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(owner=None, month=OCTOBER)
    # Users may ask for a month as often as they like.
    Report.objects.create(owner=ada, month=OCTOBER)
    Report.objects.create(owner=ada, month=OCTOBER)


def test_a_report_left_half_built_is_built_again(staff, captured_tasks, mailoutbox):
    Report.objects.create(owner=None, month=OCTOBER, days_done=12)  # its worker died
    build_site_report.enqueue(month="2026-10")
    captured_tasks.run_all()

    report = Report.objects.get(owner=None)
    assert report.days_done == 31
    assert report.content.startswith("date,registrations")
    assert len(mailoutbox) == 1


def test_without_staff_nothing_is_sent_until_a_run_finds_some(captured_tasks, mailoutbox):
    build_site_report.enqueue(month="2026-10")
    captured_tasks.run_all()
    assert mailoutbox == []
    assert Report.objects.get(owner=None).emailed_at is None

    User.objects.create_user("grace@example.com", "pw", is_staff=True)
    build_site_report.enqueue(month="2026-10")
    captured_tasks.run_all()
    [email] = mailoutbox
    assert email.to == ["grace@example.com"]


def test_last_month_is_the_one_before_the_task_was_enqueued_in_the_sites_time_zone(settings):
    settings.TIME_ZONE = "Pacific/Auckland"
    # 12:00 UTC on 31 October is already 1 November in Auckland.
    enqueued = datetime.datetime(2026, 10, 31, 12, tzinfo=datetime.UTC)
    assert previous_month(enqueued) == OCTOBER
    assert previous_month(datetime.datetime(2027, 1, 15, tzinfo=datetime.UTC)).month == 12
