"""Each admin action changes only the tasks its rule allows, says why it leaves the others,
logs who did it, and loses cleanly to a worker that changed the task first."""

from dataclasses import replace

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from ...hello.tasks import say_hello
from ...taskstatus.models import OwnedTask
from ...workers import taskdb
from ...workers.ownership import Ownership
from .. import actions
from .helpers import dead, failed, ready, running, staff_client, status

pytestmark = pytest.mark.django_db(transaction=True)  # workers' ownership has its own session

TASKS = reverse("admin:django_tasks_database_dbtaskresult_changelist")


def act(client, action: str, *task_ids: str, confirmed: bool = True):
    """Choose `action` for the tasks in the admin's list, and confirm it (or not)."""
    data = {"action": f"{action}_tasks", ACTION_CHECKBOX_NAME: [str(i) for i in task_ids]}
    if confirmed:
        data["confirmed"] = "yes"
    return client.post(TASKS, data, follow=True)


def history(task_id: str) -> list[tuple[str, str]]:
    entries = LogEntry.objects.filter(object_id=str(task_id))
    return [(entry.user.email, entry.change_message) for entry in entries]


def test_retry_puts_only_a_failed_task_back_under_its_id_and_counts_an_attempt(operator):
    failed_id, ready_id, running_id = failed(), ready(), str(running("w2").pk)

    page = act(operator, "retry", failed_id, ready_id, running_id, confirmed=False)
    assert page.status_code == 200
    assert [str(row.pk) for row in page.context["allowed"]] == [failed_id]
    assert "only a FAILED task is retried" in page.content.decode()
    assert status(failed_id) == "FAILED"  # nothing happens before the confirmation

    page = act(operator, "retry", failed_id, ready_id, running_id)
    assert "Retry: 1 task(s)." in page.content.decode()
    assert [status(failed_id), status(ready_id), status(running_id)] == [
        "READY",
        "READY",
        "RUNNING",
    ]
    assert history(failed_id) == [
        ("operator@example.com", "Retried: READY again under the same id.")
    ]
    assert history(ready_id) == history(running_id) == []

    row = taskdb.claim("w3", ["default"], [], "default")
    assert str(row.pk) in (failed_id, ready_id)
    retried = say_hello.get_result(failed_id)
    if str(row.pk) == failed_id:
        assert retried.attempts == 2


def test_cancel_fails_only_a_ready_task_saying_who_and_never_a_running_one(operator):
    ready_id, running_id = ready(), str(running().pk)

    page = act(operator, "cancel", ready_id, running_id, confirmed=False)
    assert "it is RUNNING: a worker runs it now" in page.content.decode()

    act(operator, "cancel", ready_id, running_id)
    cancelled = say_hello.get_result(ready_id)
    assert cancelled.status == "FAILED"
    [error] = cancelled.errors
    assert error.exception_class_path.endswith("TaskCancelled")
    assert "Cancelled by operator@example.com" in error.traceback
    assert status(running_id) == "RUNNING"
    assert history(ready_id) == [("operator@example.com", "Cancelled by operator@example.com.")]


def test_requeue_takes_only_a_running_task_whose_worker_is_known_dead(operator):
    with Ownership("alive", queues="default"):
        alive_id = str(running("alive").pk)
        orphan_id = str(running(dead("dead")).pk)
        unknown_id = str(running("never-registered").pk)

        page = act(operator, "requeue", alive_id, orphan_id, unknown_id, confirmed=False)
        assert "its worker alive is alive and runs it" in page.content.decode()
        assert "not known to be dead" in page.content.decode()

        act(operator, "requeue", alive_id, orphan_id, unknown_id)
        statuses = [status(alive_id), status(orphan_id), status(unknown_id)]
        assert statuses == ["RUNNING", "READY", "RUNNING"]
        assert history(orphan_id) == [("operator@example.com", "Requeued: its worker is dead.")]


def test_duplicate_enqueues_the_same_arguments_for_the_same_owner(operator, ada):
    original = say_hello.using(priority=5).enqueue("Grace")
    OwnedTask.objects.create(task_id=original.id, owner=ada, title="Hello, Grace")

    act(operator, "duplicate", original.id)

    [copy] = taskdb.TaskRow.objects.exclude(pk=original.id)
    assert (copy.task_result.args, copy.priority, copy.queue_name) == (["Grace"], 5, "default")
    assert copy.status == "READY"
    assert OwnedTask.objects.get(task_id=str(copy.pk)).owner == ada
    assert history(original.id) == [("operator@example.com", f"Duplicated as task {copy.pk}.")]


def test_a_cancel_confirmed_as_a_worker_claims_the_task_changes_nothing(operator, monkeypatch):
    """The worker claims the task between the action's check and its write: the worker wins,
    whole, and staff are told."""
    task_id = ready()
    claims = []

    def checked_then_claimed(row: taskdb.TaskRow) -> str | None:
        reason = actions.not_ready(row)
        claims.append(taskdb.claim("fast-worker", ["default"], [], "default"))  # meanwhile
        return reason

    racing = replace(actions.ACTIONS["cancel"], why_not=checked_then_claimed)
    monkeypatch.setitem(actions.ACTIONS, "cancel", racing)
    page = act(operator, "cancel", task_id)

    assert "1 task(s) changed meanwhile" in page.content.decode()
    [row] = claims
    after = taskdb.TaskRow.objects.get(pk=task_id)
    assert (after.status, after.started_at, after.worker_ids) == ("RUNNING", row.started_at,
                                                                   ["fast-worker"])  # fmt: skip
    assert after.exception_class_path == "" and after.finished_at is None
    assert taskdb.succeed(row, None)  # and the worker's own write still lands
    assert status(task_id) == "SUCCESSFUL"
    assert history(task_id) == []


def test_the_fenced_writes_refuse_a_task_that_moved_on():
    running_id, ready_id = str(running().pk), ready()
    assert taskdb.cancel_ready(running_id, by="someone") is False
    assert taskdb.retry_failed(running_id) is False
    assert taskdb.retry_failed(ready_id) is False
    assert [status(running_id), status(ready_id)] == ["RUNNING", "READY"]


def test_a_retry_racing_another_retry_applies_once():
    task_id = failed()
    assert taskdb.retry_failed(task_id) is True
    assert taskdb.retry_failed(task_id) is False
    assert status(task_id) == "READY"


def test_staff_who_may_not_change_results_see_them_but_act_on_nothing():
    task_id = failed()
    viewer = staff_client(may_operate=False)
    assert viewer.get(TASKS).status_code == 200
    assert b"Retry the selected" not in viewer.get(TASKS).content

    act(viewer, "retry", task_id)

    assert status(task_id) == "FAILED"
    assert history(task_id) == []
