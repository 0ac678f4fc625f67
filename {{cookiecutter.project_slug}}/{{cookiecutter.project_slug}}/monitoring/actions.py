"""What staff may do to tasks from the admin: retry, cancel, duplicate, requeue.

Each action shows a confirmation page first, naming the tasks it will change and why it
leaves the others alone; then changes each through a fenced write of workers.taskdb (the
same as the workers'), so that of an action and a worker racing for a task, one wins and
the other changes nothing. Each change is logged in the admin's history with its author.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest
from django.tasks import TaskResultStatus
from django.template.response import TemplateResponse

from ..taskstatus.models import OwnedTask
from ..workers import taskdb
from ..workers.models import WorkerProcess
from ..workers.recovery import live_workers, recover_task

TaskRow = taskdb.TaskRow


def may_operate(request: HttpRequest) -> bool:
    """Staff who may change task results (superusers, or given the permission) steer them."""
    opts = TaskRow._meta
    user = request.user
    return user.is_staff and user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


@dataclass(frozen=True)
class Action:
    name: str  # the verb, as the pages say it
    past: str
    why_not: Callable[[TaskRow], str | None]  # why the action leaves this task alone
    apply: Callable[[HttpRequest, TaskRow], str | None]  # what it did, or None if it lost a race


def not_failed(row: TaskRow) -> str | None:
    if row.status != TaskResultStatus.FAILED:
        return f"it is {row.status}: only a FAILED task is retried."
    return None


def not_ready(row: TaskRow) -> str | None:
    if row.status == TaskResultStatus.RUNNING:
        return ("it is RUNNING: a worker runs it now, and stopping a task half-way could "
                "leave its work half done; wait until it finishes.")  # fmt: skip
    if row.status != TaskResultStatus.READY:
        return f"it is {row.status} already: only a READY task is cancelled."
    return None


def not_importable(row: TaskRow) -> str | None:
    try:
        row.task  # noqa: B018  the task's function must still exist
    except Exception:
        return f"its task {row.task_path} no longer exists in the code."
    return None


def worker_not_known_dead(row: TaskRow) -> str | None:
    if row.status != TaskResultStatus.RUNNING:
        return f"it is {row.status}: only a RUNNING task is requeued."
    worker = row.worker_ids[-1] if row.worker_ids else ""
    if worker in {process.worker_id for process in live_workers()}:
        return f"its worker {worker} is alive and runs it."
    if not WorkerProcess.objects.filter(worker_id=worker).exists():
        return f"its worker {worker or '(none)'} is not registered: it is not known to be dead."
    return None


def retry(request: HttpRequest, row: TaskRow) -> str | None:
    return "Retried: READY again under the same id." if taskdb.retry_failed(row.pk) else None


def cancel(request: HttpRequest, row: TaskRow) -> str | None:
    by = request.user.get_username()
    return f"Cancelled by {by}." if taskdb.cancel_ready(row.pk, by=by) else None


def duplicate(request: HttpRequest, row: TaskRow) -> str | None:
    new = taskdb.duplicate(row)
    if owned := OwnedTask.objects.filter(task_id=str(row.pk)).first():  # its owner sees it too
        OwnedTask.objects.create(task_id=new.id, owner=owned.owner, title=owned.title)
    return f"Duplicated as task {new.id}."


def requeue(request: HttpRequest, row: TaskRow) -> str | None:
    return "Requeued: its worker is dead." if recover_task(str(row.pk)) else None


ACTIONS = {
    "retry": Action("retry", "retried", not_failed, retry),
    "cancel": Action("cancel", "cancelled", not_ready, cancel),
    "duplicate": Action("duplicate", "duplicated", not_importable, duplicate),
    "requeue": Action("requeue", "requeued", worker_not_known_dead, requeue),
}


def confirm_then_apply(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, action: Action
) -> TemplateResponse | None:
    """The confirmation page; once confirmed, the action on each task it may change."""
    rows = list(queryset)
    verdicts = [(row, action.why_not(row)) for row in rows]
    refused = [(row, reason) for row, reason in verdicts if reason]
    allowed = [row for row, reason in verdicts if not reason]
    if request.POST.get("confirmed") != "yes" or not allowed:
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": f"Are you sure you want to {action.name} these tasks?",
            "opts": modeladmin.model._meta,
            "action": action,
            "allowed": allowed,
            "refused": refused,
            "selected": [row.pk for row in rows],
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "monitoring/confirm_action.html", context)
    changed = 0
    for row in allowed:
        if done := action.apply(request, row):
            modeladmin.log_change(request, row, done)
            changed += 1
    messages.success(request, f"{action.name.capitalize()}: {changed} task(s).")
    if lost := len(allowed) - changed:
        messages.warning(request, f"{lost} task(s) changed meanwhile (a worker took them first) "
                                  "and were left alone.")  # fmt: skip
    return None


def admin_action(name: str, description: str) -> Callable:
    """The admin action `name`, for staff who may operate the queues."""

    def run(modeladmin, request, queryset):
        return confirm_then_apply(modeladmin, request, queryset, ACTIONS[name])

    run.__name__ = f"{name}_tasks"  # the admin's name of the action, as the pages post it
    return admin.action(description=description, permissions=["operate"])(run)


retry_tasks = admin_action("retry", "Retry the selected FAILED tasks")
cancel_tasks = admin_action("cancel", "Cancel the selected READY tasks")
duplicate_tasks = admin_action("duplicate", "Duplicate the selected tasks (same arguments)")
requeue_tasks = admin_action("requeue", "Requeue the selected tasks of dead workers")
