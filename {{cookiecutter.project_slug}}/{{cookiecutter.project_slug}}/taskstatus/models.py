"""Who may see a task's status.

django.tasks results carry no owner, and a task id in a URL is no secret
(it shows up in logs and browser history). The status pages show a task only
to the user recorded here.
"""

from django.conf import settings
from django.db import models


class TaskOwner(models.Model):
    task_id = models.CharField(max_length=64, unique=True)  # TaskResult.id is at most 64
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    enqueued_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.task_id} of {self.owner}"
