"""Retry a task later, and follow a task to its latest retry.

django.tasks has no retry policy. A task that wants one calls `retry_later`
when it fails for a passing reason (the mail server is down), then raises: the
failed attempt stays FAILED with its real error, for the admin to see, and the
retry is a new task with the same arguments, run after a delay (run_after).

The user follows the first attempt's status page. `latest_attempt_id` leads
that page to the newest retry, so it shows "waiting" while a retry is
scheduled, and FAILED only when the last attempt failed. Each retry gets the
first attempt's owner, so its own id is just as private.
"""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.tasks import TaskContext
from django.utils import timezone

from ..taskstatus.models import TaskOwner
from .models import TaskRetry

MAX_CHAIN = 100  # bounds the walk along retries; far more attempts than any policy allows


def retry_later(context: TaskContext, *args: Any, delay: timedelta, **kwargs: Any) -> str:
    """From inside a running task: enqueue it again with these arguments, after `delay`.

    Returns the retry's id. Safe to call twice for one attempt (the attempt runs
    again after its worker crashed): the retry scheduled the first time is kept.
    """
    current = context.task_result
    with transaction.atomic():
        scheduled = TaskRetry.objects.filter(task_id=current.id).first()
        if scheduled is not None:
            return scheduled.retry_task_id
        # run_after must be a datetime: a timedelta fails in Django 6.1.
        retry = current.task.using(run_after=timezone.now() + delay).enqueue(*args, **kwargs)
        TaskRetry.objects.create(task_id=current.id, retry_task_id=retry.id)
        owner = TaskOwner.objects.filter(task_id=current.id).first()
        if owner is not None:
            TaskOwner.objects.create(task_id=retry.id, owner_id=owner.owner_id)
    return retry.id


def latest_attempt_id(task_id: str) -> str:
    """The id of the newest retry of `task_id`, or `task_id` if it was never retried."""
    retries = TaskRetry.objects.values_list("retry_task_id", flat=True)
    for _ in range(MAX_CHAIN):
        retry_id = retries.filter(task_id=task_id).first()
        if retry_id is None:
            break
        task_id = retry_id
    return task_id
