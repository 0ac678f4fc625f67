"""The Procfile's lines, read the way honcho reads them, for tests that start its processes.

If the Procfile changes which queues a worker serves or how it is started, the
tests that start workers from it, and the settings invariants, see the change.
"""

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

PROCFILE = Path(settings.BASE_DIR) / "Procfile"
LINE = re.compile(r"^(?P<name>[\w-]+):\s*(?P<command>.+)$")


@dataclass(frozen=True)
class Process:
    """One line of the Procfile: a name and the shell command honcho runs for it."""

    name: str
    command: str

    @property
    def queues(self) -> list[str]:
        """The queues a worker line serves (`--queue-name`, db_worker's default otherwise)."""
        args = shlex.split(self.command)
        if "--queue-name" not in args:
            return ["default"]
        return args[args.index("--queue-name") + 1].split(",")

    @property
    def is_worker(self) -> bool:
        return " manage worker " in f" {self.command} "


def processes(procfile: Path = PROCFILE) -> dict[str, Process]:
    """Every line of the Procfile, by name."""
    lines = (LINE.match(line) for line in procfile.read_text().splitlines())
    return {m["name"]: Process(m["name"], m["command"]) for m in lines if m}


def workers(procfile: Path = PROCFILE) -> dict[str, Process]:
    """The Procfile's worker lines, by name."""
    return {name: line for name, line in processes(procfile).items() if line.is_worker}
