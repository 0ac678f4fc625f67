"""The nightly pruning: when it runs, and what it deletes."""

from datetime import timedelta

import crontask
{%- if cookiecutter.backend == "rq" %}
import django_rq
{%- endif %}
import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from ...hello.tasks import say_hello
{% if cookiecutter.backend == "database" -%}
from ...reports.tasks import generate_monthly_report
{% endif -%}
from ...taskstatus.models import OwnedTask
{% if cookiecutter.backend == "rq" -%}
from ...workers.rq import Job, existing
{% else -%}
from ...workers.models import TaskAttempt
from ...workers.taskdb import TaskRow
{% endif -%}
from ..tasks import clear_expired_sessions, prune_task_results


def test_results_are_pruned_at_2_30_every_night_on_the_default_queue():
    [job] = [job for job in crontask.scheduler.get_jobs() if job.name == "prune_task_results"]
    assert str(job.trigger) == "cron[month='*', day='*', day_of_week='*', hour='2', minute='30']"
    assert job.func == prune_task_results.enqueue
    assert prune_task_results.queue_name == "default"


{% if cookiecutter.backend == "rq" -%}
@pytest.mark.django_db
def test_pruning_deletes_the_rows_of_tasks_whose_results_expired_not_newer(client, ada):
    """RQ lets the results expire (workers/rq.py); pruning deletes their owners' rows."""
    expired, old, recent = (say_hello.enqueue("Ada") for _ in range(3))
    for result, days_ago in [(expired, 15), (old, 15), (recent, 13)]:
        then = timezone.now() - timedelta(days=days_ago)
        OwnedTask.objects.create(task_id=result.id, owner=ada, title="A task")
        OwnedTask.objects.filter(task_id=result.id).update(enqueued_at=then)
    # As RQ does once result_ttl is over:
    Job.fetch(expired.id, connection=django_rq.get_connection()).delete()

    assert prune_task_results.call() == 1
    assert existing([expired.id, old.id, recent.id]) == {old.id, recent.id}
    assert set(OwnedTask.objects.values_list("task_id", flat=True)) == {old.id, recent.id}
    client.force_login(ada)
    assert client.get(reverse("taskstatus:page", args=[expired.id])).status_code == 404


{% else -%}
@pytest.mark.django_db
def test_pruning_deletes_old_results_of_every_queue_with_their_rows_not_newer(client, ada):
    old, recent = say_hello.enqueue("Ada"), say_hello.enqueue("Ada")
    old_report = generate_monthly_report.enqueue(1)
    for result, days_ago in [(old, 15), (old_report, 15), (recent, 13)]:
        then = timezone.now() - timedelta(days=days_ago)  # it failed once, then succeeded
        TaskRow.objects.filter(pk=result.id).update(status="SUCCESSFUL", finished_at=then)
        OwnedTask.objects.create(task_id=result.id, owner=ada, title="A task")
        OwnedTask.objects.filter(task_id=result.id).update(enqueued_at=then)
        TaskAttempt.objects.create(task_id=result.id, number=1, started_at=then, finished_at=then)

    assert prune_task_results.call() == 4  # two owners, two attempts
    assert [str(pk) for pk in TaskRow.objects.values_list("pk", flat=True)] == [recent.id]
    assert list(OwnedTask.objects.values_list("task_id", flat=True)) == [recent.id]
    assert list(TaskAttempt.objects.values_list("task_id", flat=True)) == [recent.id]
    client.force_login(ada)
    assert client.get(reverse("taskstatus:page", args=[old.id])).status_code == 404


{% endif -%}
@pytest.mark.django_db
def test_expired_sessions_are_cleared_every_night_and_live_ones_kept(client, ada):
    [job] = [job for job in crontask.scheduler.get_jobs() if job.name == "clear_expired_sessions"]
    assert str(job.trigger) == "cron[month='*', day='*', day_of_week='*', hour='2', minute='15']"
    client.force_login(ada)  # a live session
    expired = Session.objects.create(
        session_key="x" * 32, session_data="", expire_date=timezone.now() - timedelta(seconds=1)
    )

    assert clear_expired_sessions.call() == 1
    assert not Session.objects.filter(pk=expired.pk).exists()
    assert client.get(reverse("taskstatus:list")).status_code == 200  # still logged in
