"""A monthly report: who asked for it, how far its task got, and the CSV it produced.

A report nobody asked for is the site's: the scheduler builds one each month,
for the staff (tasks.py, build_site_report).
"""

import calendar

from django.conf import settings
from django.db import models
from django.urls import reverse


class Report(models.Model):
    # None for the site's report of the month, which the staff see.
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
    # Set once a site report was emailed to the staff, so that building it
    # again (the catch-up command, a crash recovered) does not email it again.
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            # A month's site report is built once: the database refuses a second.
            models.UniqueConstraint(
                fields=["month"],
                condition=models.Q(owner__isnull=True),
                name="one_site_report_per_month",
            ),
        ]

    def __str__(self) -> str:
        return f"Registrations in {self.month:%B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.pk])

    @property
    def is_site_report(self) -> bool:
        """Whether this is the site's report of its month, for the staff."""
        return self.owner_id is None

    @property
    def days_total(self) -> int:
        """How many days the report covers."""
        return calendar.monthrange(self.month.year, self.month.month)[1]

    @property
    def progress(self) -> int:
        """How far the task got, in percent."""
        return round(100 * self.days_done / self.days_total)

    @property
    def filename(self) -> str:
        return f"registrations-{self.month:%Y-%m}.csv"
