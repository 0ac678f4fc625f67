"""What the workers' tests share: a worker in this process, and waiting for a task's status."""

import io
import signal

from django.core.management import call_command
from django.tasks import TaskResult

from tests.support.waiting import wait_until


def run_worker(*options: str, batch: bool = True) -> None:
    """Run the project's worker in this process until no task is ready (--batch); the test
    needs `transaction=True`, as the worker commits. pytest's signal handlers are put back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        batch_option = ["--batch"] if batch else ["--interval", "10"]
        call_command("worker", *batch_option, "--worker-id", "test", *options, stdout=io.StringIO())
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def status_of(result: TaskResult) -> str:
    """The task's status in the database now."""
    result.refresh()
    return result.status


def wait_for_status(result: TaskResult, status: str, timeout: float = 15) -> None:
    """Wait until the task has `status`; fail saying which status it was stuck in."""
    waiting_for = f"task {result.id} to be {status} (it is {result.status})"
    wait_until(lambda: status_of(result) == status, timeout=timeout, waiting_for=waiting_for)
