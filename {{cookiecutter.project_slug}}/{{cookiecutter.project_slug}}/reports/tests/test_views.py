"""Ask for a report, watch it, download it; staff see the site's too, nobody anybody else's."""

import datetime

import pytest
from django.urls import reverse

from ..models import Report
from ..tasks import generate_monthly_report

LIST = reverse("reports:list")


@pytest.mark.django_db(transaction=True)  # the report's task is enqueued on commit
def test_a_report_asked_for_is_enqueued_and_its_page_shows_its_state_then_its_csv(
    client, ada, captured_tasks
):
    client.force_login(ada)
    page = client.post(LIST, {"month": "2026-01"}).url
    report = Report.objects.get(owner=ada)
    [task] = captured_tasks.results(generate_monthly_report)
    assert (page, task.args, report.task_id) == (report.get_absolute_url(), [report.pk], task.id)
    status = reverse("reports:status", args=[report.pk])
    assert client.get(status).json()["status"] == "READY"

    captured_tasks.run_all()

    state = client.get(status).json()
    assert (state["status"], state["progress"]) == ("SUCCESSFUL", 100)
    download = client.get(state["download_url"])
    assert download["Content-Disposition"] == 'attachment; filename="registrations-2026-01.csv"'
    assert download.content.decode().startswith("date,registrations\r\n2026-01-01,")


@pytest.mark.parametrize("staff", [True, False])
def test_staff_also_see_the_site_reports_and_nobody_sees_anybody_elses(client, ada, grace, staff):
    month, csv = datetime.date(2026, 10, 1), "date,registrations\r\n"
    adas = Report.objects.create(owner=ada, month=month, content=csv)
    the_sites = Report.objects.create(owner=None, month=month, content=csv)
    grace.is_staff = staff
    grace.save()
    client.force_login(grace)

    assert list(client.get(LIST).context["site_reports"]) == ([the_sites] if staff else [])
    for name in ["detail", "status", "download"]:
        answers = [client.get(reverse(f"reports:{name}", args=[r.pk])) for r in (the_sites, adas)]
        assert [a.status_code for a in answers] == [200 if staff else 404, 404]
    if staff:
        assert b'data-testid="site-report"' in client.get(the_sites.get_absolute_url()).content
