"""The project's pytest plugin (see conftest.py): fixtures every test can ask for."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from django.tasks import TaskResult, task_backends

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.hello.tasks import say_hello
from {{ cookiecutter.project_slug }}.taskstatus.models import OwnedTask

from .backend import CaptureBackend
from .smtp import SMTPServer


@pytest.fixture
def captured_tasks(settings: Any) -> Iterator[CaptureBackend]:
    """Capture the tasks the test enqueues, until it runs them (`captured_tasks.run_all()`)."""
    backend, queues = "tests.support.backend.CaptureBackend", settings.TASKS["default"]["QUEUES"]
    settings.TASKS = {"default": {"BACKEND": backend, "QUEUES": queues}}
    CaptureBackend.clear()
    capture = task_backends["default"]
    assert isinstance(capture, CaptureBackend)
    yield capture
    CaptureBackend.clear()


@pytest.fixture
def database_for_threads(transactional_db: None) -> None:
    """A test database for threads, each with its own connection: what the test creates is
    committed, and the database is never an in-memory one, which threads cannot share."""


@pytest.fixture
def ada(db: None) -> User:
    return User.objects.create_user("ada@example.com", "correct horse battery staple")


@pytest.fixture
def grace(db: None) -> User:
    """Another registered user, who must not see Ada's things."""
    return User.objects.create_user("grace@example.com", "correct horse battery staple")


@pytest.fixture
def adas_task(ada: User, captured_tasks: CaptureBackend) -> TaskResult:
    """A task of Ada's, READY (captured)."""
    result = say_hello.enqueue("Ada")
    OwnedTask.objects.create(task_id=result.id, owner=ada, title="Hello, Ada")
    return result


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
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.test", "SMTP_PORT": str(smtp_server.port)}
    database = connections["default"].settings_dict
{%- if cookiecutter.database == "sqlite" %}
    return {**env, "SQLITE_PATH": str(database["NAME"])}
{%- else %}
    user = f"{database['USER']}:{database['PASSWORD'] or ''}"
    url = f"postgres://{user}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    return {**env, "DATABASE_URL": url}
{%- endif %}
