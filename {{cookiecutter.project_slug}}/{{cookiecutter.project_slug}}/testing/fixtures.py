"""pytest fixtures: capture the tasks a test enqueues, then run them when it says so.

A test asks for `captured_tasks`, does what enqueues a task, and runs it with
`captured_tasks.run_all()`; accounts/tests/test_tasks.py shows it whole.
"""

from collections.abc import Iterator

import pytest
from django.tasks import Task, TaskResult, TaskResultStatus, task_backends

from .backend import CaptureBackend


class CapturedTasks:
    """What the code under test enqueued, and a way to run it."""

    def __init__(self, backend: CaptureBackend) -> None:
        self.backend = backend

    def results(self, task: Task | None = None) -> list[TaskResult]:
        """Every captured result (of `task`, if given), oldest first."""
        return [r for r in self.backend.results() if task is None or r.task.name == task.name]

    def ready(self, task: Task | None = None) -> list[TaskResult]:
        """The captured results still waiting to run."""
        return [r for r in self.results(task) if r.status == TaskResultStatus.READY]

    def run_all(self) -> list[TaskResult]:
        """Run every READY task, including those the runs enqueue; return their outcomes."""
        finished = []
        while ready := self.ready():
            finished += [self.backend.run(result.id) for result in ready]
        return finished


@pytest.fixture
def captured_tasks(settings) -> Iterator[CapturedTasks]:
    """Swap the default task backend for one that captures tasks until the test runs them."""
    settings.TASKS = {
        "default": {
            "BACKEND": "{{ cookiecutter.project_slug }}.testing.backend.CaptureBackend",
            "QUEUES": settings.TASKS["default"]["QUEUES"],
        }
    }
    CaptureBackend.clear()
    yield CapturedTasks(task_backends["default"])
    CaptureBackend.clear()
