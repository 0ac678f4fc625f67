"""A task's status page, and the list of the user's tasks. (The tutorial's starting point: the
page shows the task as it was when served. Part 4 of the tutorial has you write the version
with the JSON that the page polls, to update itself.)
"""

import re

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.tasks import TaskResult, default_task_backend
from django.tasks.exceptions import TaskResultDoesNotExist
from django.views.decorators.http import require_GET

from ..http import AuthenticatedRequest
from .models import OwnedTask
from .story import story

# What backends use as task ids: {% if cookiecutter.backend == "rq" %}random letters and digits (workers/rq.py), UUIDs.{% else %}UUIDs (django-tasks-db), random letters and digits.{% endif %}
TASK_ID = re.compile(r"[-\w]{1,64}")
TASKS_PER_PAGE = 20


def get_owned_task(request: AuthenticatedRequest, task_id: str) -> tuple[TaskResult, OwnedTask]:
    """The result of a task the current user owns, with its record; or 404, the same for an
    unknown, malformed or someone else's id (one of another shape never reaches the database)."""
    if not TASK_ID.fullmatch(task_id):
        raise Http404("No such task.")
    owned = OwnedTask.objects.filter(task_id=task_id, owner_id=request.user.pk).first()
    if owned is None:
        raise Http404("No such task.")
    try:
        return default_task_backend.get_result(task_id), owned
    except TaskResultDoesNotExist:  # pruned since
        raise Http404("No such task.") from None


def is_staff(request: AuthenticatedRequest) -> bool:
    """Whether the user is staff (taskstatus cannot name the user model: accounts is above it)."""
    return bool(getattr(request.user, "is_staff", False))


@require_GET
@login_required
def status_page(request: AuthenticatedRequest, task_id: str) -> HttpResponse:
    """The task's story; the page updates itself until the task is finished."""
    task = story(*get_owned_task(request, task_id), staff=is_staff(request))
    return render(request, "taskstatus/status.html", {"task": task})


@require_GET
@login_required
def status_json(request: AuthenticatedRequest, task_id: str) -> JsonResponse:
    """Part 4 of the tutorial writes this view: until then, the page does not update itself."""
    raise Http404("Part 4 of the tutorial writes this view.")


@require_GET
@login_required
def task_list(request: AuthenticatedRequest) -> HttpResponse:
    """The user's tasks, newest first, a page at a time."""
    owned = OwnedTask.objects.filter(owner_id=request.user.pk)
    page = Paginator(owned, TASKS_PER_PAGE).get_page(request.GET.get("page"))
    tasks = [(task, status_of(task.task_id)) for task in page]
    return render(request, "taskstatus/list.html", {"page": page, "tasks": tasks})


def status_of(task_id: str) -> str | None:
    """The task's status; None if its result is gone (pruned)."""
    try:
        return default_task_backend.get_result(task_id).status
    except TaskResultDoesNotExist:
        return None
