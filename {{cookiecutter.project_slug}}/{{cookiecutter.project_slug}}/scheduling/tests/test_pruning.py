"""Pruning: old finished results go, with the project's rows about them; nothing newer."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.tasks import TaskResult, default_task_backend
from django.tasks.exceptions import TaskResultDoesNotExist
from django.urls import reverse
from django.utils import timezone

from ...hello.tasks import say_hello
from ...reports.tasks import generate_monthly_report
from ...taskstatus.models import OwnedTask
from ...workers.models import TaskAttempt
from ...workers.taskdb import TaskRow
from .. import tasks
from ..pruning import Pruned, prune_task_results

pytestmark = pytest.mark.django_db


def enqueued(result: TaskResult, owner, days_ago: float) -> TaskResult:
    """The task was enqueued `days_ago`, for `owner`, and failed its first attempt."""
    then = timezone.now() - timedelta(days=days_ago)
    TaskRow.objects.filter(pk=result.id).update(enqueued_at=then)
    owned = OwnedTask.objects.create(task_id=result.id, owner=owner, title="A task")
    OwnedTask.objects.filter(pk=owned.pk).update(enqueued_at=then)
    TaskAttempt.objects.create(
        task_id=result.id,
        number=1,
        worker_id="default@host",
        started_at=then,
        finished_at=then,
        error="builtins.ConnectionError",
        traceback="",
    )
    return result


def finished(result: TaskResult, days_ago: float) -> TaskResult:
    """The task finished (successfully, at its second attempt) `days_ago`."""
    then = timezone.now() - timedelta(days=days_ago)
    TaskRow.objects.filter(pk=result.id).update(
        status="SUCCESSFUL", started_at=then, finished_at=then, worker_ids=["a", "b"]
    )
    return result


def exists(result: TaskResult) -> bool:
    try:
        default_task_backend.get_result(result.id)
    except TaskResultDoesNotExist:
        return False
    return True


def test_old_results_go_on_every_queue_with_their_rows_and_newer_ones_stay(client, ada):
    old_hello = finished(enqueued(say_hello.enqueue("Ada"), ada, days_ago=20), days_ago=15)
    old_report = finished(enqueued(generate_monthly_report.enqueue(1), ada, 30), days_ago=29)
    recent = finished(enqueued(say_hello.enqueue("Ada"), ada, days_ago=13), days_ago=13)
    waiting = enqueued(say_hello.enqueue("Ada"), ada, days_ago=20)  # not finished: kept

    assert prune_task_results(min_age_days=14) == Pruned(owned_tasks=2, attempts=2)

    assert not exists(old_hello) and not exists(old_report)
    assert exists(recent) and exists(waiting)
    kept = {recent.id, waiting.id}
    assert set(OwnedTask.objects.values_list("task_id", flat=True)) == kept
    assert set(TaskAttempt.objects.values_list("task_id", flat=True)) == kept
    client.force_login(ada)
    assert client.get(reverse("taskstatus:page", args=[old_hello.id])).status_code == 404
    assert client.get(reverse("taskstatus:page", args=[recent.id])).status_code == 200


def test_pruning_again_finds_nothing_more(ada):
    finished(enqueued(say_hello.enqueue("Ada"), ada, days_ago=20), days_ago=15)
    assert prune_task_results(14) == Pruned(owned_tasks=1, attempts=1)
    assert prune_task_results(14) == Pruned(owned_tasks=0, attempts=0)


def test_the_command_prunes_with_the_age_given():
    result = finished(say_hello.enqueue("Ada"), days_ago=3)
    out = io.StringIO()

    call_command("prune_task_results", "--min-age-days", "7", stdout=out)
    assert exists(result)
    call_command("prune_task_results", "--min-age-days", "2", stdout=out)
    assert not exists(result)

    assert out.getvalue().splitlines()[-1] == (
        "Deleted the records of pruned tasks: 0 task owner(s), 0 failed attempt(s)."
    )


def test_the_nightly_task_prunes_what_is_older_than_the_setting(settings, ada):
    settings.TASK_RESULTS_MAX_AGE_DAYS = 2
    old = finished(enqueued(say_hello.enqueue("Ada"), ada, days_ago=3), days_ago=3)

    assert tasks.prune_task_results.call() == {"owned_tasks": 1, "attempts": 1}
    assert not exists(old)
