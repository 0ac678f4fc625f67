"""An idle worker starts a new task at once, though it polls only every ten seconds.

The worker is woken as soon as the task's row is committed (workers/wakeup.py):
the poll interval is only a safety net.
"""

from datetime import timedelta

import pytest
from django.db import transaction

from tasks_demo.hello.tasks import say_hello
from tasks_demo.workers.taskdb import TaskRow
from tasks_demo.workers.tests.helpers import wait_for_status

POLL_SECONDS = 10


def test_a_task_starts_within_a_second_though_the_worker_polls_every_ten(start_worker):
    start_worker("default", WORKER_POLL_SECONDS=str(POLL_SECONDS))
    wait_for_status(say_hello.enqueue("warm-up"), "SUCCESSFUL")  # imports what tasks need

    result = say_hello.enqueue("Ada")
    wait_for_status(result, "SUCCESSFUL", timeout=POLL_SECONDS)

    assert result.started_at - result.enqueued_at < timedelta(seconds=1)


class RegistrationFailed(Exception):
    """Whatever rolls the transaction back after the enqueue."""


def test_a_rolled_back_enqueue_runs_nothing(start_worker):
    worker = start_worker("default", WORKER_POLL_SECONDS=str(POLL_SECONDS))
    with pytest.raises(RegistrationFailed), transaction.atomic():
        say_hello.enqueue("nobody")
        raise RegistrationFailed

    after = say_hello.enqueue("Ada")  # enqueued after the rollback, run before the test ends
    wait_for_status(after, "SUCCESSFUL", timeout=POLL_SECONDS)

    assert [str(pk) for pk in TaskRow.objects.values_list("pk", flat=True)] == [after.id]
    assert worker.output().count("state=RUNNING") == 1
