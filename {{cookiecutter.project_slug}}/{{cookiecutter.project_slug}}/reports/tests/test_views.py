"""Request a report, watch it progress, download it; nobody else's reports."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from ..models import Report
from ..tasks import generate_monthly_report

LIST = reverse("reports:list")


@pytest.fixture
def adas_report(ada) -> Report:
    return Report.objects.create(owner=ada, month=datetime.date(2026, 1, 1))


@pytest.mark.django_db(transaction=True)
def test_requesting_a_report_enqueues_it_and_shows_its_page(client, ada, captured_tasks):
    client.force_login(ada)

    response = client.post(LIST, {"month": "2026-01"})

    report = Report.objects.get(owner=ada)
    [task] = captured_tasks.results(generate_monthly_report)
    assert task.args == [report.pk]
    assert report.task_id == task.id
    assert report.month == datetime.date(2026, 1, 1)
    assert response.status_code == 302
    assert response.url == reverse("reports:detail", args=[report.pk])


@pytest.mark.django_db(transaction=True)
def test_the_report_page_shows_progress_then_a_download(client, ada, captured_tasks):
    client.force_login(ada)
    page = client.post(LIST, {"month": "2026-01"}).url
    report = Report.objects.get(owner=ada)
    status = reverse("reports:status", args=[report.pk])

    before = client.get(status).json()
    assert (before["status"], before["progress"], before["download_url"]) == ("READY", 0, None)
    assert b'data-testid="report-progress"' in client.get(page).content

    captured_tasks.run_all()

    after = client.get(status).json()
    assert (after["status"], after["progress"]) == ("SUCCESSFUL", 100)
    download = client.get(after["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="registrations-2026-01.csv"' in download["Content-Disposition"]
    assert download.content.decode().startswith("date,registrations\r\n2026-01-01,")


@pytest.mark.django_db(transaction=True)
def test_a_future_month_is_a_form_error_and_enqueues_nothing(client, ada, captured_tasks):
    client.force_login(ada)
    response = client.post(LIST, {"month": "2999-01"})
    assert response.status_code == 200
    assert "has not happened yet" in response.content.decode()
    assert Report.objects.count() == 0
    assert captured_tasks.results() == []


def test_the_list_shows_only_my_reports(client, ada, grace, adas_report):
    Report.objects.create(owner=grace, month=datetime.date(2025, 7, 1))
    client.force_login(ada)
    assert list(client.get(LIST).context["reports"]) == [adas_report]


@pytest.mark.parametrize("name", ["detail", "status", "download"])
def test_another_users_report_is_not_found(client, grace, adas_report, name):
    adas_report.content = "date,registrations\r\n"
    adas_report.save()
    client.force_login(grace)
    assert client.get(reverse(f"reports:{name}", args=[adas_report.pk])).status_code == 404


@pytest.mark.parametrize("path", ["999999/", "999999/status.json", "abc/", "-1/download.csv"])
def test_unknown_and_malformed_report_ids_are_not_found(client, ada, path):
    client.force_login(ada)
    assert client.get(LIST + path).status_code == 404


def test_a_report_not_finished_yet_cannot_be_downloaded(client, ada, adas_report):
    client.force_login(ada)
    response = client.get(reverse("reports:download", args=[adas_report.pk]))
    assert response.status_code == 404


def test_a_report_not_enqueued_yet_is_ready(client, ada, adas_report):
    client.force_login(ada)
    state = client.get(reverse("reports:status", args=[adas_report.pk])).json()
    assert state["status"] == "READY"


@pytest.mark.parametrize("name", ["list", "detail", "status", "download"])
def test_anonymous_visitors_are_sent_to_log_in(client, adas_report, name):
    args = [] if name == "list" else [adas_report.pk]
    response = client.get(reverse(f"reports:{name}", args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_a_post_without_csrf_token_is_refused(ada):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ada)
    assert client.post(LIST, {"month": "2026-01"}).status_code == 403
    assert Report.objects.count() == 0


# The site's reports: built by the scheduler, seen by staff ---------------------


@pytest.fixture
def site_report(db) -> Report:
    return Report.objects.create(
        owner=None, month=datetime.date(2026, 10, 1), content="date,registrations\r\n"
    )


def test_staff_see_the_site_reports_beside_their_own(client, grace, site_report):
    grace.is_staff = True
    grace.save()
    client.force_login(grace)

    assert list(client.get(LIST).context["site_reports"]) == [site_report]
    page = client.get(reverse("reports:detail", args=[site_report.pk]))
    assert b'data-testid="site-report"' in page.content
    state = client.get(reverse("reports:status", args=[site_report.pk])).json()
    assert state["task_url"] is None  # the scheduler's task has no owner, so no status page
    assert client.get(reverse("reports:download", args=[site_report.pk])).status_code == 200


@pytest.mark.parametrize("name", ["detail", "status", "download"])
def test_a_site_report_is_not_found_for_anybody_else(client, ada, site_report, name):
    client.force_login(ada)
    assert client.get(LIST).context["site_reports"] is None
    assert client.get(reverse(f"reports:{name}", args=[site_report.pk])).status_code == 404


def test_staff_still_do_not_see_other_users_reports(client, grace, adas_report):
    grace.is_staff = True
    grace.save()
    client.force_login(grace)
    assert client.get(reverse("reports:detail", args=[adas_report.pk])).status_code == 404
