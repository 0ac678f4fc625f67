"""A tick missed while no scheduler ran is made up once, at the next start."""

from datetime import UTC, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger
from django.utils import timezone

from ..missed import record_run, was_missed
from ..models import ScheduledRun

pytestmark = pytest.mark.django_db

NIGHTLY = CronTrigger(hour=3, minute=0, timezone=UTC)


def test_a_task_first_seen_has_missed_nothing():
    assert was_missed("nightly", NIGHTLY) is False


def test_a_night_without_a_scheduler_is_made_up_once():
    ScheduledRun.objects.create(name="nightly", last_enqueued_at=timezone.now() - timedelta(days=2))

    assert was_missed("nightly", NIGHTLY) is True
    record_run("nightly")  # what the scheduler does once it has enqueued it
    assert was_missed("nightly", NIGHTLY) is False
