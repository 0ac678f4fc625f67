"""The capture backend: tasks wait until the test runs them, then report like a worker's."""

import pytest
from django.tasks.exceptions import TaskResultDoesNotExist

from tasks_demo.accounts.tasks import send_welcome_email
from tasks_demo.hello.tasks import say_hello


def test_enqueued_tasks_wait_until_run(captured_tasks):
    result = say_hello.enqueue("Ada")
    assert captured_tasks.ready() == [result]
    assert say_hello.get_result(result.id).status == "READY"


def test_running_records_success_and_the_return_value(captured_tasks):
    result = say_hello.enqueue("Ada")
    [finished] = captured_tasks.run_all()
    result.refresh()
    assert result.status == finished.status == "SUCCESSFUL"
    assert result.return_value == "Hello, Ada!"
    assert result.worker_ids == ["capture-backend"]
    assert result.started_at <= result.finished_at


@pytest.mark.django_db
def test_running_records_a_failure_with_class_and_traceback(captured_tasks):
    result = send_welcome_email.enqueue(123456)
    [failed] = captured_tasks.run_all()
    assert failed.status == "FAILED"
    [error] = failed.errors
    assert error.exception_class_path.endswith("User.DoesNotExist")
    assert "Traceback" in error.traceback
    with pytest.raises(ValueError):
        failed.return_value  # noqa: B018  only a SUCCESSFUL task has one
    assert result.status == "READY"  # the caller's copy changes only on refresh()


def test_an_unknown_id_does_not_exist(captured_tasks):
    with pytest.raises(TaskResultDoesNotExist):
        say_hello.get_result("no-such-id")


@pytest.mark.django_db
def test_arguments_must_be_json_like_with_a_real_backend(captured_tasks):
    from tasks_demo.accounts.models import User

    user = User.objects.create_user("ada@example.com", "pw")
    with pytest.raises(TypeError):
        send_welcome_email.enqueue(user)  # pass user.pk instead
    assert captured_tasks.results() == []


def test_each_test_starts_with_nothing_captured(captured_tasks):
    assert captured_tasks.results() == []
