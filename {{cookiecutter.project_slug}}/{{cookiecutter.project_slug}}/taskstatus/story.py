"""A task's story, as its status page tells it: what it is, where it waited, how it went.

Each attempt shows its exception's class; never a traceback or a message, which can hold paths
and other users' data (the admin shows them to staff). The worker that ran it (host name and
process id) is shown to staff only: it tells an attacker about the machines.
"""

from datetime import datetime
from typing import Any

from django.tasks import TaskResult

{% if cookiecutter.backend == "rq" -%}
from ..workers.rq import failed_attempts
{% else -%}
from ..workers.models import TaskAttempt
{% endif -%}
from .models import OwnedTask


def seconds_between(start: datetime | None, end: datetime | None) -> float | None:
    """How long from `start` to `end`, if both happened."""
    if start is None or end is None:
        return None
    return round((end - start).total_seconds(), 3)


def attempts_of(result: TaskResult, staff: bool) -> list[dict[str, Any]]:
    """Every attempt so far: the failed ones recorded, then the current one."""
    fields = ("number", "worker", "started_at", "finished_at", "error")
{%- if cookiecutter.backend == "rq" %}
    rows: list[tuple[Any, ...]] = list(failed_attempts(result.id))
{%- else %}
    failed = TaskAttempt.objects.filter(task_id=result.id).order_by("number")
    rows: list[tuple[Any, ...]] = [
        (a.number, a.worker_id, a.started_at, a.finished_at, a.error) for a in failed
    ]
{%- endif %}
    if result.attempts and result.attempts not in {row[0] for row in rows}:  # running, or done
        rows.append((result.attempts, result.worker_ids[-1], result.started_at,
                     result.finished_at, None))  # fmt: skip
    attempts = [dict(zip(fields, row, strict=True)) for row in rows]
    return [{**attempt, "worker": attempt["worker"] if staff else None} for attempt in attempts]


def story(result: TaskResult, owned: OwnedTask, staff: bool = False) -> dict[str, Any]:
    """The status page's JSON: everything the page shows, updated while it polls; the workers'
    identities only if the viewer is `staff`."""
    attempts = attempts_of(result, staff)
    first_start = attempts[0]["started_at"] if attempts else None
    run_after = result.task.run_after
    return {
        "id": result.id,
        "title": owned.title,
        "task": result.task.name,
        "queue": result.task.queue_name,
        "priority": result.task.priority,
        "status": result.status,
        "is_finished": result.is_finished,
        "enqueued_at": result.enqueued_at,
        "started_at": first_start,
        "finished_at": result.finished_at,
        "waited_seconds": seconds_between(result.enqueued_at, first_start),
        "ran_seconds": seconds_between(result.started_at, result.finished_at),
        "next_attempt_at": run_after if result.status == "READY" and attempts else None,
        "attempts": attempts,
        "worker": result.worker_ids[-1] if result.worker_ids and staff else None,
        # A failed task's error, as the backend recorded it (there is none before).
        "error": result.errors[-1].exception_class_path if result.errors else None,
    }
