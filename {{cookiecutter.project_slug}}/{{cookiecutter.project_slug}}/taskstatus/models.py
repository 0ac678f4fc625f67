"""Who may see a task, and what to call it.

django.tasks results carry no owner, and a task id in a URL is no secret (logs, browser
history): the status pages show a task only to the user recorded here.
"""

from django.conf import settings
from django.db import models


class OwnedTask(models.Model):
    task_id = models.CharField(max_length=64, unique=True)  # a TaskResult.id is at most 64
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    title = models.CharField(max_length=200, help_text='What the task does, e.g. "Welcome email"')
    enqueued_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-enqueued_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.task_id})"
