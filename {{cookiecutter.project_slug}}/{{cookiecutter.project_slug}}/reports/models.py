"""A monthly report: who asked for it (nobody: the site's, for the staff), its task, its CSV."""

import calendar

from django.conf import settings
from django.db import models
from django.urls import reverse


class Report(models.Model):
    # None for the site's report of the month, which the scheduler builds for the staff.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True
    )
    month = models.DateField(help_text="The first day of the month reported on.")
    requested_at = models.DateTimeField(auto_now_add=True)
    # Set once the task is enqueued, after the report's row is committed.
    task_id = models.CharField(max_length=64, blank=True)
    # django.tasks results have no progress field: the task records it here.
    days_done = models.PositiveSmallIntegerField(default=0)
    content = models.TextField(blank=True, help_text="The finished CSV.")
    # Unset while the report is in flight: set by its task with the CSV, or on the next request
    # of its month once the task failed (views.request_report).
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the site's report was emailed to the staff: building it again does not resend it.
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            # A month's site report is built once.
            models.UniqueConstraint(
                fields=["month"],
                condition=models.Q(owner__isnull=True),
                name="one_site_report_per_month",
            ),
            # A user's report of a month is built again only once the last one finished.
            models.UniqueConstraint(
                fields=["owner", "month"],
                condition=models.Q(finished_at__isnull=True),
                name="one_unfinished_report_per_owner_and_month",
            ),
        ]

    def __str__(self) -> str:
        return f"Registrations in {self.month:%B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.pk])

    @property
    def days_total(self) -> int:
        return calendar.monthrange(self.month.year, self.month.month)[1]

    @property
    def progress(self) -> int:
        """How far the task got, in percent."""
        return round(100 * self.days_done / self.days_total)

    @property
    def filename(self) -> str:
        return f"registrations-{self.month:%Y-%m}.csv"
