"""Which RUNNING tasks recovery takes (a dead worker's only), and what it does with them.

The workers here are real registrations: one alive (its Ownership held by this test), the
others registered with no lock held, as a worker leaves them when it dies.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from ...hello.tasks import say_hello
from ..models import TaskAttempt, WorkerProcess
from ..ownership import Ownership
from ..recovery import (
    MAX_LOST_WORKERS,
    WorkerLost,
    live_workers,
    recover_dead_workers,
    recover_task,
)
from ..taskdb import TaskRow, succeed

WORKER_LOST = f"{WorkerLost.__module__}.WorkerLost"

pytestmark = pytest.mark.django_db(transaction=True)  # ownership has a session of its own


@pytest.fixture
def me():
    """This test, as a live worker: it recovers the others."""
    with Ownership("me", queues="default") as ownership:
        yield ownership


def dead(worker_id: str) -> str:
    """A worker registered but holding no lock: as a SIGKILLed worker leaves itself."""
    WorkerProcess.objects.create(worker_id=worker_id, queues="default")
    return worker_id


def running_task(*worker_ids: str, started_ago: float = 1) -> str:
    """A task RUNNING on the last of `worker_ids` since `started_ago` seconds."""
    task_id = say_hello.enqueue("Ada").id
    TaskRow.objects.filter(pk=task_id).update(
        status="RUNNING",
        started_at=timezone.now() - timedelta(seconds=started_ago),
        worker_ids=list(worker_ids),
    )
    return task_id


def status(task_id: str) -> str:
    return say_hello.get_result(task_id).status


def test_a_dead_workers_task_is_ready_again_at_once_and_the_worker_forgotten(me):
    task_id = running_task(dead("dead"))

    assert recover_dead_workers(me) == [task_id]

    assert status(task_id) == "READY"
    assert say_hello.get_result(task_id).worker_ids == ["dead"]  # its history stays
    [lost] = TaskAttempt.objects.filter(task_id=task_id)
    assert (lost.number, lost.worker_id, lost.error) == (1, "dead", WORKER_LOST)
    assert list(WorkerProcess.objects.values_list("worker_id", flat=True)) == ["me"]


def test_a_live_workers_task_is_never_taken_however_long_it_runs(me):
    with Ownership("alive", queues="default"):
        long_running = running_task("alive", started_ago=86400)

        assert recover_dead_workers(me) == []
        assert recover_task(long_running) is False
        assert status(long_running) == "RUNNING"
        assert {worker.worker_id for worker in live_workers()} == {"me", "alive"}


def test_a_task_of_a_worker_that_never_registered_is_left_alone(me):
    by_db_worker = running_task("db_worker-1", started_ago=3600)

    assert recover_dead_workers(me) == []
    assert recover_task(by_db_worker) is False
    assert status(by_db_worker) == "RUNNING"


def test_staff_can_requeue_a_task_only_when_its_worker_is_dead(me):
    task_id = running_task(dead("dead"))

    assert recover_task(task_id) is True
    assert status(task_id) == "READY"
    assert recover_task(task_id) is False  # not RUNNING any more


def test_a_task_that_lost_too_many_workers_fails_with_worker_lost(me):
    workers = [f"dead-{n}" for n in range(1, MAX_LOST_WORKERS + 1)]
    task_id = running_task(*workers[:1])
    for attempt in range(1, len(workers) + 1):
        TaskRow.objects.filter(pk=task_id).update(status="RUNNING", worker_ids=workers[:attempt])
        dead(workers[attempt - 1])
        assert recover_dead_workers(me) == [task_id]

    result = say_hello.get_result(task_id)
    assert result.status == "FAILED"
    assert result.errors[0].exception_class_path == WORKER_LOST
    assert f"The worker {workers[-1]} died." in result.errors[0].traceback
    assert TaskAttempt.objects.filter(task_id=task_id).count() == MAX_LOST_WORKERS


def test_a_task_past_its_hard_time_limit_fails_instead_of_killing_another_worker(me, settings):
    settings.TASK_TIME_LIMIT_SECONDS = 1
    task_id = running_task(dead("dead"), started_ago=3600)

    assert recover_dead_workers(me) == [task_id]

    [error] = say_hello.get_result(task_id).errors
    assert error.exception_class_path.endswith("TimeLimitExceeded")
    assert "hard time limit of 1 s" in error.traceback


def test_a_task_that_cannot_be_loaded_fails_saying_why(me):
    task_id = running_task(dead("dead"))
    TaskRow.objects.filter(pk=task_id).update(task_path="gone.module.task")

    assert recover_dead_workers(me) == [task_id]

    row = TaskRow.objects.get(pk=task_id)
    assert (row.status, row.exception_class_path) == ("FAILED", "builtins.ModuleNotFoundError")


def test_the_worker_that_lost_its_task_cannot_overwrite_the_next_attempt(me):
    task_id = running_task(dead("stalled"))
    stale = TaskRow.objects.get(pk=task_id)  # what the stalled worker still holds
    recover_dead_workers(me)
    TaskRow.objects.filter(pk=task_id).update(
        status="RUNNING", started_at=timezone.now(), worker_ids=["stalled", "me"]
    )

    assert succeed(stale, "too late") is False

    row = TaskRow.objects.get(pk=task_id)
    assert (row.status, row.worker_ids, row.return_value) == ("RUNNING", ["stalled", "me"], None)


def test_finished_and_waiting_tasks_are_never_touched(me):
    waiting = say_hello.enqueue("Ada").id
    done = running_task(dead("dead"))
    TaskRow.objects.filter(pk=done).update(status="SUCCESSFUL")

    assert recover_dead_workers(me) == []
    assert (status(waiting), status(done)) == ("READY", "SUCCESSFUL")
