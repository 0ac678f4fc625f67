"""Measurement: the staff dashboard and /metrics on a big task table, and what their indexes
cost each enqueue.

The table is filled the way a busy project's looks after a fortnight (the results' default
life before pruning): `finished` results, most SUCCESSFUL, some FAILED, across the
project's queues and finished over the last 14 days, and `ready` tasks waiting, enqueued in
the last hour. Each kind is one INSERT ... SELECT over a generated series, so that filling
a million rows takes seconds, not an hour of enqueues.

- dashboard, /metrics: requests through Django's test client (the whole middleware
  stack and the view in this process, no network), taken in turn, after some not counted;
  the goal is a p50 of at most GOAL_MS each.
- enqueue: the time of one enqueue (INSERT and its wake-up trigger) with the monitoring
  app's two indexes and without them, dropped and made again round by round, on the same
  big table.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from .plans import Plan

GOAL_MS = 200.0
QUEUES = ["default", "emails", "reports"]
TOKEN = "lab-metrics-token"  # the lab's throwaway site only
INDEXES = {  # as the monitoring app's migration makes them
    "monitoring_unfinished_idx": "(queue_name, status, enqueued_at) "
    "WHERE status IN ('READY', 'RUNNING')",
    "monitoring_finished_idx": "(finished_at, queue_name, status) WHERE finished_at IS NOT NULL",
}


def table() -> str:
    from tasks_demo.workers.taskdb import TaskRow

    return TaskRow._meta.db_table


def series(count: int) -> str:
    """SQL of a one-column row source `n` from 1 to `count`, on either database."""
    if connection.vendor == "postgresql":
        return f"generate_series(1, {count:d}) AS g(n)"
    return (f"(WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {count:d})"
            " SELECT n FROM g)")  # fmt: skip


def fill(finished: int, ready: int) -> None:
    """`finished` results over 14 days (1 in 50 FAILED) and `ready` tasks of the last hour."""
    from tasks_demo.workers.taskdb import get_date_max

    pg = connection.vendor == "postgresql"

    def ago(seconds: str) -> str:
        """SQL of the time `seconds` (an SQL expression) ago."""
        if pg:
            return f"now() - make_interval(secs => {seconds})"
        return f"strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || ({seconds}) || ' seconds')"

    never = get_date_max().isoformat() if pg else str(get_date_max().replace(tzinfo=None))
    spread = "(n % 1209600)"  # seconds within 14 days
    values = {
        "id": "gen_random_uuid()" if pg else "lower(hex(randomblob(16)))",
        "status": "CASE WHEN n % 50 = 0 THEN 'FAILED' ELSE 'SUCCESSFUL' END",
        "enqueued_at": ago(f"{spread} + 2"),
        "started_at": ago(f"{spread} + 1"),
        "finished_at": ago(f"{spread} + 0.5"),
        "args_kwargs": """'{"args": ["Ada"], "kwargs": {}}'""",
        "priority": "0",
        "task_path": "'tasks_demo.hello.tasks.say_hello'",
        "worker_ids": """'["lab-worker"]'""",
        "queue_name": "CASE n % 3 WHEN 0 THEN 'default' WHEN 1 THEN 'emails' ELSE 'reports' END",
        "backend_name": "'default'",
        "run_after": f"'{never}'",
        "return_value": "'null'",
        "exception_class_path": "''",
        "traceback": "''",
    }
    waiting = {**values, "status": "'READY'", "enqueued_at": ago("n % 3600"),
               "started_at": "NULL", "finished_at": "NULL", "worker_ids": "'[]'",
               "return_value": "NULL"}  # fmt: skip
    with connection.cursor() as cursor:
        for rows, count in ((values, finished), (waiting, ready)):
            cursor.execute(
                f"INSERT INTO {table()} ({', '.join(rows)}) "
                f"SELECT {', '.join(rows.values())} FROM {series(count)}"
            )
        cursor.execute(f"VACUUM ANALYZE {table()}" if pg else f"ANALYZE {table()}")


def timed(request: Callable[[], object]) -> float:
    started = time.perf_counter()
    request()
    return time.perf_counter() - started


def page_times(plan: Plan) -> dict[str, list[float]]:
    """Seconds per request of the dashboard and of /metrics, taken in turn."""
    from tasks_demo.accounts.models import User

    settings.METRICS_TOKEN = TOKEN
    staff = User.objects.create_superuser("lab-staff@example.com", "pw")
    client = Client()
    client.force_login(staff)
    dashboard, metrics = reverse("monitoring:queues"), reverse("monitoring:metrics")

    def get(url: str, **headers: str) -> None:
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")

    samples: dict[str, list[float]] = {"dashboard": [], "/metrics": []}
    for n in range(plan.monitoring_warmup + plan.monitoring_requests):
        times = {
            "dashboard": timed(lambda: get(dashboard)),
            "/metrics": timed(lambda: get(metrics, Authorization=f"Bearer {TOKEN}")),
        }
        if n >= plan.monitoring_warmup:
            for name, seconds in times.items():
                samples[name].append(seconds)
    return samples


def enqueue_times(plan: Plan) -> dict[str, list[float]]:
    """Seconds per enqueue without the monitoring app's indexes and with them, round by round."""
    from tasks_demo.hello.tasks import say_hello

    samples: dict[str, list[float]] = {"without the indexes": [], "with the indexes": []}
    for _ in range(plan.monitoring_rounds):
        for case in samples:
            with connection.cursor() as cursor:
                for name, definition in INDEXES.items():
                    cursor.execute(f"DROP INDEX IF EXISTS {name}")
                    if case == "with the indexes":
                        cursor.execute(f"CREATE INDEX {name} ON {table()} {definition}")
            samples[case] += [timed(lambda: say_hello.enqueue("Ada"))
                              for _ in range(plan.monitoring_enqueues)]  # fmt: skip
    return samples


def measure(plan: Plan, progress: Callable[[str], None]) -> dict:
    fill(plan.monitoring_finished, plan.monitoring_ready)
    progress(f"monitoring: {plan.monitoring_finished:,} finished and "
             f"{plan.monitoring_ready:,} READY tasks in the table")  # fmt: skip
    pages = page_times(plan)
    progress(f"monitoring: {plan.monitoring_requests} requests of each page")
    enqueues = enqueue_times(plan)
    progress(f"monitoring: {plan.monitoring_enqueues * plan.monitoring_rounds} enqueues each way")
    return {"finished": plan.monitoring_finished, "ready": plan.monitoring_ready,
            "pages": pages, "enqueue": enqueues}  # fmt: skip
