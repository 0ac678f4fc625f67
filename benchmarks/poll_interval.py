"""Measurement 4: what a worker's poll interval buys: pickup latency.

Pickup latency is the time from enqueue to the worker starting the task, from
the database's own timestamps. No-op tasks are enqueued one at a time, at
moments spread evenly over the poll cycle (phases.py). What the interval costs is idle_load.py's.
"""

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from django.tasks import TaskResult
from django_tasks_db.models import DBTaskResult

from {{ cookiecutter.project_slug }}.testing.waiting import wait_until

from . import processes
from .phases import pauses
from .plans import Plan
from .tasks import noop

SLOW_INTERVAL = 0.5  # intervals from here on take fewer samples: each costs ~interval


def is_finished(result: TaskResult) -> bool:
    """Whether the task has finished, as the database says now."""
    result.refresh()
    return result.is_finished


def pickup_latencies(interval: float, tasks: int, logs: Path) -> list[float]:
    """Seconds from enqueue to start of `tasks` no-op tasks, for a worker polling every interval."""
    DBTaskResult.objects.filter(queue_name="bench").delete()
    poller = processes.worker(f"pickup-{interval:g}", ["bench"], interval=interval, logs=logs)
    latencies = []
    with processes.running([poller]):
        for pause in pauses(tasks, interval, seed=4):
            time.sleep(pause)  # this task's moment of the poll cycle
            result = noop.enqueue()
            wait_until(
                partial(is_finished, result),
                timeout=30 + 2 * interval,
                waiting_for=f"a worker polling every {interval:g} s to run a no-op task",
                poll=0.005,
            )
            task = DBTaskResult.objects.get(pk=result.id)
            latencies.append((task.started_at - task.enqueued_at).total_seconds())
    return latencies


def measure(plan: Plan, logs: Path, progress: Callable[[str], None]) -> dict[str, list[float]]:
    """Pickup latencies in seconds, by poll interval."""
    pickups = {}
    for interval in plan.intervals:
        tasks = plan.slow_pickups if interval >= SLOW_INTERVAL else plan.pickups
        pickups[f"{interval:g}"] = pickup_latencies(interval, tasks, logs)
        progress(f"pickup latency, --interval {interval:g}: {tasks} tasks")
    return pickups
