"""A worker's heartbeat row: unique per process, there while it runs, gone when it stops."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from ..heartbeat import Heartbeat, unique_worker_id
from ..models import WorkerHeartbeat
from .test_recovery import heartbeat, running_task, status

pytestmark = pytest.mark.django_db


def idle_heartbeat(worker_id: str = "emails@host:1:abcdef") -> Heartbeat:
    """A heartbeat whose thread would not beat again during a test."""
    return Heartbeat(worker_id, queues="emails", interval=60, stale_after=300)


def test_worker_ids_name_the_process_and_differ_between_starts():
    first, second = unique_worker_id("emails@web-1"), unique_worker_id("emails@web-1")
    assert first.startswith(f"emails@web-1:{os.getpid()}:")
    assert first != second


def test_a_long_worker_name_is_shortened_to_64_characters():
    worker_id = unique_worker_id("emails@" + "a-very-long-hostname." * 5)
    assert len(worker_id) == 64
    assert worker_id.startswith("emails@a-very-long-hostname.")


def test_the_row_exists_while_the_worker_runs_and_goes_when_it_stops():
    with idle_heartbeat("emails@host:1:abcdef"):
        row = WorkerHeartbeat.objects.get()
        assert row.worker_id == "emails@host:1:abcdef"
        assert row.queues == "emails"
        assert abs(row.last_seen_at - timezone.now()) < timedelta(seconds=5)
    assert not WorkerHeartbeat.objects.exists()


def test_a_beat_writes_the_row_again_if_a_recovery_forgot_it():
    with idle_heartbeat() as beating:
        WorkerHeartbeat.objects.all().delete()  # as if this worker had been paused too long
        beating.beat()
        assert WorkerHeartbeat.objects.filter(worker_id=beating.worker_id).exists()


def test_a_starting_worker_recovers_the_tasks_of_dead_ones():
    heartbeat("dead", seen_ago=3600)
    task_id = running_task("dead", started_ago=3600)
    with idle_heartbeat():
        assert status(task_id) == "READY"


def test_staleness_must_leave_room_for_missed_beats():
    with pytest.raises(ValueError, match="two heartbeat intervals"):
        Heartbeat("w", queues="emails", interval=1, stale_after=2)
