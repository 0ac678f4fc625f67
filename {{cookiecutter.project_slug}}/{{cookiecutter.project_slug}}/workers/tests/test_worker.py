"""The worker applies each task's policy: retries under one id, backoff, time limits.

These run the project's real worker in this process (helpers.run_worker), on the
database backend, with tasks defined here.
"""

import time
from datetime import timedelta

import pytest
from django.tasks import TaskContext, TaskResult, task
from django.utils import timezone

from ...hello.tasks import say_hello
from ..models import TaskAttempt
from ..policies import retry, time_limit
from ..timelimits import TimeLimitExceeded
from .helpers import run_worker

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits as it goes

ERRORS = {"ConnectionError": ConnectionError, "ValueError": ValueError}


def retry_connection_errors_at_once(error: BaseException, result: TaskResult) -> float | None:
    return 0 if isinstance(error, ConnectionError) else None


def retry_in_a_minute(error: BaseException, result: TaskResult) -> float:
    return 60


@retry(max_attempts=3, backoff=retry_connection_errors_at_once)
@task(takes_context=True)
def flaky(context: TaskContext, failures: int, error: str = "ConnectionError") -> int:
    """Fail with `error` the first `failures` times; then return the attempt's number."""
    if context.attempt <= failures:
        raise ERRORS[error](f"attempt {context.attempt} fails")
    return context.attempt


@retry(max_attempts=2, backoff=retry_in_a_minute)
@task
def always_fails() -> None:
    raise ConnectionError("the server is down")


@time_limit(seconds=0.2)
@task
def hangs() -> None:
    time.sleep(30)


def recorded_errors(result: TaskResult) -> list[tuple[int, str]]:
    return list(TaskAttempt.objects.filter(task_id=result.id).values_list("number", "error"))


def test_a_temporary_failure_is_retried_under_the_same_id_until_it_succeeds():
    result = flaky.enqueue(failures=2)

    run_worker()

    result.refresh()
    assert (result.status, result.return_value, result.attempts) == ("SUCCESSFUL", 3, 3)
    assert recorded_errors(result) == [
        (1, "builtins.ConnectionError"),
        (2, "builtins.ConnectionError"),
    ]


def test_a_failure_the_policy_does_not_retry_fails_at_once():
    result = flaky.enqueue(failures=1, error="ValueError")

    run_worker()

    result.refresh()
    assert (result.status, result.attempts) == ("FAILED", 1)
    assert result.errors[0].exception_class_path == "builtins.ValueError"
    assert recorded_errors(result) == [(1, "builtins.ValueError")]


def test_retries_stop_after_max_attempts_and_every_error_stays_visible():
    result = flaky.enqueue(failures=5)

    run_worker()

    result.refresh()
    assert (result.status, result.attempts) == ("FAILED", 3)
    assert (
        "attempt 3 fails" in result.errors[0].traceback
    )  # the last error, as the backend keeps it
    assert [number for number, _ in recorded_errors(result)] == [1, 2, 3]


def test_a_retry_waits_for_its_backoff():
    result = always_fails.enqueue()

    run_worker()  # runs it once; the retry is not due for a minute

    result = always_fails.get_result(result.id)
    assert (result.status, result.attempts) == ("READY", 1)
    wait = result.task.run_after - timezone.now()
    assert timedelta(seconds=50) < wait <= timedelta(seconds=60)


def test_a_task_past_its_time_limit_fails_and_the_worker_runs_the_next_one():
    stuck = hangs.enqueue()
    after = say_hello.enqueue("Ada")
    started = time.monotonic()

    run_worker()

    assert time.monotonic() - started < 10, "the worker waited for the task to end by itself"
    stuck.refresh()
    after.refresh()
    assert stuck.status == "FAILED"
    assert stuck.errors[0].exception_class_path == (
        f"{TimeLimitExceeded.__module__}.TimeLimitExceeded"
    )
    assert "longer than its time limit of 0.2 s" in stuck.errors[0].traceback
    assert after.status == "SUCCESSFUL"
