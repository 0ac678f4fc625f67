"""`db_worker` with a heartbeat, so that a dead worker's task runs again.

    python -m manage heartbeat_db_worker --queue-name emails --worker-id "emails@$(hostname)"

Takes every option of django-tasks-db's `db_worker` and behaves the same,
SIGTERM included (the running task finishes, then the worker exits). In
addition it:

- makes the worker id unique per process (`emails@web-1:4242:x7Kq2b`, see
  heartbeat.unique_worker_id), so processes started from one Procfile line
  never share a heartbeat;
- beats every WORKER_HEARTBEAT_SECONDS while the worker runs;
- on start and every WORKER_STALE_AFTER_SECONDS, puts the RUNNING tasks of
  workers silent for longer than that back to READY (see recovery.py).

If the worker's loop fails (its database went away for good, say), the
command exits non-zero so that the process supervisor restarts it.
"""

import os
from typing import Any

from django.conf import settings
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from ...heartbeat import Heartbeat, unique_worker_id


class Command(db_worker.Command):
    help = "Run db_worker with a heartbeat; recover the tasks of workers that died."

    def handle(self, *args: Any, worker_id: str, queue_name: str, **options: Any) -> None:
        if options["reload"] and not options["batch"] and not in_reloaded_child():
            # This process only watches files and restarts a child that runs the tasks
            # (and beats): with DEBUG on, --reload is db_worker's default.
            super().handle(*args, worker_id=worker_id, queue_name=queue_name, **options)
            return
        worker_id = unique_worker_id(worker_id)
        heartbeat = Heartbeat(
            worker_id,
            queues=queue_name,
            interval=settings.WORKER_HEARTBEAT_SECONDS,
            stale_after=settings.WORKER_STALE_AFTER_SECONDS,
        )
        with heartbeat:
            super().handle(*args, worker_id=worker_id, queue_name=queue_name, **options)


def in_reloaded_child() -> bool:
    """Whether this is the process Django's autoreloader started (and restarts)."""
    return os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
