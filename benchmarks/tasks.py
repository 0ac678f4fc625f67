"""The lab's tasks: they report when they run, and otherwise do (almost) nothing.

What is left to measure is the queue's own cost: the wait for a worker, the
claim, recording the outcome. They report by probes.mark (a UDP datagram to
the lab), not in the database, so that the report adds nothing to what is
measured.
"""

import time

from django.tasks import task

from . import probes


@task(queue_name="lab")
def noop() -> None:
    """Do nothing: only the queue's own cost is measured (throughput)."""


@task(queue_name="lab")
def mark_start(tag: str) -> None:
    """Report that the task started (pickup latency), and end."""
    probes.mark(tag, "start")


@task(queue_name="lab")
def sleep_marked(tag: str, seconds: float) -> None:
    """Report the start, sleep `seconds` (a task in the middle of its work), report the end."""
    probes.mark(tag, "start")
    time.sleep(seconds)
    probes.mark(tag, "end")
