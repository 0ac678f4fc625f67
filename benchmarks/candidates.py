"""The workers compared, each on a queue of its own so that it only ever runs its own tasks.

- polling: django-tasks-db's own `db_worker`, polling every 0.05 s, the
  `emails` worker's interval before workers were woken up;
- woken: the project's worker exactly as the Procfile's `emails` line runs it
  (`python -m manage worker`, every setting at its default), on its own queue;
- psql (PostgreSQL): django-task-psql's worker, woken by LISTEN/NOTIFY;
- ox (PostgreSQL): django-ox's worker, with a lease on each task it runs.

Every worker here starts with --skip-checks: the bake's checks passed long
before, and a worker that starts sooner keeps the lab short without changing
what it measures.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from . import processes

POLL_INTERVAL = "0.05"


@dataclass(frozen=True)
class Candidate:
    key: str
    label: str
    queue: str
    command: str  # the Procfile line's name, or a command
    args: tuple[str, ...]
    ready: str = processes.STARTED

    def worker(
        self, logs: Path, *, number: int = 1, env: Mapping[str, str] | None = None
    ) -> processes.Worker:
        """A process of this worker, logging to logs/<key>-<number>.log."""
        return processes.worker(
            f"{self.key}-{number}",
            self.command,
            logs=logs,
            args=[*self.args, "--skip-checks"],
            env=env,
            ready=self.ready,
        )


POLLING = Candidate(
    "polling",
    f"db_worker --interval {POLL_INTERVAL}",
    "lab-polling",
    "python -m manage db_worker",
    ("--queue-name", "lab-polling", "--interval", POLL_INTERVAL, "--no-reload",
     "--no-startup-delay", "--worker-id", "polling"),
)  # fmt: skip
WOKEN = Candidate(
    "woken", "worker (project defaults)", "lab-woken", "emails", ("--queue-name", "lab-woken")
)
PSQL = Candidate(
    "psql",
    "django-task-psql",
    "lab-psql",
    "python -m manage runworker",
    ("--backend", "psql", "--queues", "lab-psql"),
    ready="worker ready",
)
OX = Candidate(
    "ox",
    "django-ox",
    "lab-ox",
    "python -m manage ox_worker",
    ("--backend", "ox", "--queues", "lab-ox"),
    ready=r"Worker \S+ starting",
)


def references() -> bool:
    """Whether the references are installed and configured (PostgreSQL only)."""
    return bool(settings.REFERENCES)
