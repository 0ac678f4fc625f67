"""Scenario: staff operate the queues after the mail server refused a welcome email."""

from django.urls import reverse
from playwright.sync_api import Page, expect

from {{ cookiecutter.project_slug }}.accounts.models import User

from .steps import PASSWORD, register

STAFF = "staff@example.com"


def log_in_to_the_admin(page: Page, site_url: str) -> None:
    User.objects.create_superuser(STAFF, PASSWORD)
    page.goto(site_url + reverse("admin:index"))
    page.locator("input[name=username]").fill(STAFF)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("queues-link")).to_be_visible()


def test_staff_find_a_failed_email_pause_its_queue_and_retry_it_once_the_server_is_fixed(
    page: Page, new_context, site_url: str, smtp, screenshot
):
    """Ada registers while the mail server refuses every message ("554"): her welcome email
    fails for good. Staff see it on the queues' dashboard and read its traceback; pause the
    `emails` queue, so that Bob's welcome email waits READY while the server is mended;
    resume it (Bob's goes out); and retry Ada's, which turns SUCCESSFUL on her own page.
    Ada, not staff, gets the login page for all of it, and /metrics refuses her."""
    with smtp.refusing():
        status_page = register(page, site_url, "ada@example.com")
        expect(page.get_by_test_id("task-status")).to_have_text("FAILED", timeout=10_000)

        staff = new_context().new_page()
        log_in_to_the_admin(staff, site_url)
        staff.get_by_test_id("queues-link").click()
        emails = staff.get_by_test_id("queue-emails")
        expect(emails.get_by_test_id("failed")).to_have_text("1")
        expect(emails.get_by_test_id("state")).to_contain_text("Running")
        screenshot(staff, "queues-dashboard.png")

        emails.get_by_test_id("failed").get_by_role("link").click()  # the FAILED tasks
        staff.locator("#result_list tbody th a").click()  # the task's page
        expect(staff.locator(".field-formatted_traceback")).to_contain_text("SMTPDataError")
        expect(staff.get_by_test_id("attempts")).to_contain_text(
            "failed with smtplib.SMTPDataError"
        )
        screenshot(staff, "task-traceback.png")

        staff.goto(site_url + reverse("monitoring:queues"))
        staff.get_by_role("button", name="Pause emails").click()
        expect(staff.get_by_test_id("queue-emails").get_by_test_id("state")).to_contain_text(
            "Paused"
        )
        bob = new_context().new_page()
        register(bob, site_url, "bob@example.com")  # waits: nobody takes the queue's tasks
        staff.reload()
        expect(staff.get_by_test_id("queue-emails").get_by_test_id("ready")).to_have_text("1")
        screenshot(staff, "queues-paused.png")
    # The server is fixed (it accepts mail again); Bob's email still waits, paused.
    expect(bob.get_by_test_id("task-status")).to_have_text("READY")

    staff.get_by_role("button", name="Resume emails").click()
    expect(bob.get_by_test_id("task-status")).to_have_text("SUCCESSFUL", timeout=10_000)
    smtp.wait_for_messages(1, to="bob@example.com")

    staff.goto(site_url + reverse("admin:django_tasks_database_dbtaskresult_changelist"))
    staff.locator("#searchbar").fill("ada@example.com")
    staff.locator("#searchbar").press("Enter")
    staff.locator("input[name=_selected_action]").check()
    staff.locator("select[name=action]").select_option("retry_tasks")
    staff.get_by_role("button", name="Run").click()
    expect(staff.get_by_test_id("allowed")).to_contain_text("send_welcome_email")
    screenshot(staff, "task-retry-confirm.png")
    staff.get_by_role("button", name="Yes, retry").click()
    expect(staff.locator(".messagelist")).to_contain_text("Retry: 1 task(s).")

    page.goto(status_page)
    expect(page.get_by_test_id("task-status")).to_have_text("SUCCESSFUL", timeout=10_000)
    smtp.wait_for_messages(1, to="ada@example.com")
    expect(page.get_by_test_id("task-attempts").locator("li")).to_have_count(2)

    # Ada is not staff: the login page for every page of it, a refusal for the rest.
    tasks = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    for url in [reverse("monitoring:queues"), tasks]:
        page.goto(site_url + url)
        expect(page).to_have_url(f"{site_url}{reverse('admin:login')}?next={url}")
    switch = page.request.post(site_url + reverse("monitoring:switch", args=["emails"]),
                               form={"action": "pause"}, max_redirects=0)  # fmt: skip
    assert switch.status in (302, 403)
    assert page.request.get(site_url + reverse("monitoring:metrics")).status == 401
