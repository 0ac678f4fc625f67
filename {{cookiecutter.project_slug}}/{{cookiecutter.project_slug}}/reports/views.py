"""Request a monthly report, watch its progress, download its CSV; staff see the site's too."""

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.tasks import default_task_backend
from django.tasks.exceptions import TaskResultDoesNotExist
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ..http import AuthenticatedRequest
from ..taskstatus.enqueue import enqueue_on_commit
from .forms import ReportRequestForm
from .models import Report
from .tasks import generate_monthly_report


@login_required
@require_http_methods(["GET", "POST"])
@transaction.non_atomic_requests  # the atomic block of request_report must be the outermost
def report_list(request: AuthenticatedRequest) -> HttpResponse:
    """The user's reports (and the site's, for staff), and the form to request another."""
    form = ReportRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            return redirect(request_report(request.user, form.cleaned_data["month"]))
        except HourlyCapReached as error:
            form.add_error(None, error)
    reports = visible_reports(request)
    context = {"reports": reports.exclude(owner=None), "site_reports": reports.filter(owner=None)}
    status = 429 if form.has_error(NON_FIELD_ERRORS, "hourly_cap") else 200
    return render(request, "reports/list.html", {"form": form, **context}, status=status)


class HourlyCapReached(ValidationError):
    """The user has requested REPORTS_PER_USER_PER_HOUR reports in the last hour."""


def request_report(user: AbstractBaseUser, month: datetime.date) -> Report:
    """The user's report of `month` if one is in flight, else a new one, its task enqueued.

    Raises HourlyCapReached rather than request more than REPORTS_PER_USER_PER_HOUR an hour.
    """
    with transaction.atomic():
        # A second request of this user waits here until this one commits (without row locks,
        # at the start of its transaction): concurrent requests give one report.
        get_user_model().objects.select_for_update(no_key=True).filter(pk=user.pk).first()
        unfinished = Report.objects.filter(owner_id=user.pk, month=month, finished_at=None)
        if report := unfinished.first():
            if not report_state(report)["is_finished"]:
                return report
            unfinished.update(finished_at=timezone.now())  # it failed: build it again
        cap = settings.REPORTS_PER_USER_PER_HOUR
        an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
        if Report.objects.filter(owner_id=user.pk, requested_at__gt=an_hour_ago).count() >= cap:
            message = f"You have reached the limit of reports an hour ({cap}): try again later."
            raise HourlyCapReached(message, code="hourly_cap")
        report = Report.objects.create(owner_id=user.pk, month=month)
        title = f"Report for {month:%Y-%m}"
        pending = enqueue_on_commit(generate_monthly_report, report.pk, owner=user, title=title)
    report.task_id = pending.result.id
    report.save(update_fields=["task_id"])
    return report


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
    if result:
        status: str = result.status
    else:  # without a result, a report enqueued finished long ago: with its CSV, or failed
        status = "SUCCESSFUL" if report.content else "FAILED" if report.task_id else "READY"
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
