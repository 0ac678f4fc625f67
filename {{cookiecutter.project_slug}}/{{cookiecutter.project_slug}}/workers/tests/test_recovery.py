"""Which RUNNING tasks count as orphaned, and what recovery does with them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ...hello.tasks import say_hello
from ..models import TaskAttempt, WorkerHeartbeat
from ..recovery import MAX_LOST_WORKERS, WorkerLost, recover_orphaned_tasks
from ..taskdb import TaskRow

STALE_AFTER = 5.0
WORKER_LOST = f"{WorkerLost.__module__}.WorkerLost"

pytestmark = pytest.mark.django_db


def running_task(*worker_ids: str, started_ago: float = 60) -> str:
    """A task RUNNING on the last of `worker_ids` since `started_ago` seconds."""
    task_id = say_hello.enqueue("Ada").id
    TaskRow.objects.filter(pk=task_id).update(
        status="RUNNING",
        started_at=timezone.now() - timedelta(seconds=started_ago),
        worker_ids=list(worker_ids),
    )
    return task_id


def heartbeat(worker_id: str, seen_ago: float) -> None:
    """A worker whose last heartbeat was `seen_ago` seconds ago."""
    seen = timezone.now() - timedelta(seconds=seen_ago)
    WorkerHeartbeat.objects.create(
        worker_id=worker_id, queues="default", started_at=seen, last_seen_at=seen
    )


def status(task_id: str) -> str:
    return say_hello.get_result(task_id).status


def test_the_task_of_a_worker_that_stopped_beating_is_ready_again():
    heartbeat("dead", seen_ago=STALE_AFTER + 5)
    task_id = running_task("dead")

    assert recover_orphaned_tasks(STALE_AFTER) == [task_id]

    assert status(task_id) == "READY"
    assert say_hello.get_result(task_id).worker_ids == ["dead"]  # its history stays
    [lost] = TaskAttempt.objects.filter(task_id=task_id)
    assert (lost.number, lost.worker_id, lost.error) == (1, "dead", WORKER_LOST)
    assert not WorkerHeartbeat.objects.exists()  # the dead worker is forgotten


def test_the_tasks_of_live_workers_and_tasks_just_started_are_left_alone():
    heartbeat("alive", seen_ago=1)
    long_running = running_task("dead", "alive", started_ago=3600)  # its second attempt
    just_started = running_task("unknown", started_ago=1)

    assert recover_orphaned_tasks(STALE_AFTER) == []
    assert status(long_running) == status(just_started) == "RUNNING"


def test_a_task_that_lost_too_many_workers_fails_with_worker_lost():
    workers = [f"dead-{n}" for n in range(1, MAX_LOST_WORKERS + 1)]
    task_id = running_task(*workers[:1])
    for attempt in range(1, len(workers) + 1):
        TaskRow.objects.filter(pk=task_id).update(status="RUNNING", worker_ids=workers[:attempt])
        assert recover_orphaned_tasks(STALE_AFTER) == [task_id]

    result = say_hello.get_result(task_id)
    assert result.status == "FAILED"
    assert result.errors[0].exception_class_path == WORKER_LOST
    assert f"({workers[-1]}) stopped beating" in result.errors[0].traceback
    assert TaskAttempt.objects.filter(task_id=task_id).count() == MAX_LOST_WORKERS


def test_finished_and_waiting_tasks_are_never_touched():
    waiting = say_hello.enqueue("Ada").id
    done = running_task("dead")
    TaskRow.objects.filter(pk=done).update(status="SUCCESSFUL")

    assert recover_orphaned_tasks(STALE_AFTER) == []
    assert (status(waiting), status(done)) == ("READY", "SUCCESSFUL")
