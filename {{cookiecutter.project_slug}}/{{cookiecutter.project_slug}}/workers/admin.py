from django.contrib import admin
from django.http import HttpRequest

from .models import TaskAttempt, WorkerProcess


class ReadOnlyAdmin(admin.ModelAdmin):
    """The workers write these rows; the admin only shows them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(WorkerProcess)
class WorkerProcessAdmin(ReadOnlyAdmin):
    """The worker processes registered now (a dead one stays until another worker recovers it)."""

    list_display = ["worker_id", "queues", "host", "pid", "started_at"]


@admin.register(TaskAttempt)
class TaskAttemptAdmin(ReadOnlyAdmin):
    """Every failed attempt of every task, with its traceback (staff only, like the admin)."""

    list_display = ["task_id", "number", "error", "worker_id", "finished_at"]
    list_filter = ["error"]
    search_fields = ["task_id"]
