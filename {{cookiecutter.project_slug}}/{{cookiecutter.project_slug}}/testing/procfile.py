"""Read the Procfile's worker lines, so tests start the workers that production runs.

If the Procfile changes which queues a worker serves, tests that start workers
from it see the change.
"""

import re
import shlex
from pathlib import Path

from django.conf import settings

PROCFILE = Path(settings.BASE_DIR) / "Procfile"


def worker_queues(procfile: Path = PROCFILE) -> dict[str, list[str]]:
    """Each Procfile process that runs db_worker, with the queues it serves."""
    workers = {}
    for line in procfile.read_text().splitlines():
        match = re.match(r"^(\w+):\s*(.*)$", line)
        if not match or "db_worker" not in match[2]:
            continue
        args = shlex.split(match[2])
        queues = args[args.index("--queue-name") + 1] if "--queue-name" in args else "default"
        workers[match[1]] = queues.split(",")
    return workers
