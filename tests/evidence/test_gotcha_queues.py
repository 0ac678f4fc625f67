"""Queue names: checked against TASKS["QUEUES"] when a task is defined, never by a worker.

A task whose queue is not in QUEUES breaks the import of its `tasks.py`; a worker
told to serve a queue nobody uses starts happily and leaves every task READY.
"""

import importlib
import re
import sys

import pytest
from django.tasks import task
from django.tasks.exceptions import InvalidTask

from tasks_demo.hello.tasks import say_hello

from .test_tasks_framework import run_worker

BACKEND = "django_tasks_db.DatabaseBackend"
ABSENT = object()  # the setting left out

# Which decorator queues each value of QUEUES accepts.
QUEUES_MATRIX = [
    # QUEUES                 @task()  @task(queue_name="emails")
    (ABSENT,                 True,    False),
    (["emails"],             False,   True),
    (["default"],            True,    False),
    (["default", "emails"],  True,    True),
    ([],                     True,    True),
]  # fmt: skip


def greet(name: str) -> str:
    """A plain function, turned into a task by each test under its own settings."""
    return f"Hello, {name}!"


def tasks_setting(queues: object) -> dict:
    """TASKS with the project's backend and `queues` as QUEUES (or no QUEUES at all)."""
    backend = {"BACKEND": BACKEND}
    if queues is not ABSENT:
        backend["QUEUES"] = queues
    return {"default": backend}


@pytest.mark.parametrize(
    ("queues", "default_ok", "emails_ok"),
    QUEUES_MATRIX,
    ids=["absent", "only-custom", "only-default", "both", "empty-list"],
)
@pytest.mark.parametrize("queue_name", ["default", "emails"])
def test_which_queue_names_the_decorator_accepts(
    settings, queues, default_ok, emails_ok, queue_name
):
    settings.TASKS = tasks_setting(queues)
    accepted = default_ok if queue_name == "default" else emails_ok

    if accepted:
        assert task(queue_name=queue_name)(greet).queue_name == queue_name
    else:
        with pytest.raises(InvalidTask, match=re.escape(f"Queue '{queue_name}' is not valid")):
            task(queue_name=queue_name)(greet)


def test_a_queue_missing_from_queues_breaks_the_import_of_tasks_py(settings, monkeypatch):
    settings.TASKS = tasks_setting(["default", "reports"])  # "emails" forgotten
    module = "tasks_demo.accounts.tasks"
    monkeypatch.delitem(sys.modules, module)  # put back after the test

    with pytest.raises(InvalidTask, match=re.escape("Queue 'emails' is not valid")):
        importlib.import_module(module)


def test_queues_are_checked_again_on_enqueue(settings):
    settings.TASKS = tasks_setting(["reports"])
    with pytest.raises(InvalidTask, match=re.escape("Queue 'default' is not valid")):
        say_hello.enqueue("Ada")


@pytest.mark.django_db(transaction=True)
def test_a_worker_serving_a_misspelt_queue_runs_nothing_and_says_nothing():
    result = say_hello.enqueue("Ada")

    run_worker("--queue-name", "defualt")  # exits normally: nothing to do on that queue

    result.refresh()
    assert result.status == "READY"
