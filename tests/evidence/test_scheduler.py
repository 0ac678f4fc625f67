"""The scheduler process, for real: it enqueues on time, and only one runs per database.

Each test starts the Procfile's own `scheduler` line on the test database. The
monthly report's schedule is shortened to every second (a leading seconds field,
scheduling/cron.py), so the 1st of the month comes at once.
"""

import csv
import datetime
import io

from django.utils import timezone

from tasks_demo.accounts.models import User
from tasks_demo.reports.models import Report
from tasks_demo.reports.tasks import build_site_report, previous_month
from tasks_demo.scheduling.models import Lease
from tasks_demo.workers.taskdb import TaskRow
from tests.support.waiting import wait_until

EVERY_SECOND = "* * * * * *"


def test_on_schedule_the_monthly_report_is_built_and_emailed_once_to_the_staff(
    start_worker, start_scheduler, smtp
):
    User.objects.create_user("grace@example.com", "pw", is_staff=True)
    User.objects.create_user("ada@example.com", "pw")  # not staff: gets no report
    last_month = previous_month(timezone.now())
    joined = datetime.datetime.combine(last_month.replace(day=3), datetime.time(12), datetime.UTC)
    User.objects.create_user("early@example.com", "pw", date_joined=joined)

    start_worker("reports")
    start_scheduler(MONTHLY_REPORT_CRON=EVERY_SECOND)

    [email] = smtp.wait_for_messages(1, to="grace@example.com", timeout=30)
    assert Report.objects.get(owner=None).month == last_month
    assert email.recipients == ["grace@example.com"]
    assert email.subject == f"Registrations in {last_month:%B %Y}: the monthly report"
    [attachment] = email.message.iter_attachments()
    assert attachment.get_filename() == f"registrations-{last_month:%Y-%m}.csv"
    assert attachment.get_content_type() == "text/csv"
    rows = list(csv.reader(io.StringIO(attachment.get_content())))
    assert rows[0] == ["date", "registrations"]
    assert rows[3] == [f"{last_month:%Y-%m}-03", "1"]

    # The schedule fires every second: later runs find the report built and emailed.
    runs = TaskRow.objects.filter(task_path=build_site_report.module_path, status="SUCCESSFUL")
    wait_until(lambda: runs.count() >= 3, timeout=15, waiting_for="three runs of the report")
    assert Report.objects.count() == 1
    assert len(smtp.messages) == 1


def test_a_second_scheduler_against_the_same_database_is_refused(start_scheduler):
    first = start_scheduler()

    second = start_scheduler(wait_until_ready=False, CRONTASK_LOCK_BLOCKING_TIMEOUT="0")

    assert second.wait(timeout=30) == 1
    [refusal] = [line for line in second.output().splitlines() if "CommandError" in line]
    assert refusal.startswith("CommandError: Another scheduler runs against this database (")
    assert "held by scheduler@" in refusal
    assert refusal.endswith("only one may, so this one stops.")
    assert first.is_running
    # Stopped, the first gives up its lease: the next scheduler starts at once.
    first.stop()
    assert first.returncode == 0
    start_scheduler(CRONTASK_LOCK_BLOCKING_TIMEOUT="0")


def test_a_scheduler_that_lost_its_lease_enqueues_nothing_more_and_exits(start_scheduler):
    scheduler = start_scheduler(MONTHLY_REPORT_CRON=EVERY_SECOND)
    runs = TaskRow.objects.filter(task_path=build_site_report.module_path)
    wait_until(runs.exists, timeout=15, waiting_for="the scheduler to enqueue the report")

    # What another scheduler does once this one was paused for longer than its lease.
    later = timezone.now() + datetime.timedelta(hours=1)
    Lease.objects.update(holder="scheduler@elsewhere", expires_at=later)
    enqueued = runs.count()

    assert scheduler.wait(timeout=15) == 1
    assert runs.count() <= enqueued + 1  # one job may have renewed just before the lease went
    [error] = [line for line in scheduler.output().splitlines() if "CommandError" in line]
    assert error.startswith("CommandError: This scheduler lost its lease (scheduler, held by")
    assert "scheduler@elsewhere" in error
