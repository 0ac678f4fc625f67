"""How django.tasks and django-tasks-db behave: the facts the tutorial builds on.

Each test pins down one behaviour the documentation describes, against the real
database backend and a real `db_worker` (run in this process, so it sees the
test database). If an upgrade of Django or django-tasks-db changes one of them,
a test here fails and points at the page to update.
"""

import dataclasses
import io
import signal
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.backends.signals import connection_created
from django.tasks import TaskContext, TaskResult, default_task_backend, task
from django.tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tasks_demo.accounts.models import User
from tasks_demo.accounts.tasks import send_welcome_email
from tasks_demo.hello.tasks import say_hello

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@task
def pair(first: int, second: int) -> tuple[int, int]:
    """Return a tuple, to see what comes back."""
    return (first, second)


@task(takes_context=True)
def own_status(context: TaskContext) -> str:
    """Read this task's own status from the backend while it runs."""
    return default_task_backend.get_result(context.task_result.id).status


def run_worker(*options: str) -> None:
    """Run the real `db_worker` in this process until no task is left (--batch).

    The worker installs its own SIGINT/SIGTERM handlers; put pytest's back afterwards.
    Tests that use it need `transaction=True`: the worker commits, and a worker
    inside a test's transaction breaks (see test_gotcha_worker_in_tests.py).
    """
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command(
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--worker-id",
            "test-worker",
            *options,
            stdout=io.StringIO(),
        )
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


# Defining and enqueueing ---------------------------------------------------------


def test_a_task_is_enqueued_not_called():
    with pytest.raises(TypeError, match="not callable"):
        say_hello("Ada")
    assert say_hello.call("Ada") == "Hello, Ada!"  # runs it here and now, as a worker would


def test_the_decorator_without_arguments_means_the_default_queue_and_priority_0():
    assert (say_hello.queue_name, say_hello.priority) == ("default", 0)


# The database backend and its worker ------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_task_waits_ready_until_a_worker_runs_it():
    result = say_hello.enqueue("Ada")
    assert result.status == "READY"
    assert default_task_backend.get_result(result.id).status == "READY"

    run_worker()

    assert default_task_backend.get_result(result.id).status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_a_result_is_a_snapshot_until_refresh():
    result = say_hello.enqueue("Ada")
    run_worker()

    assert result.status == "READY"  # the copy enqueue() returned does not change by itself
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert result.is_finished
    assert result.return_value == "Hello, Ada!"


@pytest.mark.django_db(transaction=True)
def test_a_successful_result_records_who_ran_it_and_when():
    result = say_hello.enqueue("Ada")
    run_worker()
    result.refresh()

    assert result.worker_ids == ["test-worker"]
    assert result.attempts == 1
    assert result.enqueued_at <= result.started_at <= result.finished_at
    assert result.errors == []


@pytest.mark.django_db(transaction=True)
def test_a_task_is_running_while_its_worker_runs_it():
    result = own_status.enqueue()
    run_worker()
    result.refresh()
    assert result.return_value == "RUNNING"


@pytest.mark.django_db(transaction=True)
def test_return_value_raises_until_the_task_succeeds():
    result = say_hello.enqueue("Ada")
    with pytest.raises(ValueError, match="Task has not finished yet"):
        result.return_value  # noqa: B018


@pytest.mark.django_db(transaction=True)
def test_a_failing_task_records_its_exception_class_path_and_traceback():
    result = say_hello.enqueue()  # the name is missing
    run_worker()
    result.refresh()

    assert result.status == "FAILED"
    assert result.is_finished
    [error] = result.errors
    assert error.exception_class_path == "builtins.TypeError"
    assert error.exception_class is TypeError
    assert error.traceback.startswith("Traceback (most recent call last):")
    assert error.traceback.endswith(
        "TypeError: say_hello() missing 1 required positional argument: 'name'\n"
    )
    with pytest.raises(ValueError, match="Task failed"):
        result.return_value  # noqa: B018


@pytest.mark.django_db(transaction=True)
def test_arguments_and_return_values_go_through_json_so_tuples_come_back_as_lists():
    result = pair.enqueue(*(1, 2))
    assert result.args == [1, 2]

    run_worker()
    result.refresh()

    assert result.return_value == [1, 2]
    assert result.return_value != (1, 2)


@pytest.mark.django_db(transaction=True)
def test_a_model_instance_is_no_task_argument():
    user = User.objects.create_user("ada@example.com", "pw")
    with pytest.raises(TypeError, match="Unsupported type"):
        send_welcome_email.enqueue(user)
    send_welcome_email.enqueue(user.pk)  # pass its id instead


@pytest.mark.django_db(transaction=True)
def test_the_highest_priority_ready_task_runs_first():
    low = say_hello.using(priority=-10).enqueue("low")
    high = say_hello.using(priority=10).enqueue("high")

    run_worker("--max-tasks", "1")

    low.refresh()
    high.refresh()
    assert (high.status, low.status) == ("SUCCESSFUL", "READY")


@pytest.mark.django_db(transaction=True)
def test_within_a_priority_the_oldest_task_runs_first():
    first = say_hello.enqueue("first")
    second = say_hello.enqueue("second")

    run_worker("--max-tasks", "1")

    first.refresh()
    second.refresh()
    assert (first.status, second.status) == ("SUCCESSFUL", "READY")


@pytest.mark.django_db(transaction=True)
def test_postgresql_workers_claim_tasks_without_waiting_for_each_other():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks: a worker takes the whole database's write lock")
    say_hello.enqueue("Ada")
    with CaptureQueriesContext(connection) as queries:
        run_worker()
    claims = [query["sql"] for query in queries if "FOR UPDATE" in query["sql"]]
    assert claims
    assert all("FOR UPDATE SKIP LOCKED" in sql for sql in claims)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("conn_max_age", "connections_opened"), [(0, 3), (600, 0)])
def test_a_worker_reconnects_on_every_loop_unless_connections_persist(
    conn_max_age, connections_opened
):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("Django never closes an in-memory SQLite database, the test default")
    say_hello.enqueue("Ada")
    say_hello.enqueue("Grace")
    configured = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = conn_max_age
    connection.close()
    connection.ensure_connection()  # sets how long this connection may live
    opened = []

    def count(sender: object, **kwargs: object) -> None:
        opened.append(sender)

    connection_created.connect(count)
    try:
        run_worker()  # two tasks, then one empty poll
    finally:
        connection_created.disconnect(count)
        connection.settings_dict["CONN_MAX_AGE"] = configured
    assert len(opened) == connections_opened


@pytest.mark.django_db(transaction=True)
def test_get_result_refuses_an_unknown_id_or_another_tasks_id():
    hello = say_hello.enqueue("Ada")
    with pytest.raises(TaskResultDoesNotExist):
        default_task_backend.get_result("7d5f9e61-5c9c-4c2e-9d64-1ad0c4e2e7a1")
    with pytest.raises(TaskResultDoesNotExist):
        default_task_backend.get_result("not-a-uuid")
    with pytest.raises(TaskResultMismatch):
        send_welcome_email.get_result(hello.id)
    assert say_hello.get_result(hello.id).args == ["Ada"]


@pytest.mark.django_db(transaction=True)
def test_django_tasks_logs_each_start_and_end_and_the_traceback_of_a_failure(caplog):
    hello = say_hello.enqueue("Ada")
    failed = say_hello.enqueue()
    with caplog.at_level("INFO", logger="django.tasks"):
        run_worker()

    records = [record for record in caplog.records if record.name == "django.tasks"]
    lines = [(record.levelname, record.getMessage()) for record in records]
    path = "path=tasks_demo.hello.tasks.say_hello"
    assert lines == [
        ("INFO", f"Task id={hello.id} {path} state=RUNNING"),
        ("INFO", f"Task id={hello.id} {path} state=SUCCESSFUL"),
        ("INFO", f"Task id={failed.id} {path} state=RUNNING"),
        ("ERROR", f"Task id={failed.id} {path} state=FAILED"),
    ]
    assert records[-1].exc_info[0] is TypeError  # the traceback comes with it


def test_a_task_result_has_no_field_for_progress():
    # A long task records its progress on a model of its own (see reports/models.py).
    assert {field.name for field in dataclasses.fields(TaskResult)} == {
        "task", "id", "status", "enqueued_at", "started_at", "finished_at",
        "last_attempted_at", "args", "kwargs", "backend", "errors", "worker_ids",
        "_return_value",
    }  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_admin_shows_tasks_read_only_with_their_traceback(admin_client):
    failed = say_hello.enqueue()
    run_worker()
    changelist = "/admin/django_tasks_database/dbtaskresult/"

    listing = admin_client.get(changelist).content.decode()
    detail = admin_client.get(f"{changelist}{failed.id}/change/").content.decode()

    assert failed.id in listing and "FAILED" in listing
    assert "?status__exact=FAILED" in listing and "?queue_name=default" in listing  # filters
    assert "missing 1 required positional argument" in detail
    assert admin_client.get(f"{changelist}add/").status_code == 403


# Deferred tasks -----------------------------------------------------------------


def test_run_after_takes_a_datetime_not_a_timedelta():
    # Django 6.1.3: the docs allow a timedelta, the validation does not.
    with pytest.raises(AttributeError, match="timedelta"):
        say_hello.using(run_after=timedelta(minutes=5))


@pytest.mark.django_db(transaction=True)
def test_a_deferred_task_waits_for_its_time():
    later = say_hello.using(run_after=timezone.now() + timedelta(minutes=5)).enqueue("Ada")
    run_worker()
    later.refresh()
    assert later.status == "READY"


# Django's built-in backends -----------------------------------------------------


def test_the_immediate_backend_runs_the_task_inside_enqueue(settings):
    settings.TASKS = IMMEDIATE
    result = say_hello.enqueue("Ada")
    assert result.status == "SUCCESSFUL"
    assert result.return_value == "Hello, Ada!"


def test_the_immediate_backend_cannot_look_a_result_up(settings):
    settings.TASKS = IMMEDIATE
    result = say_hello.enqueue("Ada")
    with pytest.raises(NotImplementedError):
        say_hello.get_result(result.id)
    with pytest.raises(NotImplementedError):
        result.refresh()


def test_the_immediate_backend_records_failures_instead_of_raising(settings):
    settings.TASKS = IMMEDIATE
    result = say_hello.enqueue()
    assert result.status == "FAILED"
    assert result.errors[0].exception_class_path == "builtins.TypeError"


def test_the_dummy_backend_never_runs_a_task(settings):
    settings.TASKS = DUMMY
    result = say_hello.enqueue("Ada")
    assert say_hello.get_result(result.id).status == "READY"


def test_the_dummy_backend_keeps_results_per_thread(settings):
    settings.TASKS = DUMMY
    enqueued = []
    thread = threading.Thread(target=lambda: enqueued.append(say_hello.enqueue("Ada")))
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive(), "the enqueueing thread did not finish within 10 s"

    [result] = enqueued
    with pytest.raises(TaskResultDoesNotExist):
        say_hello.get_result(result.id)  # another thread's result is invisible here
