"""Measurement 3b: where one worker's time goes, between its database work and the rest.

The throughput measurement compares one worker with the per-task bound; this
says what makes up the difference. It runs django-tasks-db's own worker loop
(`Worker.run`, in batch mode: it stops when the queue is empty) in this process,
under cProfile, over a batch of no-op tasks, and splits the loop's time among
the calls the loop makes, grouped into the parts below.

A profiler slows Python code more than it slows the database, so the shares
lean towards the Python parts: they say where the time goes, not how long
each part takes without the profiler. The heartbeat thread of the project's
worker is left out; it wakes every few seconds and costs nothing measurable.
"""

import cProfile
import logging
import pstats
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from django_tasks_db.management.commands.db_worker import Worker

from .plans import Plan
from .throughput import bench_tasks, enqueue_noops, fresh_table

# The calls Worker.run and Worker.run_task make, by name, and the part each is in.
CLAIM = "claim the task (the bound's)"
RECORD = "record its result (the bound's)"
BOUND_PARTS = (CLAIM, RECORD)  # the per-task bound does these, and nothing else
QUERY = "build the task query again, every loop"
PARTS = {
    # Worker.run: claim a task in a locking transaction, exclusive_transaction(),
    # a context manager (contextlib's helper, __enter__ and __exit__).
    "helper": CLAIM,
    "__enter__": CLAIM,
    "get_locked": CLAIM,
    "claim": CLAIM,
    "__exit__": CLAIM,
    # Worker.run: DBTaskResult.objects.ready().filter(...), through the manager.
    "manager_method": QUERY,
    "filter": QUERY,
    "close_old_connections": "check the connection, twice a loop",
    # Worker.run_task. set_successful is called through django-tasks-db's @retry wrapper.
    "inner_wrapper": RECORD,
    "task": "load the task and its arguments",
    "task_result": "load the task and its arguments",
    "get_backend": "load the task and its arguments",
    "send": "signals: task started, task finished, with a log line each",
    "call": "run the task (a no-op)",
}
REST = "the rest of the loop"
LOOP = {"run", "run_task"}  # Worker's methods whose calls are split into parts


def measure(plan: Plan, logs: Path, progress: Callable[[str], None]) -> dict:
    """Each part's share of one worker's time, over plan.profile_tasks no-op tasks."""
    fresh_table()
    enqueue_noops(plan.profile_tasks)
    worker = Worker(
        queue_names=["bench"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="bench-worker-time",
        excluded_queue_names=[],
    )
    profile = cProfile.Profile()
    with task_logs_to(logs / "worker-time.log"):
        profile.runcall(worker.run)
    if bench_tasks().exclude(status="SUCCESSFUL").exists():
        raise RuntimeError("The profiled worker left tasks unfinished or failed.")
    shares = split(pstats.Stats(profile))
    biggest = max((part for part in shares if part != REST), key=shares.get)
    progress(f"one worker's time: {shares[biggest]:.0%} to {biggest}")
    return {
        "tasks": plan.profile_tasks,
        "shares": shares,
        "bound_share": sum(shares.get(part, 0.0) for part in BOUND_PARTS),
    }


def split(stats: pstats.Stats) -> dict[str, float]:
    """The share of Worker.run's time each part takes: the calls the loop makes, grouped."""
    # stats.stats: {function: (calls, primitive calls, own time, cumulative time, callers)},
    # callers: {calling function: (calls, primitive calls, own time, cumulative time)}.
    (total,) = [
        cumulative
        for (path, _, name), (_, _, _, cumulative, _) in stats.stats.items()
        if name == "run" and path.endswith("db_worker.py")
    ]
    seconds: dict[str, float] = defaultdict(float)
    for (_, _, name), (*_, callers) in stats.stats.items():
        part = PARTS.get(name)
        if part is None:
            continue
        for (path, _, caller), (*_, cumulative) in callers.items():
            if caller in LOOP and path.endswith("db_worker.py"):
                seconds[part] += cumulative
    # The bound's parts first, the rest last, so that every run lists them alike.
    order = dict.fromkeys([*BOUND_PARTS, *PARTS.values()])
    shares = {part: seconds[part] / total for part in order}
    shares[REST] = max(0.0, 1 - sum(shares.values()))
    return shares


@contextmanager
def task_logs_to(path: Path):
    """Send the task log lines to a file while the loop runs, as a worker process's go."""
    handlers = {
        handler
        for name in ("django.tasks", "django_tasks_db")
        for handler in logging.getLogger(name).handlers
        if isinstance(handler, logging.StreamHandler)
    }
    with path.open("w") as log:
        previous = {handler: handler.setStream(log) for handler in handlers}
        try:
            yield
        finally:
            for handler, stream in previous.items():
                handler.setStream(stream)
