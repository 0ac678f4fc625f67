"""A task's retry policy and time limit: declared beside it, kept on the task."""

import pytest
from django.tasks import task

from ...hello.tasks import say_hello
from ..policies import PolicyTask, retry, retry_delay, time_limit, time_limit_of


def greet(name: str) -> str:
    return f"Hello, {name}!"


def every_minute(error: BaseException, result) -> float:
    return 60


def test_the_decorators_keep_what_task_declared_and_add_the_policy():
    declared = task(queue_name="emails", priority=10)(greet)
    with_policy = retry(max_attempts=3, backoff=every_minute)(time_limit(seconds=5)(declared))

    assert isinstance(with_policy, PolicyTask)
    assert (with_policy.queue_name, with_policy.priority, with_policy.func) == ("emails", 10, greet)
    assert (with_policy.max_attempts, with_policy.backoff) == (3, every_minute)
    assert with_policy.time_limit == 5
    # using() keeps the policy: the worker sees it on the tasks it loads.
    assert with_policy.using(queue_name="reports", priority=0).max_attempts == 3


def test_a_task_without_a_policy_runs_once_within_the_project_default(settings):
    settings.TASK_TIME_LIMIT_SECONDS = 42
    assert time_limit_of(say_hello) == 42
    assert retry_delay(say_hello, ConnectionError(), result=None) is None


@pytest.mark.parametrize(
    ("decorator", "message"),
    [
        (lambda: retry(max_attempts=0, backoff=every_minute), "at least 1"),
        (lambda: time_limit(seconds=0), "positive number of seconds"),
    ],
)
def test_a_policy_that_cannot_work_fails_when_the_task_is_defined(decorator, message):
    with pytest.raises(ValueError, match=message):
        decorator()(task(greet))
