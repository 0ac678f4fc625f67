"""What a task may declare beside its body: how it is retried, and how long it may run.

    @retry(max_attempts=5, backoff=email_backoff)
    @time_limit(seconds=60)
    @task(queue_name="emails")
    def send_welcome_email(user_id: int) -> None: ...

Django 6.1 has none. These keep the shape of Django's proposals (new-features #142
and #144) as fields of the task, which worker.py applies and other backends ignore.
"""

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from functools import partial
from typing import Any

from django.conf import settings
from django.tasks import Task, TaskResult

# Seconds to wait before the next attempt, or None to fail for good.
Backoff = Callable[[BaseException, TaskResult], float | None]


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyTask(Task):
    """A Task that also carries its retry policy and its time limit."""

    max_attempts: int = 1
    backoff: Backoff | None = None
    time_limit: float | None = None  # seconds; None: settings.TASK_TIME_LIMIT_SECONDS

    def __post_init__(self) -> None:
        # Explicit super(): a slotted dataclass is a new class, and CPython <= 3.13 keeps
        # the old one in the zero-argument form's cell.
        super(PolicyTask, self).__post_init__()
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1.")
        if self.max_attempts > 1 and self.backoff is None:
            raise ValueError("A task retried (max_attempts > 1) needs a backoff.")
        if self.time_limit is not None and self.time_limit <= 0:
            raise ValueError("time_limit must be a positive number of seconds.")


def with_policy(task: Task, **changes: Any) -> PolicyTask:
    """`task`, as a PolicyTask with `changes` to its policy."""
    if isinstance(task, PolicyTask):
        return replace(task, **changes)
    return PolicyTask(
        **{field.name: getattr(task, field.name) for field in fields(task)}, **changes
    )


def retry(*, max_attempts: int, backoff: Backoff) -> Callable[[Task], PolicyTask]:
    """Run a failing task again, up to `max_attempts` runs, `backoff(error, result)` s apart
    (`result.attempts` counts the one that just failed); a backoff of None gives up at once."""

    return partial(with_policy, max_attempts=max_attempts, backoff=backoff)


def time_limit(*, seconds: float) -> Callable[[Task], PolicyTask]:
    """Stop the task after `seconds` (it fails with TimeLimitExceeded)."""

    return partial(with_policy, time_limit=seconds)


def retry_delay(task: Task, error: BaseException, result: TaskResult) -> float | None:
    """Seconds until the failed task's next attempt, or None if it must fail now."""
    if isinstance(task, PolicyTask) and task.backoff and result.attempts < task.max_attempts:
        return task.backoff(error, result)
    return None


def time_limit_of(task: Task) -> float:
    """How long the task may run, in seconds."""
    own = task.time_limit if isinstance(task, PolicyTask) else None
    return own or settings.TASK_TIME_LIMIT_SECONDS
