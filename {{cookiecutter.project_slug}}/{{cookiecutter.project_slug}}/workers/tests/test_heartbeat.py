"""A worker's heartbeat row: unique per process, there while it runs, gone when it stops."""

import os

import pytest
from django.db.models.functions import Now

from ..heartbeat import Heartbeat, unique_worker_id
from ..models import WorkerHeartbeat
from .test_recovery import heartbeat, running_task, status

pytestmark = pytest.mark.django_db


def idle_heartbeat(worker_id: str = "emails@host:1:abcdef") -> Heartbeat:
    """A heartbeat whose thread would not beat again during a test."""
    return Heartbeat(worker_id, queues="emails", interval=60, stale_after=300)


def test_worker_ids_name_the_process_differ_between_starts_and_fit_in_64_characters():
    first, second = unique_worker_id("emails@web-1"), unique_worker_id("emails@web-1")
    assert first.startswith(f"emails@web-1:{os.getpid()}:") and first != second
    assert len(unique_worker_id("emails@" + "a-very-long-hostname." * 5)) == 64


def test_the_row_exists_while_the_worker_runs_and_goes_when_it_stops():
    with idle_heartbeat() as beating:
        assert WorkerHeartbeat.objects.filter(worker_id=beating.worker_id, queues="emails").exists()
        WorkerHeartbeat.objects.all().delete()  # as if a recovery forgot a paused worker
        beating.beat()
        assert WorkerHeartbeat.objects.filter(last_seen_at__lte=Now()).count() == 1
    assert not WorkerHeartbeat.objects.exists()


def test_a_starting_worker_recovers_the_tasks_of_dead_ones():
    heartbeat("dead", seen_ago=3600)
    task_id = running_task("dead", started_ago=3600)
    with idle_heartbeat():
        assert status(task_id) == "READY"


def test_staleness_must_leave_room_for_missed_beats():
    with pytest.raises(ValueError, match="two heartbeat intervals"):
        Heartbeat("w", queues="emails", interval=1, stale_after=2)
