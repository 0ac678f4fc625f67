"""`python -m manage build_monthly_report`: the one command that catches up a missed 1st."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ..models import Report
from ..tasks import build_site_report, previous_month

pytestmark = pytest.mark.django_db


def build_monthly_report(*args: str) -> str:
    out = io.StringIO()
    call_command("build_monthly_report", *args, stdout=out)
    return out.getvalue()


def test_it_enqueues_the_site_report_of_the_month_given(captured_tasks):
    output = build_monthly_report("--month", "2026-10")

    [result] = captured_tasks.results(build_site_report)
    assert result.kwargs == {"month": "2026-10"}
    assert result.task.queue_name == "reports"
    enqueued = f"Enqueued the site report of 2026-10 on the reports queue (task {result.id})"
    assert output.startswith(enqueued)


def test_by_default_it_builds_last_month(captured_tasks):
    build_monthly_report()
    [result] = captured_tasks.results(build_site_report)
    assert result.kwargs == {"month": f"{previous_month(timezone.now()):%Y-%m}"}


def test_run_twice_it_builds_and_emails_once(grace, captured_tasks, mailoutbox):
    grace.is_staff = True
    grace.save()
    build_monthly_report("--month", "2026-10")
    build_monthly_report("--month", "2026-10")
    captured_tasks.run_all()

    assert Report.objects.get(owner=None).month == datetime.date(2026, 10, 1)
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("month", "error"),
    [
        ("October", "is not a month: give YYYY-MM"),
        ("2026-13", "is not a month: give YYYY-MM"),
        ("2999-01", "2999-01 has not ended yet"),
    ],
)
def test_it_refuses_what_is_not_a_month_or_not_over(month, error, captured_tasks):
    with pytest.raises(CommandError, match=error):
        build_monthly_report("--month", month)
    assert captured_tasks.results() == []


def test_this_month_is_not_over(captured_tasks):
    with pytest.raises(CommandError, match="has not ended yet: its report would be partial"):
        build_monthly_report("--month", f"{timezone.localdate():%Y-%m}")
