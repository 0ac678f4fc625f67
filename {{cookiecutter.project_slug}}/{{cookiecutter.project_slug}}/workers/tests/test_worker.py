"""The worker applies each task's policy: retries under one id, backoff, time limits (the
project's real worker, run in this process by helpers.run_worker, on tasks defined here)."""

import asyncio
import time
from datetime import timedelta

import pytest
from django.tasks import TaskContext, TaskResult, task
from django.utils import timezone

from ...hello.tasks import say_hello
from ..models import PausedQueue, TaskAttempt
from ..policies import retry, time_limit
from ..taskdb import TaskRow
from ..timelimits import TimeLimitExceeded
from .helpers import run_worker, status_of

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits as it goes

ERRORS = {"ConnectionError": ConnectionError, "ValueError": ValueError}
TIME_LIMIT_EXCEEDED = f"{TimeLimitExceeded.__module__}.TimeLimitExceeded"


@retry(max_attempts=3, backoff=lambda error, _: 0 if isinstance(error, ConnectionError) else None)
@task(takes_context=True)
def flaky(context: TaskContext, failures: int, error: str = "ConnectionError") -> int:
    """Fail with `error` the first `failures` times; then return the attempt's number."""
    if context.attempt <= failures:
        raise ERRORS[error](f"attempt {context.attempt} fails")
    return context.attempt


@retry(max_attempts=2, backoff=lambda error, _: 0.5)
@task(takes_context=True)
def fails_once(context: TaskContext) -> int:
    if context.attempt == 1:
        raise ConnectionError("the server is busy")
    return context.attempt


@retry(max_attempts=2, backoff=lambda error, _: 60)
@task
def always_fails() -> None:
    raise ConnectionError("the server is down")


@time_limit(seconds=0.2)
@task
def hangs() -> None:
    time.sleep(30)


@time_limit(seconds=0.2)
@task
async def waits_too_long(path: str) -> None:
    await asyncio.sleep(30)
    open(path, "w").close()  # never reached


def recorded_errors(result: TaskResult) -> list[tuple[int, str]]:
    return list(TaskAttempt.objects.filter(task_id=result.id).values_list("number", "error"))


def test_a_temporary_failure_is_retried_under_the_same_id_until_it_succeeds():
    result = flaky.enqueue(failures=2)

    run_worker()

    result.refresh()
    assert (result.status, result.return_value, result.attempts) == ("SUCCESSFUL", 3, 3)
    assert recorded_errors(result) == [(n, "builtins.ConnectionError") for n in (1, 2)]


@pytest.mark.parametrize(
    ("error", "attempts"),
    [("ValueError", 1), ("ConnectionError", 3)],
    ids=["permanent", "exhausted"],
)
def test_a_failure_not_retried_or_retried_too_often_fails_with_every_error_visible(error, attempts):
    result = flaky.enqueue(failures=5, error=error)

    run_worker()

    result.refresh()
    assert (result.status, result.attempts) == ("FAILED", attempts)
    assert f"attempt {attempts} fails" in result.errors[0].traceback  # the backend keeps the last
    assert recorded_errors(result) == [(n, f"builtins.{error}") for n in range(1, attempts + 1)]


def test_a_retry_waits_for_its_backoff():
    result = always_fails.enqueue()

    run_worker()  # runs it once; the retry is not due for a minute

    result = always_fails.get_result(result.id)
    assert (result.status, result.attempts) == ("READY", 1)
    wait = result.task.run_after - timezone.now()
    assert timedelta(seconds=50) < wait <= timedelta(seconds=60)


def test_a_retry_runs_when_its_backoff_is_over_not_at_the_next_poll():
    result = fails_once.enqueue()
    started = time.monotonic()

    run_worker("--max-tasks", "2", batch=False)  # a worker polling every 10 s

    assert time.monotonic() - started < 5
    result.refresh()
    assert (result.status, result.return_value) == ("SUCCESSFUL", 2)


def test_a_task_past_its_time_limit_fails_and_the_worker_runs_the_next_one():
    stuck = hangs.enqueue()
    after = say_hello.enqueue("Ada")
    started = time.monotonic()

    run_worker()

    assert time.monotonic() - started < 10, "the worker waited for the task to end by itself"
    stuck.refresh()
    after.refresh()
    [error] = stuck.errors
    assert (stuck.status, error.exception_class_path) == ("FAILED", TIME_LIMIT_EXCEEDED)
    assert "longer than its time limit of 0.2 s" in error.traceback
    assert after.status == "SUCCESSFUL"


def test_an_async_task_past_its_time_limit_is_stopped_at_its_limit(tmp_path):
    stuck = waits_too_long.enqueue(str(tmp_path / "finished"))
    started = time.monotonic()

    run_worker()

    assert time.monotonic() - started < 10, "the worker waited for the coroutine to end"
    stuck.refresh()
    [error] = stuck.errors
    assert (stuck.status, error.exception_class_path) == ("FAILED", TIME_LIMIT_EXCEEDED)
    assert not (tmp_path / "finished").exists()


def test_a_task_that_cannot_be_loaded_fails_and_the_worker_runs_the_next_one():
    renamed = say_hello.enqueue("Ada")
    TaskRow.objects.filter(pk=renamed.id).update(task_path=f"{__name__}.renamed_since")
    after = say_hello.enqueue("Bob")

    run_worker()

    row = TaskRow.objects.get(pk=renamed.id)
    assert (row.status, row.exception_class_path) == ("FAILED", "builtins.ImportError")
    assert "renamed_since" in row.traceback
    after.refresh()
    assert after.status == "SUCCESSFUL"


def test_a_paused_queue_keeps_its_tasks_ready_until_resumed():
    waiting = say_hello.enqueue("Ada")
    PausedQueue.objects.create(queue_name=waiting.task.queue_name)

    run_worker()
    assert status_of(waiting) == "READY"

    PausedQueue.objects.all().delete()
    run_worker()
    assert status_of(waiting) == "SUCCESSFUL"
