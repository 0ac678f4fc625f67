"""Small helpers shared by the tests of worker processes."""

from django.tasks import TaskResult

from ...testing.waiting import wait_until


def status_of(result: TaskResult) -> str:
    """The task's status in the database now."""
    result.refresh()
    return result.status


def wait_for_status(result: TaskResult, status: str, timeout: float = 15) -> None:
    """Wait until the task has `status`; fail saying which status it was stuck in."""
    wait_until(
        lambda: status_of(result) == status,
        timeout=timeout,
        waiting_for=f"task {result.id} to be {status} (it is {result.status})",
    )
