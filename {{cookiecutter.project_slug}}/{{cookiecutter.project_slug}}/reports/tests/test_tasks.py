"""The monthly report counts each day's registrations and records its progress."""

import csv
import datetime
import io

import pytest

from ...accounts.models import User
from ..models import Report
from ..tasks import generate_monthly_report


def register_on(day: datetime.date, count: int) -> None:
    for n in range(count):
        joined = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
        User.objects.create_user(f"{day}-{n}@example.com", "pw", date_joined=joined)


@pytest.fixture
def report(db) -> Report:
    owner = User.objects.create_user(
        "ada@example.com", "pw", date_joined=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    return Report.objects.create(owner=owner, month=datetime.date(2026, 2, 1))


def test_the_csv_has_one_row_per_day_with_its_registrations(report, captured_tasks):
    register_on(datetime.date(2026, 2, 3), 2)
    register_on(datetime.date(2026, 2, 28), 1)
    register_on(datetime.date(2026, 3, 1), 5)  # next month: not counted

    generate_monthly_report.enqueue(report.pk)
    [result] = captured_tasks.run_all()

    report.refresh_from_db()
    rows = list(csv.reader(io.StringIO(report.content)))
    assert rows[0] == ["date", "registrations"]
    assert len(rows) == 1 + 28
    assert rows[3] == ["2026-02-03", "2"]
    assert rows[28] == ["2026-02-28", "1"]
    assert sum(int(count) for _, count in rows[1:]) == 3
    assert result.return_value == 3


def test_progress_reaches_every_day_of_the_month(report, captured_tasks):
    assert report.progress == 0
    generate_monthly_report.enqueue(report.pk)
    captured_tasks.run_all()

    report.refresh_from_db()
    assert report.days_done == report.days_total == 28
    assert report.progress == 100


def test_progress_is_recorded_while_the_task_runs(report, captured_tasks, monkeypatch):
    seen = []
    monkeypatch.setattr(
        "{{ cookiecutter.project_slug }}.reports.tasks.simulate_expensive_work",
        lambda: seen.append(Report.objects.get(pk=report.pk).days_done),
    )
    generate_monthly_report.enqueue(report.pk)
    captured_tasks.run_all()
    # Before each day's work is recorded, the previous days already are.
    assert seen == list(range(28))


def test_running_it_twice_builds_the_same_report(report, captured_tasks):
    register_on(datetime.date(2026, 2, 10), 1)
    generate_monthly_report.enqueue(report.pk)
    generate_monthly_report.enqueue(report.pk)
    first, second = captured_tasks.run_all()
    assert first.return_value == second.return_value == 1
    report.refresh_from_db()
    assert report.content.count("\n") == 29


def test_reports_run_on_the_reports_queue():
    assert generate_monthly_report.queue_name == "reports"
