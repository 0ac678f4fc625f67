"""A task backend for tests: it captures enqueued tasks and runs them on demand.

Django ships two test-friendly backends and neither fits a test that wants to
enqueue, inspect and then run: DummyBackend never runs a task and keeps its
results per thread; ImmediateBackend runs the task inside enqueue() and cannot
look a result up later. This one keeps every result in one process-wide list,
answers get_result() (so status pages work), and runs tasks when told to.
"""

import threading
import uuid
from collections.abc import Mapping, Sequence
from copy import copy as shallow_copy
from dataclasses import replace
from traceback import format_exception
from typing import Any

from django.tasks import Task, TaskResult, TaskResultStatus
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import TaskContext, TaskError
from django.tasks.exceptions import TaskResultDoesNotExist
from django.tasks.signals import task_enqueued, task_finished, task_started
from django.utils import timezone
from django.utils.json import normalize_json


class CaptureBackend(BaseTaskBackend):
    supports_defer = True
    supports_async_task = True
    supports_get_result = True
    supports_priority = True

    # Shared by every thread: a live server's request threads enqueue here too.
    _results: dict[str, TaskResult] = {}
    _lock = threading.Lock()
    worker_id = "capture-backend"

    def enqueue(self, task: Task, args: Sequence[Any], kwargs: Mapping[str, Any]) -> TaskResult:
        """Validate and store the task, READY to run; do not run it."""
        self.validate_task(task)
        result: TaskResult = TaskResult(
            task=task,
            id=str(uuid.uuid4()),  # shaped like django-tasks-db's ids
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=list(args),  # TaskResult makes them JSON, or raises TypeError
            kwargs=dict(kwargs),
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        self._save(result)
        task_enqueued.send(type(self), task_result=result)
        return result

    def get_result(self, result_id: str) -> TaskResult:
        """A copy of the stored result, as a real backend reads one from storage."""
        with self._lock:
            try:
                return copy(self._results[result_id])
            except KeyError:
                raise TaskResultDoesNotExist(result_id) from None

    def results(self) -> list[TaskResult]:
        """Every captured result, oldest first."""
        with self._lock:
            return [copy(result) for result in self._results.values()]

    def run(self, result_id: str) -> TaskResult:
        """Run one captured task as a worker would, and store its outcome."""
        result = self.get_result(result_id)
        started = timezone.now()
        result = replace(
            result,
            status=TaskResultStatus.RUNNING,
            started_at=started,
            last_attempted_at=started,
            worker_ids=[*result.worker_ids, self.worker_id],
        )
        self._save(result)
        task_started.send(type(self), task_result=result)
        task = result.task
        try:
            if task.takes_context:
                value = task.call(TaskContext(task_result=result), *result.args, **result.kwargs)
            else:
                value = task.call(*result.args, **result.kwargs)
        except Exception as error:
            result = replace(
                result,
                status=TaskResultStatus.FAILED,
                finished_at=timezone.now(),
                errors=[*result.errors, as_task_error(error)],
            )
        else:
            result = replace(result, status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now())
            # The return value is no dataclass field Django lets us set: do as its backends do.
            object.__setattr__(result, "_return_value", normalize_json(value))
        self._save(result)
        task_finished.send(type(self), task_result=result)
        return result

    def _save(self, result: TaskResult) -> None:
        with self._lock:
            self._results[result.id] = result

    @classmethod
    def clear(cls) -> None:
        """Forget every captured task."""
        with cls._lock:
            cls._results.clear()


def copy(result: TaskResult) -> TaskResult:
    """An independent copy of `result`, return value included (replace() would drop it)."""
    return shallow_copy(result)


def as_task_error(error: Exception) -> TaskError:
    """The TaskError a worker records for `error`."""
    cls = type(error)
    return TaskError(
        exception_class_path=f"{cls.__module__}.{cls.__qualname__}",
        traceback="".join(format_exception(error)),
    )
