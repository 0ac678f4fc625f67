"""Take every measurement in the bake the lab runs in; write the samples to a JSON file.

    python -m benchmarks measure --plan full --json sqlite.json

A bake is made for one database, so this measures that one: `nox -s bench`
runs it in a SQLite bake and in a PostgreSQL bake, then `python -m benchmarks
report` puts the two side by side. A bake is made for one task backend too: given
an RQ bake of the same database (LAB_RQ_BAKE, rqbake.py), the `backends`
measurement runs its RQ backend beside the database backend, in the same run.
"""

import contextlib
import datetime
import importlib.metadata
import os
import platform
import shutil
import signal
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import django

from . import rqbake
from .plans import Plan
from .probes import Probe
from .smtp import TimedSMTPServer

# fmt: off
MEASUREMENTS = ("request_cost", "wakeup", "idle", "recovery", "isolation", "throughput",
                "monitoring", "backends")
# fmt: on
PACKAGES = (
    "django",
    "django-tasks-db",
    "django-task-psql",
    "django-ox",
    "django-tasks-rq",
    "django-rq",
    "rq",
    "redis",
)


def stop(signum: int, frame: object) -> None:
    """Leave through the `finally` blocks (workers stopped, database dropped), as Ctrl+C does."""
    raise SystemExit(f"Stopped by {signal.strsignal(signum)}.")


def run(plan: Plan, only: tuple[str, ...] = MEASUREMENTS, logs: Path | None = None) -> dict:
    """Set Django up with the lab's settings, take the measurements, return their samples."""
    signal.signal(signal.SIGTERM, stop)
    keep_logs = logs is not None  # a directory of the caller's; ours goes once all went well
    logs = logs or Path(tempfile.mkdtemp(prefix="lab-logs-"))
    started = time.perf_counter()

    loads = [os.getloadavg()[0]]  # the machine's load: before, at each step, after

    def progress(message: str) -> None:
        loads.append(os.getloadavg()[0])
        print(f"  {time.perf_counter() - started:5.0f} s  {message} (load {loads[-1]:.2f})",
              flush=True)  # fmt: skip

    # The SMTP server and the probe first: the settings read their ports.
    with TimedSMTPServer() as smtp, Probe() as probe:
        os.environ.update(plan.worker_env, **probe.environ, LAB_SMTP_PORT=str(smtp.port))
        os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
        django.setup()
        from .candidates import with_rq
        from .databases import throwaway_database

        with throwaway_database("bench") as database, ExitStack() as redis:
            if with_rq():
                redis.enter_context(rqbake.empty_redis())
            progress(f"{database.vendor}: {plan.name} run, worker logs in {logs}")
            results = {
                "database": database.vendor,
                "plan": plan.name,
                "context": context(),
                **measure_all(plan, only, database, probe, smtp, logs, progress),
            }
    results["context"]["load_average"] = [*loads, os.getloadavg()[0]]
    results["context"]["seconds"] = time.perf_counter() - started
    if not keep_logs:
        shutil.rmtree(logs, ignore_errors=True)
    return results


def measure_all(plan, only, database, probe, smtp, logs, progress: Callable[[str], None]):
    """Each measurement in turn, from an empty task table."""
    from . import idle, isolation, monitoring, recovery, request_cost, throughput, wakeup
    from .candidates import compared, side_by_side, with_rq
    from .throughput import fresh_table

    steps = {
        "request_cost": lambda: request_cost.measure(plan, smtp, progress),
        "idle": lambda: idle.measure(plan, database, probe, logs / "idle", progress),
        "recovery": lambda: recovery.measure(plan, probe, logs / "recovery", progress),
        "isolation": lambda: isolation.measure(plan, smtp, logs / "isolation", progress),
        "throughput": lambda: throughput.measure(plan, logs / "throughput", progress),
        "monitoring": lambda: monitoring.measure(plan, progress),
    }
    results = {}
    for name in only:
        _forget_tasks()
        fresh_table()
        if name == "backends":
            if not with_rq():  # nox -s bench gives it the RQ bake (rqbake.py)
                progress("backends: skipped, no RQ bake (LAB_RQ_BAKE) or RQ not installed")
                continue
            from . import backends

            results[name] = backends.measure(plan, database, probe, smtp, logs / "backends",
                                             progress)  # fmt: skip
        elif name == "wakeup":
            with side_by_side(compared(), database, logs / "compared") as contenders:
                results["wakeup"] = wakeup.measure(plan, contenders, probe, smtp, progress)
        else:
            results[name] = steps[name]()
    return results


def _forget_tasks() -> None:
    """Delete every task left by the last measurement: the next one's workers must not run it."""
    from tasks_demo.workers.taskdb import TaskRow

    TaskRow.objects.all().delete()


def context() -> dict:
    """What a reader needs to weigh the figures: when, where, with what, at which defaults."""
    from django.conf import settings

    from tasks_demo.workers import wakeup
    from tasks_demo.workers.worker import RECOVERY_CHECK_SECONDS
    from tests.support import procfile

    # SQLite's wake-up reads the database's commit counter this often; PostgreSQL's waits.
    check = getattr(wakeup, "CHECK_SECONDS", None)
    versions = {"python": platform.python_version()}
    for package in PACKAGES:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):  # not installed
            versions[package] = importlib.metadata.version(package)
    return {
        "when": f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        "machine": f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}",
        "versions": versions,
        "worker settings": {
            "emails worker": procfile.workers()["emails"].command,
            "WORKER_POLL_SECONDS": settings.WORKER_POLL_SECONDS,
            "RECOVERY_CHECK_SECONDS": RECOVERY_CHECK_SECONDS,
            **({"wake-up CHECK_SECONDS": check} if check else {}),
            "CONN_MAX_AGE": settings.DATABASES["default"]["CONN_MAX_AGE"],
        },
    }
