"""The workers compared, each on a queue of its own so that it only ever runs its own tasks.

- polling: django-tasks-db's own `db_worker`, polling every 0.05 s, the
  `emails` worker's interval before workers were woken up;
- woken: the project's worker exactly as the Procfile's `emails` line runs it
  (`python -m manage worker`, every setting at its default), on its own queue;
- psql (PostgreSQL): django-task-psql's worker, woken by LISTEN/NOTIFY;
- ox (PostgreSQL): django-ox's worker, with a lease on each task it runs;
- rq (with the RQ bake, rqbake.py): RQ's worker exactly as the RQ bake's
  Procfile `emails` line runs it (django-rq's `rqworker` with the project's job
  and worker classes), on a queue of its own.

`side_by_side()` starts several of them at once, as the wake-up and idle
measurements compare them.

Every worker here starts with --skip-checks: the bake's checks passed long
before, and a worker that starts sooner keeps the lab short without changing
what it measures.
"""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from tests.support.workers import running

from . import processes, rqbake
from .databases import Database

POLL_INTERVAL = "0.05"


@dataclass(frozen=True)
class Candidate:
    key: str
    label: str
    queue: str
    command: str  # the Procfile line's name, or a command
    args: tuple[str, ...]
    ready: str = processes.STARTED
    env: Mapping[str, str] = field(default_factory=dict)

    def worker(
        self, logs: Path, *, number: int = 1, env: Mapping[str, str] | None = None
    ) -> processes.Worker:
        """A process of this worker, logging to logs/<key>-<number>.log."""
        return processes.worker(
            f"{self.key}-{number}",
            self.command,
            logs=logs,
            args=[*self.args, "--skip-checks"],
            env={**self.env, **(env or {})},
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


# What RQ's worker logs once it waits for jobs.
RQ_READY = r"\*\*\* Listening on"


def rq(queue: str = "lab-rq") -> Candidate:
    """RQ's worker of the RQ bake's Procfile, on `queue` (settings.RQ_LAB_QUEUES)."""
    command = rqbake.worker_command(settings.RQ_BAKE, queue)
    return Candidate(f"rq-{queue}", "rqworker (RQ backend)", queue, command, (), ready=RQ_READY)


def with_rq() -> bool:
    """Whether the lab has the RQ bake's backend (rqbake.py)."""
    return bool(getattr(settings, "RQ_BAKE", None))


def references() -> bool:
    """Whether the references are installed and configured (PostgreSQL only)."""
    return bool(settings.REFERENCES)


def compared() -> list[Candidate]:
    """The workers the wake-up and idle measurements compare, side by side."""
    return [POLLING, WOKEN, *([PSQL] if references() else [])]


@dataclass(frozen=True)
class Contender:
    """A worker compared, running: its process, and the database it serves."""

    candidate: Candidate
    worker: processes.Worker
    home: Database


@contextmanager
def side_by_side(
    candidates: Sequence[Candidate], database: Database, logs: Path, *, counting: bool = True
) -> Iterator[dict[str, Contender]]:
    """Start a worker of each candidate, all at once, each reporting its statements unless not
    `counting` (a datagram per statement costs CPU too); by key.

    On SQLite each serves a copy of the database: their claims would otherwise
    queue for the file's one write lock, and the woken worker would wake at the
    others' commits. On PostgreSQL they share one: each claims its own queue's
    rows (SKIP LOCKED) and listens only for its own queue's notifications.
    """
    with ExitStack() as stack:
        contenders = {}
        for number, candidate in enumerate(candidates, start=1):
            home = database
            if database.vendor == "sqlite":
                home = stack.enter_context(database.clone(f"{logs.name}-{candidate.key}"))
            env = {**home.env, **({"LAB_COUNT_STATEMENTS": "1"} if counting else {})}
            worker = candidate.worker(logs, number=number, env=env)
            contenders[candidate.key] = Contender(candidate, worker, home)
        stack.enter_context(running([contender.worker for contender in contenders.values()]))
        yield contenders
