"""Background tasks of the scheduling app."""

from dataclasses import asdict

from django.conf import settings
from django.tasks import task

from . import pruning
from .cron import cron


@cron(settings.TASK_RESULTS_PRUNE_CRON)
@task(queue_name="default")
def prune_task_results() -> dict[str, int]:
    """Every night: delete the results finished over TASK_RESULTS_MAX_AGE_DAYS ago.

    On every queue, with the project's rows about those tasks (pruning.py).
    Returns how many of those rows went. A night the scheduler missed is made
    up the next night: it prunes everything old enough, whenever it runs.
    """
    return asdict(pruning.prune_task_results(settings.TASK_RESULTS_MAX_AGE_DAYS))
