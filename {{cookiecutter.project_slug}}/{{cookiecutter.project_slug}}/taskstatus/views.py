"""A task's status, as a page that polls and as the JSON it polls."""

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.tasks import TaskResult, default_task_backend
from django.tasks.exceptions import TaskResultDoesNotExist
from django.views.decorators.http import require_GET

from ..workers.retries import latest_attempt_id
from .models import TaskOwner
from .status import describe

# What backends use as task ids: UUIDs (django-tasks-db), random letters and digits.
TASK_ID = re.compile(r"[-\w]{1,64}")


def get_owned_result(request: HttpRequest, task_id: str) -> TaskResult:
    """The result of a task the current user owns, or 404.

    Unknown, malformed and someone else's ids get the same 404, so the answer
    does not even reveal whether a task exists. The ownership check runs first:
    a malformed id never reaches the backend, and one that is not even shaped
    like an id (a NUL byte, which PostgreSQL refuses) not the database either.
    A task that was retried shows its latest attempt (see workers/retries.py).
    """
    if not TASK_ID.fullmatch(task_id):
        raise Http404("No such task.")
    if not TaskOwner.objects.filter(task_id=task_id, owner=request.user).exists():
        raise Http404("No such task.")
    try:
        return default_task_backend.get_result(latest_attempt_id(task_id))
    except TaskResultDoesNotExist:  # pruned with prune_db_task_results
        raise Http404("No such task.") from None


@require_GET
@login_required
def status_page(request: HttpRequest, task_id: str) -> HttpResponse:
    """A page that shows the task's state and updates itself until it finishes."""
    result = get_owned_result(request, task_id)
    return render(request, "taskstatus/status.html", {"task": describe(result)})


@require_GET
@login_required
def status_json(request: HttpRequest, task_id: str) -> JsonResponse:
    """The task's state as JSON, polled by the status page."""
    return JsonResponse(describe(get_owned_result(request, task_id)))
