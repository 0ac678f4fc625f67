"""The project's defaults the benchmarks measure: read from the Procfile and the settings.

When the Procfile's `--interval`, its worker command, or CONN_MAX_AGE changes,
the next run measures the new value; nothing here repeats them.
"""

from dataclasses import dataclass

from django.conf import settings

from {{ cookiecutter.project_slug }}.testing.procfile import worker_command, worker_lines

DB_WORKER_DEFAULT_INTERVAL = 1.0  # db_worker's own default, when a line gives none


@dataclass(frozen=True)
class ProcfileWorker:
    name: str
    command: str  # db_worker, or the command built on it that the Procfile runs
    queues: list[str]
    interval: float


def procfile_workers() -> list[ProcfileWorker]:
    """Each worker line of the Procfile: its command, queues and poll interval."""
    workers = []
    for name, args in worker_lines().items():
        queues = args[args.index("--queue-name") + 1] if "--queue-name" in args else "default"
        interval = DB_WORKER_DEFAULT_INTERVAL
        if "--interval" in args:
            interval = float(args[args.index("--interval") + 1])
        workers.append(ProcfileWorker(name, worker_command(name), queues.split(","), interval))
    return workers


def worker_of(queue: str) -> ProcfileWorker:
    """The Procfile worker serving `queue`."""
    for worker in procfile_workers():
        if queue in worker.queues:
            return worker
    raise LookupError(f"No Procfile worker serves the {queue!r} queue.")


def conn_max_age() -> int:
    """The project's CONN_MAX_AGE (config/settings/base.py, or the environment)."""
    return settings.DATABASES["default"]["CONN_MAX_AGE"]
