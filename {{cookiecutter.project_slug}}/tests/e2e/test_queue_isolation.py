"""Scenario 3: a long report does not delay welcome emails: each queue has its own worker."""

import time

from django.tasks import default_task_backend
from playwright.sync_api import Page, expect

from {{ cookiecutter.project_slug }}.reports.models import Report

from .steps import fill_in_registration, last_month, register, request_report

# A welcome email normally arrives well under a second after registering; a
# report takes about 3 s here (REPORT_SECONDS_PER_DAY in conftest.py).
PROMPTLY = 2.0


def test_a_welcome_email_arrives_promptly_while_a_long_report_is_running(
    page: Page, new_context, site_url: str, smtp
):
    """Rosa asks for a monthly report; her page shows it RUNNING on the `reports` worker.

    While it runs, Ben registers in another browser. His welcome email arrives within two seconds,
    while Rosa's report is still RUNNING: the `emails` worker did not wait for the `reports` one.
    Then the report finishes. With one worker for both queues, the email would have waited.
    """
    ben = new_context().new_page()
    fill_in_registration(ben, site_url, "ben@example.com")  # sent once the report runs
    register(page, site_url, "rosa@example.com")
    request_report(page, site_url, f"{last_month():%Y-%m}")
    report_status = page.get_by_test_id("task-status")
    expect(report_status, "the report should be running").to_have_text("RUNNING", timeout=10_000)

    registered_at = time.monotonic()
    ben.get_by_role("button", name="Register").click()
    smtp.wait_for_messages(1, to="ben@example.com", timeout=PROMPTLY)
    waited = time.monotonic() - registered_at

    report = Report.objects.get(owner__email="rosa@example.com")
    status = default_task_backend.get_result(report.task_id).status
    assert status == "RUNNING", f"the report finished before Ben's email arrived ({waited:.2f} s)"
    assert report.days_done < report.days_total
    expect(report_status, "the report should finish too").to_have_text("SUCCESSFUL", timeout=15_000)
