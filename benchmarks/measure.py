"""Run every measurement against one database; write the samples to a JSON file.

    python -m bench.measure --database sqlite --plan full --json out.json --logs DIR

`python -m bench` runs this once per database, each in a process of its own:
Django's settings, hence the database, are fixed once a process starts.
"""

import argparse
import json
import os
import platform
import signal
import sys
import time
from dataclasses import asdict
from pathlib import Path

import django

from .databases import DEFAULT_POSTGRES_URL, ENGINES, throwaway_database
from .plans import PLANS
from .smtp import TimedSMTPServer

SLUG = "{{ cookiecutter.project_slug }}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.measure", description=__doc__)
    parser.add_argument("--database", choices=ENGINES, required=True)
    parser.add_argument("--plan", choices=sorted(PLANS), default="full")
    parser.add_argument("--json", type=Path, required=True, help="where to write the results")
    parser.add_argument("--logs", type=Path, required=True, help="where workers write their output")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    args = parser.parse_args(argv)
    plan = PLANS[args.plan]
    # Stopped from outside, still stop the workers and drop the database (the `finally`s).
    signal.signal(signal.SIGTERM, stop)

    started = time.perf_counter()

    def progress(message: str) -> None:
        print(f"  {time.perf_counter() - started:5.0f} s  {args.database}: {message}", flush=True)

    with (
        throwaway_database(args.database, args.postgres_url, SLUG) as database,
        TimedSMTPServer() as smtp,
    ):
        # Read by bench/settings.py, in this process and in every worker it starts.
        os.environ.update(
            database.environ(),
            DJANGO_SETTINGS_MODULE="bench.settings",
            BENCH_SMTP_HOST=smtp.host,
            BENCH_SMTP_PORT=str(smtp.port),
        )
        django.setup()
        results = run_all(plan, smtp, args.logs, progress, args.database, args.postgres_url)
        from django.db import connections

        connections.close_all()  # before the database is dropped
    args.json.write_text(json.dumps(results, indent=1))


def stop(signum: int, frame: object) -> None:
    """Leave through the `finally` blocks, as Ctrl+C does."""
    raise SystemExit(f"Stopped by {signal.strsignal(signum)}.")


def run_all(plan, smtp, logs: Path, progress, engine: str, postgres_url: str) -> dict:
    """Migrate the new database and take every measurement, in order."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from . import email_latency, idle_load, poll_interval, request_cost, throughput, worker_time
    from .defaults import conn_max_age, procfile_workers, worker_of

    call_command("migrate", verbosity=0)
    results = {
        "database": engine,
        "plan": plan.name,
        "versions": {"python": platform.python_version(), "django": django.get_version()},
        "defaults": {
            "procfile": [asdict(worker) for worker in procfile_workers()],
            "conn_max_age": conn_max_age(),
        },
    }
    results["request_cost"] = request_cost.measure(plan, smtp, progress)
    DBTaskResult.objects.all().delete()  # the welcome emails those registrations enqueued
    results["email_latency"] = email_latency.measure(plan, smtp, logs, progress)
    results["throughput"] = throughput.measure(plan, logs, progress)
    results["worker_time"] = worker_time.measure(plan, logs, progress)
    results["pickup_latency"] = poll_interval.measure(plan, logs, progress)
    results["idle_load"] = idle_load.measure(
        plan,
        logs,
        progress,
        default_interval=worker_of("emails").interval,
        default_conn_max_age=conn_max_age(),
        postgres_url=postgres_url if engine == "postgresql" else None,
    )
    return results


if __name__ == "__main__":
    sys.exit(main())
