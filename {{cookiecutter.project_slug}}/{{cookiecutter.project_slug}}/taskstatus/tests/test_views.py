"""A task's status is shown to its owner only; everyone else gets 404."""

import pytest
from django.urls import reverse

from ...hello.tasks import say_hello
from ..models import TaskOwner


@pytest.fixture
def adas_task(ada, captured_tasks):
    result = say_hello.enqueue("Ada")
    TaskOwner.objects.create(task_id=result.id, owner=ada)
    return result


def json_url(task_id: str) -> str:
    return reverse("taskstatus:json", args=[task_id])


def page_url(task_id: str) -> str:
    return reverse("taskstatus:page", args=[task_id])


def test_the_owner_sees_ready_then_successful(client, ada, adas_task, captured_tasks):
    client.force_login(ada)
    assert client.get(json_url(adas_task.id)).json()["status"] == "READY"

    captured_tasks.run_all()

    state = client.get(json_url(adas_task.id)).json()
    assert state["status"] == "SUCCESSFUL"
    assert state["is_finished"] is True
    assert state["error"] is None


def test_the_page_polls_the_json_endpoint(client, ada, adas_task):
    client.force_login(ada)
    response = client.get(page_url(adas_task.id))
    assert response.status_code == 200
    assert f'data-poll-url="{json_url(adas_task.id)}"'.encode() in response.content
    assert b"taskstatus/poll.js" in response.content


def test_a_failed_task_shows_its_exception_class_but_not_its_traceback(client, ada, captured_tasks):
    from ...accounts.tasks import send_welcome_email

    result = send_welcome_email.enqueue(user_id=999_999)  # no such user
    TaskOwner.objects.create(task_id=result.id, owner=ada)
    captured_tasks.run_all()
    client.force_login(ada)

    state = client.get(json_url(result.id)).json()
    page = client.get(page_url(result.id)).content.decode()

    assert state["status"] == "FAILED"
    assert state["error"] == "{{ cookiecutter.project_slug }}.accounts.models.User.DoesNotExist"
    assert "Traceback" not in str(state) and "Traceback" not in page
    assert "User.DoesNotExist" in page


@pytest.mark.parametrize("url", [json_url, page_url], ids=["json", "page"])
def test_another_users_task_is_not_found(client, grace, adas_task, url):
    client.force_login(grace)
    assert client.get(url(adas_task.id)).status_code == 404


@pytest.mark.parametrize("url", [json_url, page_url], ids=["json", "page"])
@pytest.mark.parametrize(
    "task_id",
    ["7d5f9e61-5c9c-4c2e-9d64-1ad0c4e2e7a1", "not-a-uuid", "x" * 200, "%00", "1 OR 1=1"],
    ids=["unknown", "malformed", "oversized", "nul", "sql"],
)
def test_unknown_and_malformed_ids_are_not_found(client, ada, captured_tasks, url, task_id):
    client.force_login(ada)
    assert client.get(url(task_id)).status_code == 404


def test_a_pruned_result_is_not_found(client, ada, adas_task, captured_tasks):
    captured_tasks.backend.clear()  # as prune_db_task_results would
    client.force_login(ada)
    assert client.get(json_url(adas_task.id)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, adas_task):
    response = client.get(page_url(adas_task.id))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
