"""Scenario 2: a monthly report is built in the background, with a progress bar; asked for
again while it is built, it is shown again; past the hourly limit, the form says so."""

import calendar
import csv
import datetime
from pathlib import Path

from django.urls import reverse
from playwright.sync_api import Page, expect

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.reports.models import Report

from .steps import PASSWORD, last_month, register, request_report, wait_in_page

PROGRESS = "document.querySelector('[data-testid=report-progress]').value"


def test_a_monthly_report_shows_its_progress_and_its_csv_counts_the_registrations(
    page: Page, site_url: str, screenshot
):
    """Three people registered last month: two on the 3rd, one on the 17th (the test creates
    them in the database: nobody can register in the past).

    Rosa registers (today, outside last month) and asks for last month's report. Its page shows
    a progress bar that advances while the `reports` worker counts day by day, then a download
    link. The CSV has a row per day: 2 registrations on the 3rd, 1 on the 17th, 0 on the others.
    """
    month = last_month()
    for number, day in enumerate([3, 3, 17]):
        joined = datetime.datetime.combine(month.replace(day=day), datetime.time(12), datetime.UTC)
        User.objects.create_user(f"user{number}@example.com", PASSWORD, date_joined=joined)
    register(page, site_url, "rosa@example.com")

    request_report(page, site_url, f"{month:%Y-%m}")
    half_done = f"{PROGRESS} > 0 && {PROGRESS} < 100"
    wait_in_page(page, half_done, waiting_for="the progress bar to show a report half done")
    screenshot(page, "report-progress.png")
    expect(page.get_by_test_id("task-status")).to_have_text("SUCCESSFUL", timeout=15_000)
    wait_in_page(page, f"{PROGRESS} === 100", waiting_for="the progress bar to be full")
    download_link = page.get_by_test_id("report-download")
    expect(download_link).to_be_visible()
    screenshot(page, "report-done.png")

    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename == f"registrations-{month:%Y-%m}.csv"
    rows = list(csv.reader(Path(download.value.path()).read_text().splitlines()))

    registrations = {3: "2", 17: "1"}  # by day of the month; "0" on the others
    days = range(1, calendar.monthrange(month.year, month.month)[1] + 1)
    assert rows == [
        ["date", "registrations"],
        *([f"{month:%Y-%m}-{day:02d}", registrations.get(day, "0")] for day in days),
    ]


def test_a_report_asked_for_again_is_shown_again_and_past_the_hourly_limit_the_form_says_so(
    page: Page, site_url: str, settings
):
    """Here a user may request one report an hour. Rosa asks for last month's report, and again
    while the worker builds it (seconds): she lands on the same report's page. She
    asks for the month before: the form tells her she reached the limit, and nothing is queued.
    """
    settings.REPORTS_PER_USER_PER_HOUR = 1
    register(page, site_url, "rosa@example.com")
    month = last_month()

    report_page = request_report(page, site_url, f"{month:%Y-%m}")
    assert request_report(page, site_url, f"{month:%Y-%m}") == report_page

    month_before = (month - datetime.timedelta(days=1)).replace(day=1)
    page.goto(site_url + reverse("reports:list"))
    page.locator("input[name=month]").fill(f"{month_before:%Y-%m}")
    page.get_by_role("button", name="Request report").click()
    expect(page.locator(".errorlist.nonfield")).to_contain_text("the limit of reports an hour (1)")
    assert Report.objects.get().month == month
