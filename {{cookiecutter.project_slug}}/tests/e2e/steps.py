"""What a visitor does in the browser, in the words of the scenarios."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Error, Page, expect

PASSWORD = "correct horse battery staple"
TASK_STATUS_PAGE = re.compile(r"/tasks/[^/]+/$")
REPORT_PAGE = re.compile(r"/reports/\d+/$")


def fill_in_registration(page: Page, site_url: str, email: str, confirmation: str = "") -> None:
    """Open the registration page and fill in the form, without sending it yet."""
    page.goto(site_url + reverse("register"))
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(confirmation or PASSWORD)


def register(page: Page, site_url: str, email: str) -> str:
    """Register with `email`; return the status page of the welcome email it lands on."""
    fill_in_registration(page, site_url, email)
    page.get_by_role("button", name="Register").click()
    expect(page).to_have_url(TASK_STATUS_PAGE)
    return page.url


def request_report(page: Page, site_url: str, month: str) -> str:
    """Ask for the report of `month` ("YYYY-MM"); return the report's page."""
    page.goto(site_url + reverse("reports:list"))
    page.locator("input[name=month]").fill(month)
    page.get_by_role("button", name="Request report").click()
    expect(page).to_have_url(REPORT_PAGE)
    return page.url


def wait_in_page(page: Page, condition: str, *, waiting_for: str, timeout: float = 10) -> None:
    """Wait until the JavaScript expression `condition` holds in the page."""
    try:
        page.wait_for_function(f"() => {condition}", timeout=timeout * 1000)
    except Error as error:
        message = f"Timed out after {timeout:g} s waiting for {waiting_for} ({condition})."
        raise AssertionError(message) from error


def last_month() -> datetime.date:
    """The first day of last month: the latest month whose report is complete."""
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
