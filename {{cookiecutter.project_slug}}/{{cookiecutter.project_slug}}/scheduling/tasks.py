{% if cookiecutter.backend == "rq" -%}
"""Nightly pruning: RQ lets a task's result expire TASK_RESULTS_MAX_AGE_DAYS after it finished
(workers/rq.py); then go the project's rows about it (OwnedTask), so no row refers to a task
that is gone. Expired sessions (who was logged in, from where) go the same night.
"""
{%- else -%}
"""Nightly pruning: django-tasks-db keeps every result until something deletes it.

Its `prune_db_task_results` deletes old finished results; then go the project's rows about
them (OwnedTask, TaskAttempt), so a pruned task's status page answers 404 and no row refers
to a task that is gone. Crash recovery deletes dead workers' heartbeats already. Expired
sessions (who was logged in, from where) go the same night.
"""
{%- endif %}

from datetime import timedelta
from itertools import batched

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db.models import QuerySet
from django.tasks import task
from django.utils import timezone

from ..taskstatus.models import OwnedTask
{% if cookiecutter.backend == "rq" -%}
from ..workers import rq
{% else -%}
from ..workers import taskdb
from ..workers.models import TaskAttempt
{% endif -%}
from .cron import cron


@cron(settings.TASK_RESULTS_PRUNE_CRON)
@task(queue_name="default")
def prune_task_results() -> int:
    """Delete what finished over TASK_RESULTS_MAX_AGE_DAYS ago; a missed night is made up next."""
    days = settings.TASK_RESULTS_MAX_AGE_DAYS
{%- if cookiecutter.backend == "rq" %}
    cutoff = timezone.now() - timedelta(days=days)  # a newer row's task cannot have expired
    return delete_orphans(OwnedTask.objects.filter(enqueued_at__lt=cutoff))


def delete_orphans(rows: QuerySet[OwnedTask]) -> int:
    """Delete those of `rows` whose task has no result any more; how many went."""
    deleted = 0
    for batch in batched(rows.values_list("pk", "task_id"), 500):  # an IN list has limits
        existing = rq.existing(task_id for _, task_id in batch)
{%- else %}
    call_command("prune_db_task_results", "--queue-name", "*", "--min-age-days", str(days))
    cutoff = timezone.now() - timedelta(days=days)  # a newer row's task cannot be pruned
    owners = OwnedTask.objects.filter(enqueued_at__lt=cutoff)
    attempts = TaskAttempt.objects.filter(finished_at__lt=cutoff)
    return delete_orphans(owners) + delete_orphans(attempts)  # the project's rows that went


def delete_orphans(rows: QuerySet[OwnedTask] | QuerySet[TaskAttempt]) -> int:
    """Delete those of `rows` whose task has no result any more; how many went."""
    deleted = 0
    for batch in batched(rows.values_list("pk", "task_id"), 500):  # an IN list has limits
        existing = taskdb.existing(task_id for _, task_id in batch)
{%- endif %}
        gone = [pk for pk, task_id in batch if task_id not in existing]
        deleted += rows.filter(pk__in=gone).delete()[0]
    return deleted


@cron(settings.SESSIONS_CLEAR_CRON)
@task(queue_name="default")
def clear_expired_sessions() -> int:
    """Delete the sessions past their expiry (Django keeps them until something does); how many."""
    before = Session.objects.count()
    call_command("clearsessions")
    return before - Session.objects.count()
