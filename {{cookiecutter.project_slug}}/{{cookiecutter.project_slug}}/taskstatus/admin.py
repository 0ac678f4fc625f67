from django.contrib import admin

from .models import TaskOwner


@admin.register(TaskOwner)
class TaskOwnerAdmin(admin.ModelAdmin):
    list_display = ["task_id", "owner", "enqueued_at"]
    search_fields = ["task_id", "owner__email"]
    raw_id_fields = ["owner"]
