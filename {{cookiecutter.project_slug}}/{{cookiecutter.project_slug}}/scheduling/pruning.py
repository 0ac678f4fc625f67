"""Delete old finished task results, and the project's own rows about those tasks.

django-tasks-db keeps every task's result until something deletes it: its
table grows forever. Its own command, `prune_db_task_results`, deletes the
finished results older than some days (called here by name, for every queue:
by default it prunes only `default`). This project also keeps rows keyed by
task id (taskstatus's OwnedTask: whose task it is; workers' TaskAttempt: its
failed attempts). Those of pruned tasks are deleted next, so a pruned task's
status page answers 404 and no row refers to a task that is gone. Heartbeats
of dead workers are deleted by crash recovery already; a Report keeps its CSV.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.management import call_command
from django.db.models import QuerySet
from django.utils import timezone

from ..taskstatus.models import OwnedTask
from ..workers import taskdb
from ..workers.models import TaskAttempt

BATCH_SIZE = 500  # rows checked and deleted per query: short transactions, bounded memory


@dataclass(frozen=True)
class Pruned:
    """How many of the project's rows about pruned tasks were deleted."""

    owned_tasks: int
    attempts: int


def prune_task_results(min_age_days: int) -> Pruned:
    """Delete the results finished over `min_age_days` ago on every queue, and their rows."""
    # As on the command line, so that django-tasks-db checks the arguments itself.
    call_command("prune_db_task_results", "--queue-name", "*", "--min-age-days", str(min_age_days))
    # Only rows as old as a pruned task can refer to one; newer ones need no look.
    cutoff = timezone.now() - timedelta(days=min_age_days)
    return Pruned(
        owned_tasks=delete_orphans(OwnedTask.objects.filter(enqueued_at__lt=cutoff)),
        attempts=delete_orphans(TaskAttempt.objects.filter(finished_at__lt=cutoff)),
    )


def delete_orphans(rows: QuerySet[OwnedTask] | QuerySet[TaskAttempt]) -> int:
    """Delete those of `rows` whose task has no result any more, a batch at a time."""
    deleted, after = 0, 0
    while batch := list(
        rows.filter(pk__gt=after).order_by("pk").values_list("pk", "task_id")[:BATCH_SIZE]
    ):
        after = batch[-1][0]
        existing = taskdb.existing(task_id for _, task_id in batch)
        gone = [pk for pk, task_id in batch if task_id not in existing]
        if gone:
            deleted += rows.model.objects.filter(pk__in=gone).delete()[0]
    return deleted
