"""The tasks test_exact_workers.py runs in real worker processes, on the `default` queue.

Each notes what it does in a file the test names (`runs`): one line per event, with the
process id, so the test, in another process, counts runs and sees who ran what. A task
that `hold`s waits until the test releases the process running it.
"""

import asyncio
import os
import time
from pathlib import Path

from django.tasks import TaskContext, task

from tasks_demo.workers.policies import time_limit

OVERSTAY_LIMIT_SECONDS = 1.0


def note(runs: str, event: str) -> None:
    """Append `event pid time` to the runs file (one short O_APPEND write: lines never mix)."""
    with open(runs, "a") as file:
        file.write(f"{event} {os.getpid()} {time.time()}\n")


def release_file(runs: str, pid: int | str) -> Path:
    """The file whose existence lets process `pid` (or "all") finish the task it holds."""
    return Path(runs).with_name(f"release-{pid}")


@task(takes_context=True)
def hold(context: TaskContext, runs: str) -> dict[str, object]:
    """Run until the test releases this process; return who ran it."""
    note(runs, "start")
    while not (release_file(runs, os.getpid()).exists() or release_file(runs, "all").exists()):
        time.sleep(0.02)
    note(runs, "end")
    return {"pid": os.getpid(), "worker_id": context.task_result.worker_ids[-1]}


@task
def hold_the_gil(runs: str, n: int) -> int:
    """Hold the GIL in one C call for as long as `sum(range(n))` takes: no other thread of
    this process runs meanwhile."""
    note(runs, "start")
    sum(range(n))
    note(runs, "end")
    return os.getpid()


@time_limit(seconds=OVERSTAY_LIMIT_SECONDS)
@task
async def overstay(runs: str, seconds: float) -> None:
    """Sleep past the time limit; note it if the code after the sleep ever runs."""
    note(runs, "start")
    await asyncio.sleep(seconds)
    note(runs, "after the sleep")
