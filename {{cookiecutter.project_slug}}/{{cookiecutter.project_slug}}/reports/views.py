"""Request a monthly report, watch its progress, download its CSV."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.tasks import default_task_backend
from django.tasks.exceptions import TaskResultDoesNotExist
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from ..taskstatus.enqueue import enqueue_on_commit
from ..taskstatus.status import describe
from .forms import ReportRequestForm
from .models import Report
from .tasks import generate_monthly_report


@login_required
@require_http_methods(["GET", "POST"])
@transaction.non_atomic_requests  # the atomic block below must be the outermost
def report_list(request: HttpRequest) -> HttpResponse:
    """The user's reports, and the form to request another."""
    form = ReportRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            report = form.save(commit=False)
            report.owner = request.user
            report.save()
            pending = enqueue_on_commit(generate_monthly_report, report.pk, owner=request.user)
        report.task_id = pending.result.id
        report.save(update_fields=["task_id"])
        return redirect(report)
    reports = Report.objects.filter(owner=request.user)
    return render(request, "reports/list.html", {"form": form, "reports": reports})


def get_owned_report(request: HttpRequest, pk: int) -> Report:
    """The current user's report, or 404 whether it is missing or someone else's."""
    return get_object_or_404(Report, pk=pk, owner=request.user)


def report_state(report: Report) -> dict[str, Any]:
    """The report's task state plus its progress and, once done, where to download it."""
    try:
        if not report.task_id:
            raise TaskResultDoesNotExist(report.task_id)  # not enqueued yet
        state = describe(default_task_backend.get_result(report.task_id))
    except TaskResultDoesNotExist:  # or its result was pruned since
        done = bool(report.content)
        state = {"status": "SUCCESSFUL" if done else "READY", "is_finished": done, "error": None}
    state["progress"] = report.progress
    state["download_url"] = (
        reverse("reports:download", args=[report.pk]) if state["status"] == "SUCCESSFUL" else None
    )
    return state


@require_GET
@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The report's page: a progress bar while it runs, a download link when done."""
    report = get_owned_report(request, pk)
    return render(request, "reports/detail.html", {"report": report, "state": report_state(report)})


@require_GET
@login_required
def report_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The report's state as JSON, polled by its page."""
    return JsonResponse(report_state(get_owned_report(request, pk)))


@require_GET
@login_required
def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The finished CSV as a file download."""
    report = get_owned_report(request, pk)
    if not report.content:
        raise Http404("This report is not ready yet.")
    response = HttpResponse(report.content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    return response
