"""The task the throughput and poll-interval measurements run: it does nothing.

What is left is the cost of the queue itself: claiming the task, recording its
result, and the worker's own bookkeeping.
"""

from django.tasks import task


@task(queue_name="bench")
def noop() -> None:
    """Do nothing, so that only the queue's own cost is measured."""
