"""Scenario 2: a monthly report is built in the background, with a progress bar."""

import calendar
import csv
import datetime
from pathlib import Path

from playwright.sync_api import Page, expect

from {{ cookiecutter.project_slug }}.accounts.models import User

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
