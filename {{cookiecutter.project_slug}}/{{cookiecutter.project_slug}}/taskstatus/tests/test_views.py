"""A task's story, shown to its owner (everyone else gets 404: tests/test_hostile_input.py)."""

from django.urls import reverse
{%- if cookiecutter.backend == "database" %}
from django.utils import timezone
{%- endif %}

from ...accounts.tasks import send_welcome_email
from ...hello.tasks import say_hello
{% if cookiecutter.backend == "database" -%}
from ...workers.models import TaskAttempt
{% endif -%}
from ..models import OwnedTask
from ..views import TASKS_PER_PAGE


def url(name: str, task_id: str) -> str:
    return reverse(f"taskstatus:{name}", args=[task_id])


def test_the_owner_follows_a_story_from_ready_to_successful(client, ada, adas_task, captured_tasks):
    client.force_login(ada)
    waiting = client.get(url("json", adas_task.id)).json()
    assert (waiting["status"], waiting["attempts"], waiting["started_at"]) == ("READY", [], None)

    captured_tasks.run_all()

    story = client.get(url("json", adas_task.id)).json()
    assert (story["status"], story["is_finished"], story["error"]) == ("SUCCESSFUL", True, None)
    assert (story["title"], story["task"], story["queue"]) == ("Hello, Ada", "say_hello", "default")
    [attempt] = story["attempts"]
    assert (attempt["number"], attempt["worker"], attempt["error"]) == (1, None, None)
    assert story["worker"] is None and story["priority"] == 0  # the worker is for staff's eyes
    assert story["waited_seconds"] >= 0 and story["ran_seconds"] >= 0


def test_only_staff_see_which_worker_ran_a_task(client, ada, adas_task, captured_tasks):
    captured_tasks.run_all()
    client.force_login(ada)
    assert "capture-backend" not in client.get(url("page", adas_task.id)).content.decode()
    ada.is_staff = True
    ada.save()

    story = client.get(url("json", adas_task.id)).json()
    assert story["worker"] == story["attempts"][0]["worker"] == "capture-backend"
    page = client.get(url("page", adas_task.id)).content.decode()
    assert 'by <code data-item="worker">capture-backend</code>' in page


def test_the_page_tells_the_story_and_polls_the_json_endpoint(client, ada, adas_task):
    client.force_login(ada)
    page = client.get(url("page", adas_task.id)).content.decode()
    assert "<h1" in page and "Hello, Ada</h1>" in page
    assert "<code>say_hello</code> on the <code>default</code> queue, priority 0" in page
    assert f'data-poll-url="{url("json", adas_task.id)}"' in page
    assert "taskstatus/poll.js" in page


def test_every_failed_attempt_shows_its_exception_class_no_traceback(client, ada, captured_tasks):
    result = send_welcome_email.enqueue(user_id=999_999)  # no such user
    OwnedTask.objects.create(task_id=result.id, owner=ada, title="Welcome email")
    captured_tasks.run_all()
{%- if cookiecutter.backend == "database" %}
    TaskAttempt.objects.create(
        task_id=result.id, number=1, worker_id="capture-backend", error="builtins.ConnectionError",
        started_at=timezone.now(), finished_at=timezone.now(), traceback="Traceback: secret",
    )  # fmt: skip
{%- endif %}
    client.force_login(ada)

    story = client.get(url("json", result.id)).json()
    page = client.get(url("page", result.id)).content.decode()

    assert story["status"] == "FAILED"
    assert story["error"] == "{{ cookiecutter.project_slug }}.accounts.models.User.DoesNotExist"
{%- if cookiecutter.backend == "database" %}
    assert [attempt["error"] for attempt in story["attempts"]] == ["builtins.ConnectionError"]
    assert "Traceback" not in str(story) and "Traceback" not in page
    assert "User.DoesNotExist" in page and "builtins.ConnectionError" in page
{%- else %}
    assert "Traceback" not in str(story) and "Traceback" not in page
    assert "User.DoesNotExist" in page  # each attempt's error: workers/tests/test_rq.py
{%- endif %}


def test_a_pruned_result_is_not_found(client, ada, adas_task, captured_tasks):
    captured_tasks.clear()  # as prune_db_task_results would
    client.force_login(ada)
    assert client.get(url("json", adas_task.id)).status_code == 404


def test_your_tasks_lists_ones_own_newest_first_page_by_page(client, ada, grace, captured_tasks):
    for number in range(TASKS_PER_PAGE + 1):
        task_id = say_hello.enqueue("Ada").id
        OwnedTask.objects.create(task_id=task_id, owner=ada, title=f"Ada task {number}")
    OwnedTask.objects.create(task_id=say_hello.enqueue("Grace").id, owner=grace, title="Grace")
    client.force_login(ada)

    first = client.get(reverse("taskstatus:list")).content.decode()
    second = client.get(reverse("taskstatus:list") + "?page=2").content.decode()

    assert f"Ada task {TASKS_PER_PAGE}<" in first and "Ada task 0<" not in first
    assert "Ada task 0<" in second
    assert "Page 1 of 2" in first and "READY" in first
    assert "Grace" not in first + second
