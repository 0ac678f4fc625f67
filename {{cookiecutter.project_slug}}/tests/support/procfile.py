"""The Procfile's lines, read as honcho reads them: the tests start what production starts,
and the settings invariants check the queues its workers serve."""

import shlex
from dataclasses import dataclass
{% if cookiecutter.backend == "rq" -%}
from itertools import takewhile
{% endif -%}
from pathlib import Path

from django.conf import settings
from honcho.environ import parse_procfile

PROCFILE = Path(settings.BASE_DIR) / "Procfile"


@dataclass(frozen=True)
class Process:
    """One line of the Procfile: a name and the shell command honcho runs for it."""

    name: str
    command: str
{% if cookiecutter.backend == "rq" %}
    @property
    def queues(self) -> list[str]:
        """The queues a worker line serves: rqworker's arguments before its options."""
        args = shlex.split(self.command)
        after = args[args.index("rqworker") + 1 :]
        return list(takewhile(lambda arg: not arg.startswith("-"), after)) or ["default"]

    @property
    def is_worker(self) -> bool:
        return " manage rqworker " in f" {self.command} "
{%- else %}
    @property
    def queues(self) -> list[str]:
        """The queues a worker line serves (`--queue-name`, db_worker's default otherwise)."""
        args = shlex.split(self.command)
        if "--queue-name" not in args:
            return ["default"]
        return args[args.index("--queue-name") + 1].split(",")

    @property
    def is_worker(self) -> bool:
        """The project's worker, or django-tasks-db's (the tutorial's Procfile until part 9)."""
        words = f" {self.command} "
        return " manage worker " in words or " manage db_worker " in words
{%- endif %}


def processes(procfile: Path = PROCFILE) -> dict[str, Process]:
    parsed = parse_procfile(procfile.read_text()).processes
    return {name: Process(name, command) for name, command in parsed.items()}


def workers(procfile: Path = PROCFILE) -> dict[str, Process]:
    return {name: line for name, line in processes(procfile).items() if line.is_worker}
