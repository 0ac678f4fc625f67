"""The staff dashboard of the task queues, in the admin's look, and its pause switch."""

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from ..http import AuthenticatedRequest
from . import dashboard, liveness
from .actions import may_operate

REFRESH_SECONDS = 5


@require_GET
@staff_member_required
def queues(request: HttpRequest) -> HttpResponse:
    """Each queue's tasks, latency and workers, the last hour's throughput; refreshes itself."""
    workers = liveness.workers_now()
    live_queues = [name for worker in workers for name in worker.queues]
    context = {
        **admin.site.each_context(request),
        "title": "Task queues",
        "queues": dashboard.queues(live_queues, liveness.paused_queues()),
        "bars": dashboard.chart(dashboard.last_hour()),
        "chart_width": dashboard.CHART_MINUTES * dashboard.BAR_WIDTH,
        "chart_height": dashboard.CHART_HEIGHT,
        "workers": workers,
        "may_operate": may_operate(request),
        "refresh_seconds": REFRESH_SECONDS,
    }
    return TemplateResponse(request, "monitoring/queues.html", context)


@require_POST
@staff_member_required
def switch(request: AuthenticatedRequest, queue_name: str) -> HttpResponse:
    """Pause or resume a queue (`action` is "pause" or "resume"), then back to the dashboard."""
    if not may_operate(request):
        raise PermissionDenied
    if queue_name not in dashboard.configured_queues():
        raise Http404("No such queue.")
    action = request.POST.get("action")
    if action == "pause":
        changed = liveness.pause(queue_name, request.user)
        done = f"Paused queue {queue_name}: the workers leave its READY tasks alone."
    elif action == "resume":
        changed = liveness.resume(queue_name, request.user)
        done = f"Resumed queue {queue_name}."
    else:
        messages.error(request, "Choose to pause or resume the queue.")
        return redirect("monitoring:queues")
    if changed:
        messages.success(request, done)
    else:
        messages.info(request, f"Queue {queue_name} was {action}d already.")
    return redirect("monitoring:queues")
