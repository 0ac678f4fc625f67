"""The RQ backend beside the database one, in one run: the RQ bake's own parts, in the lab.

A bake holds one task backend. To compare both side by side, taking turns in one
process, `nox -s bench` also bakes the template with `backend=rq` (and the same
database) and points LAB_RQ_BAKE at it; RQ's packages go into the database bake's
environment (requirements-rq.txt: the versions the RQ bake's lock pins). From the
RQ bake the lab takes, unchanged:

- its backend, job and worker classes (workers/rq.py), importable under the name its
  Procfile and settings give them, `tasks_demo.workers.rq`: `install()` adds that one
  module to the database bake's `workers` package (it imports only policies.py
  beside it, one file in both bakes);
- its RQ settings (RQ, RQ_JOB_MONITORING_SECONDS, RQ_MAINTENANCE_SECONDS), read from
  its config/settings/base.py;
- its Procfile's `emails` line, given the lab's queue.

Its jobs live in the Redis database of LAB_REDIS_URL, which must be empty when the
lab starts (two runs must not share one) and which the lab empties when done.
"""

import importlib.abc
import importlib.util
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

PROJECT = "tasks_demo"
MODULE = f"{PROJECT}.workers.rq"
REDIS_URL = os.environ.get("LAB_REDIS_URL", "redis://127.0.0.1:6379/15")
SETTINGS = ("RQ", "RQ_JOB_MONITORING_SECONDS", "RQ_MAINTENANCE_SECONDS")


def configured() -> Path | None:
    """The RQ bake LAB_RQ_BAKE names, if there is one and RQ's packages are installed."""
    path = os.environ.get("LAB_RQ_BAKE")
    if not path or importlib.util.find_spec("django_rq") is None:
        return None
    bake = Path(path)
    if not (bake / PROJECT / "workers" / "rq.py").is_file():
        raise RuntimeError(f"LAB_RQ_BAKE={path} is not a bake of the template with backend=rq.")
    return bake


class _RQModuleFinder(importlib.abc.MetaPathFinder):
    """Finds `tasks_demo.workers.rq` in the RQ bake, and nothing else."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def find_spec(self, name: str, path: object, target: object = None):  # type: ignore[no-untyped-def]
        if name != MODULE:
            return None
        return importlib.util.spec_from_file_location(name, self.path)


def install(bake: Path) -> None:
    """Make the RQ bake's workers/rq.py importable as `tasks_demo.workers.rq` (once)."""
    if not any(isinstance(finder, _RQModuleFinder) for finder in sys.meta_path):
        sys.meta_path.append(_RQModuleFinder(bake / PROJECT / "workers" / "rq.py"))


def settings_of(bake: Path) -> dict[str, object]:
    """The RQ bake's own RQ settings, from its config/settings/base.py (imported as a module
    of its settings package, under another name, since it imports its siblings: tasks.py)."""
    folder = bake / "config" / "settings"
    spec = importlib.util.spec_from_file_location(
        "lab_rq_bake_settings", folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    assert spec and spec.loader
    package: ModuleType = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = package
    spec.loader.exec_module(package)
    module = importlib.import_module(f"{spec.name}.base")
    return {name: getattr(module, name) for name in SETTINGS}


def worker_command(bake: Path, queue: str) -> str:
    """The RQ bake's Procfile `emails` line, working `queue` instead of `emails`."""
    for line in (bake / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name == "emails" and not line.startswith("#"):
            if " rqworker emails " not in command:
                raise RuntimeError(f"The RQ bake's emails line is not an rqworker: {command}")
            return command.strip().replace(" rqworker emails ", f" rqworker {queue} ", 1)
    raise RuntimeError(f"No emails line in {bake / 'Procfile'}")


@contextmanager
def empty_redis() -> Iterator[object]:
    """The lab's Redis database (LAB_REDIS_URL), empty; emptied again at the end."""
    from redis import Redis

    connection = Redis.from_url(REDIS_URL)
    if keys := connection.dbsize():
        raise RuntimeError(
            f"The Redis database of LAB_REDIS_URL ({REDIS_URL}) holds {keys} keys: the lab "
            "needs one of its own (it empties it when done). Point LAB_REDIS_URL at another."
        )
    try:
        yield connection
    finally:
        connection.flushdb()
        connection.close()
