"""Start db_worker processes for a measurement (`running()` stops them after it).

The workers are the end-to-end tests' (testing/workers.py): real `python -m
manage ...` processes running the command the Procfile runs, here with the
benchmark's settings.
"""

from collections.abc import Mapping, Sequence
from pathlib import Path

from {{ cookiecutter.project_slug }}.testing.workers import WorkerProcess, running

from .defaults import worker_of

__all__ = ["running", "worker"]  # running(): the same start-and-stop the end-to-end tests use

SETTINGS = "bench.settings"


def worker(
    name: str,
    queues: Sequence[str],
    *,
    interval: float,
    logs: Path,
    env: Mapping[str, str] | None = None,
    command: str | None = None,
) -> WorkerProcess:
    """A worker serving `queues`, polling every `interval` s, logging to logs/<name>.log.

    It runs `command`, by default the Procfile's (that of its `emails` worker).
    """
    return WorkerProcess(
        queues,
        worker_id=f"bench-{name}",
        settings=SETTINGS,
        env=env,
        interval=interval,
        log_path=logs / f"{name}.log",
        management_command=command or worker_of("emails").command,
        # The project's checks passed long before; a worker that starts sooner
        # keeps the benchmark short, and does not change what it measures.
        extra_args=["--skip-checks"],
    )
