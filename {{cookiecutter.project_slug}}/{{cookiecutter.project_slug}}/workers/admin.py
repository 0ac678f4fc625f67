from django.contrib import admin

from .models import TaskRetry, WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """Which workers are alive, and since when: read-only, the workers write it."""

    list_display = ["worker_id", "queues", "started_at", "last_seen_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TaskRetry)
class TaskRetryAdmin(admin.ModelAdmin):
    list_display = ["task_id", "retry_task_id", "created_at"]
    search_fields = ["task_id", "retry_task_id"]
