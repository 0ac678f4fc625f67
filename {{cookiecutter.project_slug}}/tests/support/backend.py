"""A task backend for tests: it captures enqueued tasks and runs them on demand.

Django's DummyBackend never runs a task; ImmediateBackend runs it inside enqueue(). This one
keeps every result in one dict for the process (a live server's threads enqueue too).
"""

import threading
import uuid
from collections.abc import Mapping, Sequence
from copy import copy
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
    supports_defer = supports_async_task = supports_get_result = supports_priority = True
    worker_id = "capture-backend"
    _results: dict[str, TaskResult] = {}
    _lock = threading.Lock()

    def enqueue(self, task: Task, args: Sequence[Any], kwargs: Mapping[str, Any]) -> TaskResult:
        """Validate and store the task, READY to run; do not run it."""
        self.validate_task(task)
        result: TaskResult = TaskResult(
            task=task, id=str(uuid.uuid4()), status=TaskResultStatus.READY,
            enqueued_at=timezone.now(), started_at=None, last_attempted_at=None, finished_at=None,
            args=list(args), kwargs=dict(kwargs),  # TaskResult makes them JSON, or raises TypeError
            backend=self.alias, errors=[], worker_ids=[],
        )  # fmt: skip
        self._save(result)
        task_enqueued.send(type(self), task_result=result)
        return result

    def get_result(self, result_id: str) -> TaskResult:
        """A copy of the stored result, as a real backend reads one from storage."""
        with self._lock:
            if result_id not in self._results:
                raise TaskResultDoesNotExist(result_id)
            return copy(self._results[result_id])  # copy() keeps the return value; replace() not

    def results(self, task: Task | None = None) -> list[TaskResult]:
        """Every captured result (of `task`, if given), oldest first."""
        with self._lock:
            results = [copy(result) for result in self._results.values()]
        return [r for r in results if task is None or r.task.name == task.name]

    def ready(self, task: Task | None = None) -> list[TaskResult]:
        return [r for r in self.results(task) if r.status == TaskResultStatus.READY]

    def run_all(self) -> list[TaskResult]:
        """Run every READY task, including those the runs enqueue; return their outcomes."""
        finished = []
        while ready := self.ready():
            finished += [self.run(result.id) for result in ready]
        return finished

    def run(self, result_id: str) -> TaskResult:
        """Run one captured task here and now, and store its outcome: no worker's retries or time
        limits, and only an Exception is recorded as a failure (anything else ends the test)."""
        result = self.get_result(result_id)
        now = timezone.now()
        worker_ids = [*result.worker_ids, self.worker_id]
        result = replace(result, status=TaskResultStatus.RUNNING, started_at=now,
                         last_attempted_at=now, worker_ids=worker_ids)  # fmt: skip
        self._save(result)
        task_started.send(type(self), task_result=result)
        context: list[TaskContext] = []
        if result.task.takes_context:
            context.append(TaskContext(task_result=result))
        try:
            value = result.task.call(*context, *result.args, **result.kwargs)
        except Exception as error:
            path = f"{type(error).__module__}.{type(error).__qualname__}"
            trace = "".join(format_exception(error))
            failure = TaskError(exception_class_path=path, traceback=trace)
            result = replace(result, status=TaskResultStatus.FAILED, finished_at=timezone.now(),
                             errors=[*result.errors, failure])  # fmt: skip
        else:
            result = replace(result, status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now())
            object.__setattr__(result, "_return_value", normalize_json(value))  # as Django's do
        self._save(result)
        task_finished.send(type(self), task_result=result)
        return result

    def _save(self, result: TaskResult) -> None:
        with self._lock:
            self._results[result.id] = result

    @classmethod
    def clear(cls) -> None:
        with cls._lock:
            cls._results.clear()
