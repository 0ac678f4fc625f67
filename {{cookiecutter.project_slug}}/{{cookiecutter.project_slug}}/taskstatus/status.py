"""What the browser may know about a task: its state, never its traceback."""

from typing import Any

from django.tasks import TaskResult


def describe(result: TaskResult) -> dict[str, Any]:
    """The JSON the status page polls.

    A failed task shows the exception's class, which tells the user what kind of
    thing went wrong; the traceback and message stay in the admin, since they can
    hold paths, addresses and data of other users.
    """
    errors = result.errors
    return {
        "id": result.id,
        "status": result.status,
        "is_finished": result.is_finished,
        "enqueued_at": result.enqueued_at,
        "started_at": result.started_at,
        "finished_at": result.finished_at,
        "error": errors[-1].exception_class_path if errors else None,
    }
