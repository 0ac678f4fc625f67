"""Ask for a report (one a month at a time, a few an hour), watch it, download it; staff see
the site's too, nobody anybody else's."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

{% if cookiecutter.backend == "rq" -%}
from ...workers.rq import existing
{% else -%}
from ...workers.taskdb import TaskRow
{% endif -%}
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


@pytest.mark.django_db(transaction=True)
def test_asking_again_for_a_month_in_flight_shows_that_report_and_a_finished_one_is_rebuilt(
    client, ada, captured_tasks, settings
):
    client.force_login(ada)
    first = client.post(LIST, {"month": "2026-01"}).url
    assert client.post(LIST, {"month": "2026-01"}).url == first  # READY: nothing enqueued

    settings.REPORT_SECONDS_PER_DAY = -1  # time.sleep() refuses it: the task fails
    captured_tasks.run_all()
    settings.REPORT_SECONDS_PER_DAY = 0
    second = client.post(LIST, {"month": "2026-01"}).url
    captured_tasks.run_all()
    third = client.post(LIST, {"month": "2026-01"}).url

    assert len({first, second, third}) == 3
    assert [r.status for r in captured_tasks.results(generate_monthly_report)] == [
        "FAILED", "SUCCESSFUL", "READY"
    ]  # fmt: skip
    assert Report.objects.filter(owner=ada, finished_at=None).get().get_absolute_url() == third


@pytest.mark.django_db(transaction=True)
def test_a_report_whose_result_was_pruned_without_its_csv_failed_and_is_built_again(
    client, ada, captured_tasks
):
    client.force_login(ada)
    first = client.post(LIST, {"month": "2026-01"}).url
    captured_tasks.clear()  # as the pruning of old results does
    assert client.get(f"{first}status.json").json()["status"] == "FAILED"
    assert client.post(LIST, {"month": "2026-01"}).url != first


@pytest.mark.django_db(transaction=True)
def test_past_the_hourly_cap_a_request_is_refused_with_a_message_and_other_users_are_not(
    client, ada, grace, captured_tasks, settings
):
    settings.REPORTS_PER_USER_PER_HOUR = 2
    client.force_login(ada)
    adas = [client.post(LIST, {"month": month}).url for month in ("2026-01", "2026-02")]

    refused = client.post(LIST, {"month": "2026-03"})
    assert refused.status_code == 429
    assert "the limit of reports an hour (2)" in refused.content.decode()
    assert client.post(LIST, {"month": "2026-02"}).url == adas[1]  # in flight: shown, not counted
    assert len(captured_tasks.results(generate_monthly_report)) == 2

    client.force_login(grace)
    assert client.post(LIST, {"month": "2026-03"}).status_code == 302
    client.force_login(ada)
    Report.objects.update(requested_at=timezone.now() - datetime.timedelta(minutes=61))
    assert client.post(LIST, {"month": "2026-03"}).status_code == 302


def test_twenty_requests_at_once_for_a_month_give_one_report_and_one_task(
    database_for_threads, ada
):
    """Twenty threads, each with its database connection, post at the same moment; the
    reports are enqueued on the database backend of the settings, as in production."""
    clients = [Client() for _ in range(20)]
    for client in clients:
        client.force_login(ada)
    start = threading.Barrier(len(clients))

    def ask(client: Client) -> str:
        start.wait()
        try:
            return client.post(LIST, {"month": "2026-01"})["Location"]
        finally:
            connection.close()  # this thread's

    with ThreadPoolExecutor(len(clients)) as pool:
        pages = set(pool.map(ask, clients))

    report = Report.objects.get(owner=ada)
    assert pages == {report.get_absolute_url()}
{%- if cookiecutter.backend == "rq" %}
    assert existing([report.task_id]) == {report.task_id}
{%- else %}
    [task] = TaskRow.objects.filter(task_path=generate_monthly_report.module_path)
    assert str(task.id) == report.task_id
{%- endif %}
