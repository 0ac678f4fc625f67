"""What the queues hold, as the tests ask it of the database backend (django-tasks-db's rows)."""

from collections.abc import Iterable

from {{ cookiecutter.project_slug }}.workers.taskdb import TaskRow


def enqueued() -> int:
    """How many tasks were enqueued (and not pruned), in every queue."""
    return TaskRow.objects.count()


def unfinished(queues: Iterable[str]) -> int:
    """How many tasks of `queues` are READY or RUNNING."""
    rows = TaskRow.objects.filter(queue_name__in=list(queues), status__in=["READY", "RUNNING"])
    return rows.count()


def forget_all() -> None:
    """Nothing to do: each test's database starts empty, task rows with it."""
