"""The admin's pages of django-tasks-db's results, for operators: filters, search by id or
owner, each attempt with its traceback, and the actions of actions.py."""

import uuid

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from ..taskstatus.models import OwnedTask
from ..workers import taskdb
from ..workers.models import TaskAttempt
from . import actions

# Replaces django-tasks-db's own, read-only admin of the same table.
admin.site.unregister(taskdb.TaskRow)


@admin.register(taskdb.TaskRow)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["id", "task_path", "status", "queue_name", "enqueued_at", "finished_at",
                    "attempts", "owner"]  # fmt: skip
    list_filter = ["status", "queue_name", "task_path", "enqueued_at"]
    search_fields = ["id"]  # and the owner's email: get_search_results
    search_help_text = "A task id, or its owner's email address."
    ordering = ["-enqueued_at"]
    show_full_result_count = False  # a count of every row is slow on a big table
    actions = [actions.retry_tasks, actions.cancel_tasks, actions.duplicate_tasks,
               actions.requeue_tasks]  # fmt: skip
    readonly_fields = (
        "id", "task_path", "status", "queue_name", "priority", "enqueued_at", "run_after",
        "started_at", "finished_at", "args_kwargs", "return_value", "owner",
        "exception_class_path", "formatted_traceback", "every_attempt",
    )  # fmt: skip
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # the row is the workers'; staff change it through the actions only

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # pruning deletes old results (scheduling)

    def has_operate_permission(self, request: HttpRequest) -> bool:
        return actions.may_operate(request)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        """A task id finds its task; anything else, the tasks of owners whose email has it."""
        term = search_term.strip()
        if not term:
            return queryset, False
        try:
            return queryset.filter(pk=uuid.UUID(term)), False
        except ValueError:
            owned = OwnedTask.objects.filter(owner__email__icontains=term)
            ids = [uuid.UUID(task_id) for task_id in owned.values_list("task_id", flat=True)]
            return queryset.filter(pk__in=ids), False

    @admin.display(description="attempts")
    def attempts(self, row: taskdb.TaskRow) -> int:
        return len(row.worker_ids)

    @admin.display(description="owner")
    def owner(self, row: taskdb.TaskRow) -> str:
        owned = OwnedTask.objects.filter(task_id=str(row.pk)).select_related("owner").first()
        return owned.owner.get_username() if owned else "-"

    @admin.display(description="traceback")
    def formatted_traceback(self, row: taskdb.TaskRow) -> str:
        return format_html("<pre>{}</pre>", row.traceback) if row.traceback else "-"

    @admin.display(description="every attempt")
    def every_attempt(self, row: taskdb.TaskRow) -> str:
        """Each run: its worker, and how it failed (workers.models.TaskAttempt) if it did."""
        failed = {a.number: a for a in TaskAttempt.objects.filter(task_id=str(row.pk))}
        lines = []
        for number, worker in enumerate(row.worker_ids, start=1):
            outcome = "-"  # it ran; it is the last or it failed (recorded below)
            if attempt := failed.get(number):
                outcome = format_html(
                    "failed with {}<details><summary>traceback</summary><pre>{}</pre></details>",
                    attempt.error, attempt.traceback,
                )  # fmt: skip
            elif number == len(row.worker_ids):
                outcome = row.status
            lines.append((number, worker, outcome))
        if not lines:
            return "- (not run yet)"
        rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", lines)
        return format_html(
            '<table data-testid="attempts"><tr><th>#</th><th>worker</th><th>outcome</th></tr>'
            "{}</table>",
            rows,
        )
