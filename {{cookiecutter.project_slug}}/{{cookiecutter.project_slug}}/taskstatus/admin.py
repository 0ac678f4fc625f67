from django.contrib import admin

from .models import OwnedTask


@admin.register(OwnedTask)
class OwnedTaskAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "enqueued_at", "task_id"]
    search_fields = ["task_id", "owner__email", "title"]
    raw_id_fields = ["owner"]
