"""Put the RUNNING tasks of dead workers back to READY, once.

Every worker already does this at each heartbeat; run it by hand to see what
it finds, e.g. when no worker of a dead host's queues is running:

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
