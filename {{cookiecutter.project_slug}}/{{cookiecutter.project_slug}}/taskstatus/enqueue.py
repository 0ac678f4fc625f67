"""Enqueue a task when the current transaction commits, and record who owns it.

The portable pattern is `transaction.on_commit(partial(task.enqueue, ...))`: a worker never
picks up a task whose data is not committed yet, whatever the backend. But on_commit drops
the callback's return value, and the view wants the task id: `PendingTask` keeps it.
"""

from functools import partial
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.tasks import Task, TaskResult
from django.urls import reverse

from .models import OwnedTask


class PendingTask:
    """A task that will be enqueued on commit; holds its result once it is."""

    def __init__(self, enqueue: partial[TaskResult], owner: AbstractBaseUser, title: str) -> None:
        self._enqueue, self._owner, self._title = enqueue, owner, title
        self._result: TaskResult | None = None

    def __call__(self) -> None:
        """Enqueue the task and record its owner (run by transaction.on_commit)."""
        # With the database backend both rows commit together.
        with transaction.atomic():
            self._result = self._enqueue()
            OwnedTask.objects.create(
                task_id=self._result.id, owner_id=self._owner.pk, title=self._title
            )

    @property
    def result(self) -> TaskResult:
        """The enqueued task's result; only available after the commit."""
        if self._result is None:
            raise RuntimeError(
                "The task is enqueued when the outermost transaction commits: it has not "
                "committed yet. Read the result after the atomic() block (and mark a view "
                "using ATOMIC_REQUESTS with @transaction.non_atomic_requests)."
            )
        return self._result

    @property
    def status_url(self) -> str:
        """The page where the owner can follow the task."""
        return reverse("taskstatus:page", args=[self.result.id])


def enqueue_on_commit(
    task: Task, *args: Any, owner: AbstractBaseUser, title: str, **kwargs: Any
) -> PendingTask:
    """Enqueue `task(*args, **kwargs)` for `owner` once the current transaction commits."""
    pending = PendingTask(partial(task.enqueue, *args, **kwargs), owner, title)
    transaction.on_commit(pending)
    return pending
