"""@cron's schedules: crontab strings, a seconds field for tests, days of the week by name."""

from datetime import UTC, datetime

import pytest
from apscheduler.triggers.cron import CronTrigger

from ..cron import trigger


def test_a_crontab_goes_to_crontask_as_it_is():
    assert trigger("0 3 1 * *") == "0 3 1 * *"


def test_a_leading_seconds_field_fires_within_the_minute():
    every_two_seconds = trigger("*/2 * * * * *")
    assert isinstance(every_two_seconds, CronTrigger)
    now = datetime(2026, 11, 1, 3, 0, 1, tzinfo=UTC)
    assert every_two_seconds.get_next_fire_time(None, now) == now.replace(second=2)


@pytest.mark.parametrize("expression", ["0 9 * * 1", "0 9 * * 1-5", "0 0 9 * * 0"])
def test_days_of_the_week_must_be_names(expression):
    # APScheduler counts days from Monday, cron from Sunday: a number would mislead.
    with pytest.raises(ValueError, match="name the days of the week"):
        trigger(expression)
    assert trigger(expression.rsplit(" ", 1)[0] + " Mon-Fri")


@pytest.mark.parametrize("expression", ["", "0 3 1 *", "0 0 3 1 * * 2026"])
def test_a_schedule_has_five_or_six_fields(expression):
    with pytest.raises(ValueError, match="a schedule is a crontab"):
        trigger(expression)
