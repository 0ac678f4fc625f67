"""Read the Procfile's worker lines, so tests start the workers that production runs.

If the Procfile changes which queues a worker serves, or which command runs it,
tests that start workers from it see the change.
"""

import re
import shlex
from pathlib import Path

from django.conf import settings

PROCFILE = Path(settings.BASE_DIR) / "Procfile"


def worker_lines(procfile: Path = PROCFILE) -> dict[str, list[str]]:
    """Each Procfile process that runs a db_worker command, with its command line split."""
    workers = {}
    for line in procfile.read_text().splitlines():
        match = re.match(r"^(\w+):\s*(.*)$", line)
        if match and "db_worker" in match[2]:
            workers[match[1]] = shlex.split(match[2])
    return workers


def worker_queues(procfile: Path = PROCFILE) -> dict[str, list[str]]:
    """Each Procfile process that runs a db_worker command, with the queues it serves."""
    workers = {}
    for name, args in worker_lines(procfile).items():
        queues = args[args.index("--queue-name") + 1] if "--queue-name" in args else "default"
        workers[name] = queues.split(",")
    return workers


def worker_command(name: str, procfile: Path = PROCFILE) -> str:
    """The management command Procfile process `name` runs: db_worker or one built on it."""
    return next(arg for arg in worker_lines(procfile)[name] if arg.endswith("db_worker"))
