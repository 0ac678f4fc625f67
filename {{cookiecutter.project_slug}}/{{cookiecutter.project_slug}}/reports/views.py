"""Request a monthly report, watch its progress, download its CSV; staff see the site's too."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.tasks import default_task_backend
from django.tasks.exceptions import TaskResultDoesNotExist
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from ..http import AuthenticatedRequest
from ..taskstatus.enqueue import enqueue_on_commit
from .forms import ReportRequestForm
from .models import Report
from .tasks import generate_monthly_report


@login_required
@require_http_methods(["GET", "POST"])
@transaction.non_atomic_requests  # the atomic block below must be the outermost
def report_list(request: AuthenticatedRequest) -> HttpResponse:
    """The user's reports, and the form to request another."""
    form = ReportRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            report = form.save(commit=False)
            report.owner_id = request.user.pk
            report.save()
            pending = enqueue_on_commit(
                generate_monthly_report,
                report.pk,
                owner=request.user,
                title=f"Report for {report.month:%Y-%m}",
            )
        report.task_id = pending.result.id
        report.save(update_fields=["task_id"])
        return redirect(report)
    reports = Report.objects.filter(owner_id=request.user.pk)
    site_reports = Report.objects.filter(owner=None) if is_staff(request.user) else None
    return render(
        request,
        "reports/list.html",
        {"form": form, "reports": reports, "site_reports": site_reports},
    )


def is_staff(user: AbstractBaseUser) -> bool:
    """Whether the user is staff, who see the site's reports (an inactive user cannot sign in)."""
    return bool(getattr(user, "is_staff", False))


def get_visible_report(request: AuthenticatedRequest, pk: int) -> Report:
    """The current user's report, or a site report for staff; 404 for anything else.

    A missing report and someone else's get the same 404.
    """
    visible = Q(owner_id=request.user.pk)
    if is_staff(request.user):
        visible |= Q(owner=None)
    return get_object_or_404(Report.objects.filter(visible), pk=pk)


def report_state(report: Report) -> dict[str, Any]:
    """The report's task status and progress and, once done, where to download it."""
    status: str
    error: str | None = None
    task_url: str | None = None
    try:
        result = default_task_backend.get_result(report.task_id)
        status = result.status
        if result.errors:
            error = result.errors[-1].exception_class_path
        if not report.is_site_report:  # the scheduler's tasks have no owner, no status page
            task_url = reverse("taskstatus:page", args=[report.task_id])
    except TaskResultDoesNotExist:  # not enqueued yet, or its result was pruned since
        status = "SUCCESSFUL" if report.content else "READY"
    return {
        "status": status,
        "is_finished": status in {"SUCCESSFUL", "FAILED"},
        "error": error,
        "progress": report.progress,
        "download_url": reverse("reports:download", args=[report.pk]) if report.content else None,
        "task_url": task_url,
    }


@require_GET
@login_required
def report_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The report's page: a progress bar while it runs, a download link when done."""
    report = get_visible_report(request, pk)
    return render(request, "reports/detail.html", {"report": report, "state": report_state(report)})


@require_GET
@login_required
def report_status(request: AuthenticatedRequest, pk: int) -> JsonResponse:
    """The report's state as JSON, polled by its page."""
    return JsonResponse(report_state(get_visible_report(request, pk)))


@require_GET
@login_required
def report_download(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The finished CSV as a file download."""
    report = get_visible_report(request, pk)
    if not report.content:
        raise Http404("This report is not ready yet.")
    response = HttpResponse(report.content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    return response
