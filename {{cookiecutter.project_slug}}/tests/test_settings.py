"""Invariants between the tasks, the TASKS setting and the Procfile.

A task whose queue is not in QUEUES cannot even be imported; a queue without a
worker in the Procfile keeps its tasks READY forever, silently.
"""

import re
import shlex
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.tasks import Task

PROCFILE = Path(settings.BASE_DIR) / "Procfile"


def project_tasks() -> list[Task]:
    """Every task defined in a `tasks` module of the project's apps."""
    tasks = []
    for app in apps.get_app_configs():
        if not app.name.startswith("{{ cookiecutter.project_slug }}."):
            continue
        try:
            module = import_module(f"{app.name}.tasks")
        except ModuleNotFoundError:
            continue
        tasks += [value for value in vars(module).values() if isinstance(value, Task)]
    return tasks


def procfile_worker_queues() -> dict[str, list[str]]:
    """Each Procfile process running db_worker, with the queues it serves."""
    workers = {}
    for line in PROCFILE.read_text().splitlines():
        match = re.match(r"^(\w+):\s*(.*)$", line)
        if not match or "db_worker" not in match[2]:
            continue
        args = shlex.split(match[2])
        workers[match[1]] = args[args.index("--queue-name") + 1].split(",")
    return workers


def test_the_project_defines_the_tasks_the_tutorial_uses():
    names = {task.name for task in project_tasks()}
    assert {"send_welcome_email", "generate_monthly_report", "say_hello"} <= names


def test_every_task_queue_is_declared_in_tasks_queues():
    queues = settings.TASKS["default"]["QUEUES"]
    assert {task.queue_name for task in project_tasks()} <= set(queues)


def test_every_queue_has_exactly_one_dedicated_worker_in_the_procfile():
    served = [queue for queues in procfile_worker_queues().values() for queue in queues]
    assert sorted(served) == sorted(settings.TASKS["default"]["QUEUES"])
    assert "*" not in served


def test_welcome_emails_outrank_reports():
    by_name = {task.name: task for task in project_tasks()}
    assert by_name["send_welcome_email"].priority > by_name["generate_monthly_report"].priority


def test_workers_have_stable_meaningful_ids():
    for line in PROCFILE.read_text().splitlines():
        if re.match(r"^\w+:", line) and "db_worker" in line:
            name = line.split(":")[0]
            assert f'--worker-id "{name}@' in line


def test_django_tasks_lifecycle_is_logged_with_debug_off():
    assert settings.DEBUG is False
    assert settings.LOGGING["loggers"]["django.tasks"]["handlers"]


def test_connections_are_reused_between_worker_polls():
    database = settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True
