from django.contrib import admin

from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["month", "owner", "requested_at", "days_done", "emailed_at", "task_id"]
    list_filter = ["month"]
    raw_id_fields = ["owner"]
