"""Request a monthly report, watch its progress, download its CSV; staff see the site's too."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q, QuerySet
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
    """The user's reports (and the site's, for staff), and the form to request another."""
    form = ReportRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            report = form.save(commit=False)
            report.owner_id = request.user.pk
            report.save()
            title = f"Report for {report.month:%Y-%m}"
            pending = enqueue_on_commit(
                generate_monthly_report, report.pk, owner=request.user, title=title
            )
        report.task_id = pending.result.id
        report.save(update_fields=["task_id"])
        return redirect(report)
    reports = visible_reports(request)
    context = {"reports": reports.exclude(owner=None), "site_reports": reports.filter(owner=None)}
    return render(request, "reports/list.html", {"form": form, **context})


def visible_reports(request: AuthenticatedRequest) -> QuerySet[Report]:
    """The user's own reports, and the site's for staff: anybody else's answer 404."""
    visible = Q(owner_id=request.user.pk)
    if getattr(request.user, "is_staff", False):  # AbstractBaseUser has no is_staff
        visible |= Q(owner=None)
    return Report.objects.filter(visible)


def report_state(report: Report) -> dict[str, Any]:
    """The report's task status and progress and, once done, where to download it."""
    try:
        result = default_task_backend.get_result(report.task_id)
    except TaskResultDoesNotExist:  # not enqueued yet, or its result was pruned since
        result = None
    status = result.status if result else ("SUCCESSFUL" if report.content else "READY")
    # The scheduler's tasks have no owner, so no status page.
    has_page = result is not None and report.owner_id is not None
    return {
        "status": status,
        "is_finished": status in {"SUCCESSFUL", "FAILED"},
        "error": result.errors[-1].exception_class_path if result and result.errors else None,
        "progress": report.progress,
        "download_url": reverse("reports:download", args=[report.pk]) if report.content else None,
        "task_url": reverse("taskstatus:page", args=[report.task_id]) if has_page else None,
    }


@require_GET
@login_required
def report_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The report's page: a progress bar while it runs, a download link when done."""
    report = get_object_or_404(visible_reports(request), pk=pk)
    return render(request, "reports/detail.html", {"report": report, "state": report_state(report)})


@require_GET
@login_required
def report_status(request: AuthenticatedRequest, pk: int) -> JsonResponse:
    """The report's state as JSON, polled by its page."""
    return JsonResponse(report_state(get_object_or_404(visible_reports(request), pk=pk)))


@require_GET
@login_required
def report_download(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The finished CSV as a file download."""
    report = get_object_or_404(visible_reports(request), pk=pk)
    if not report.content:
        raise Http404("This report is not ready yet.")
    response = HttpResponse(report.content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    return response
