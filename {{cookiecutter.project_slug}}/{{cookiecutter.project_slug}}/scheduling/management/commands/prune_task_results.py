"""Prune old finished task results, and the project's rows about them, now.

    python -m manage prune_task_results --min-age-days 14

The scheduler runs the same every night (TASK_RESULTS_PRUNE_CRON), on every
queue, with TASK_RESULTS_MAX_AGE_DAYS; this runs it once, in this process.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from ...pruning import prune_task_results


class Command(BaseCommand):
    help = (
        "Delete the task results of every queue that finished over --min-age-days ago, "
        "with the task owners and failed attempts recorded for them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--min-age-days",
            type=int,
            default=settings.TASK_RESULTS_MAX_AGE_DAYS,
            help="Prune results finished at least this many days ago (default: %(default)s).",
        )

    def handle(self, *args: Any, min_age_days: int, verbosity: int, **options: Any) -> None:
        pruned = prune_task_results(min_age_days)
        if verbosity:
            self.stdout.write(
                f"Deleted the records of pruned tasks: {pruned.owned_tasks} task owner(s), "
                f"{pruned.attempts} failed attempt(s)."
            )
