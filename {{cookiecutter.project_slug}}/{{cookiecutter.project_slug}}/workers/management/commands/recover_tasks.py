"""Put the RUNNING tasks of dead workers back to READY, once.

Every `heartbeat_db_worker` already does this on start and on a schedule; run
it by hand (or from cron) to see what it would find, e.g. after a host failed:

    python -m manage recover_tasks
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from ...recovery import recover_orphaned_tasks


class Command(BaseCommand):
    help = "Re-enqueue the RUNNING tasks of workers whose heartbeat is stale."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--stale-after",
            type=float,
            default=settings.WORKER_STALE_AFTER_SECONDS,
            help="Seconds without a heartbeat after which a worker is dead (default: %(default)s).",
        )

    def handle(self, *args: Any, stale_after: float, **options: Any) -> None:
        recovered = recover_orphaned_tasks(stale_after)
        self.stdout.write(f"Recovered {len(recovered)} task(s) of dead workers.")
        for task_id in recovered:
            self.stdout.write(f"  {task_id}")
