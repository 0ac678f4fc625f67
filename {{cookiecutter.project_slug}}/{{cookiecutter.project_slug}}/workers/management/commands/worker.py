"""Run a worker: django-tasks-db's `db_worker`, made exact, woken, time-limited and retried.

    python -m manage worker --queue-name emails --worker-id "emails@$(hostname)"

Takes db_worker's options. What it adds is in worker.py. It never reloads on code changes (a
reload would kill the running task), and it exits non-zero if its database goes away, for its
supervisor to restart it.
"""

from argparse import ArgumentParser, BooleanOptionalAction
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError

from ... import taskdb
from ...models import unique_worker_id
from ...ownership import Ownership
from ...wakeup import Wakeup
from ...worker import Worker


class Command(taskdb.DBWorkerCommand):
    help = "Run a worker: woken when a task is ready, time-limited, retried; exact recovery."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--wakeup",
            action=BooleanOptionalAction,
            default=True,
            help="Wake up when a task is ready, polling only every --interval s (default: on).",
        )
        parser.set_defaults(interval=settings.WORKER_POLL_SECONDS, reload=False)
        # Tell the truth about the two db_worker options this worker does not follow.
        notes = {
            "reload": "Refused: a reload would kill the running task. Restart the worker instead.",
            "startup_delay": "Accepted, and the default: a woken worker needs no delay at start.",
        }
        for action in parser._actions:
            action.help = notes.get(action.dest, action.help)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reload"]:
            raise CommandError("A worker does not reload: it would kill its running task.")
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker_id = unique_worker_id(options["worker_id"])
        with (
            Ownership(worker_id, queues=options["queue_name"]) as ownership,
            Wakeup(queue_names, ownership, enabled=options["wakeup"]) as wakeup,
        ):
            worker = Worker(
                queue_names=queue_names,
                excluded_queue_names=excluded,
                interval=options["interval"],
                batch=options["batch"],
                backend_name=options["backend_name"],
                # db_worker sleeps up to a second at start, so that workers started
                # together do not poll in step; woken workers have no such steps.
                startup_delay=False,
                max_tasks=options["max_tasks"],
                worker_id=worker_id,
                ownership=ownership,
                wakeup=wakeup,
            )
            worker.configure_signals()
            worker.run()
