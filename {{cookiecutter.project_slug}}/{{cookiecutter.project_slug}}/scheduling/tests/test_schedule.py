"""What the scheduler enqueues, when and on which queue, as the tasks declare it with @cron."""

from datetime import UTC, datetime

import crontask
from django.conf import settings

from tests.support import procfile

from ...reports.tasks import build_site_report
from ..tasks import prune_task_results


def scheduled() -> dict:
    """The scheduler's jobs (registered when the tasks modules were imported), by name."""
    return {job.name: job for job in crontask.scheduler.get_jobs()}


def test_the_monthly_report_is_built_at_3_on_the_1st_on_the_reports_queue():
    job = scheduled()["build_site_report"]
    assert settings.MONTHLY_REPORT_CRON == "0 3 1 * *"
    assert str(job.trigger) == "cron[month='*', day='1', day_of_week='*', hour='3', minute='0']"
    assert str(job.trigger.timezone) == settings.TIME_ZONE
    assert job.func == build_site_report.enqueue
    assert build_site_report.queue_name == "reports"
    mid_october = datetime(2026, 10, 15, 12, tzinfo=UTC)
    assert job.trigger.get_next_fire_time(None, mid_october) == datetime(2026, 11, 1, 3, tzinfo=UTC)


def test_old_task_results_are_pruned_every_night_on_the_default_queue():
    job = scheduled()["prune_task_results"]
    assert settings.TASK_RESULTS_PRUNE_CRON == "30 2 * * *"
    assert str(job.trigger) == "cron[month='*', day='*', day_of_week='*', hour='2', minute='30']"
    assert job.func == prune_task_results.enqueue
    assert prune_task_results.queue_name == "default"
    assert settings.TASK_RESULTS_MAX_AGE_DAYS == 14


def test_the_procfile_runs_one_scheduler_without_crontasks_heartbeat():
    lines = procfile.processes().values()
    [scheduler] = [line for line in lines if "manage scheduler" in line.command]
    assert scheduler.name == "scheduler"
    assert not scheduler.is_worker
    assert "--no-heartbeat" in scheduler.command  # or a task on `default` every minute
