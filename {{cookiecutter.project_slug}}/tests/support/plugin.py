"""The project's pytest plugin (see conftest.py): fixtures every test can ask for."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from django.tasks import Task, TaskResult, TaskResultStatus, task_backends

from {{ cookiecutter.project_slug }}.accounts.models import User

from .backend import CaptureBackend
from .smtp import SMTPServer


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
def captured_tasks(settings: Any) -> Iterator[CapturedTasks]:
    """Capture the tasks the test enqueues, until it runs them (`captured_tasks.run_all()`)."""
    backend, queues = "tests.support.backend.CaptureBackend", settings.TASKS["default"]["QUEUES"]
    settings.TASKS = {"default": {"BACKEND": backend, "QUEUES": queues}}
    CaptureBackend.clear()
    capture = task_backends["default"]
    assert isinstance(capture, CaptureBackend)
    yield CapturedTasks(capture)
    CaptureBackend.clear()


@pytest.fixture
def ada(db: None) -> User:
    """A registered user."""
    return User.objects.create_user("ada@example.com", "correct horse battery staple")


@pytest.fixture
def grace(db: None) -> User:
    """Another registered user, who must not see Ada's things."""
    return User.objects.create_user("grace@example.com", "correct horse battery staple")


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SMTPServer]:
    with SMTPServer() as server:
        yield server


@pytest.fixture
def smtp(smtp_server: SMTPServer) -> Iterator[SMTPServer]:
    """A real SMTP server in this process, empty and accepting mail: worker processes send to it."""
    smtp_server.reset()
    yield smtp_server
    smtp_server.reset()


@pytest.fixture(scope="session")
def worker_environment(django_db_setup: None, smtp_server: SMTPServer) -> dict[str, str]:
    """What a worker process needs to share the test database and send to the SMTP server."""
    database = connections["default"].settings_dict
{%- if cookiecutter.database == "sqlite" %}
    test_database = {"SQLITE_PATH": str(database["NAME"])}
{%- else %}
    user = f"{database['USER']}:{database['PASSWORD'] or ''}"
    url = f"postgres://{user}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    test_database = {"DATABASE_URL": url}
{%- endif %}
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "SMTP_PORT": str(smtp_server.port),
        **test_database,
    }
