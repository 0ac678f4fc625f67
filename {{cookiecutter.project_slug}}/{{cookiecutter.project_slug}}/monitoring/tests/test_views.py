"""The queues' dashboard: its figures, its alarm, its pause switch, and who may see it."""

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse

from ...reports.tasks import generate_monthly_report
from ...workers.models import PausedQueue
from ...workers.ownership import Ownership
from .helpers import failed, ready, running, staff_client

pytestmark = pytest.mark.django_db(transaction=True)  # workers' ownership has its own session

DASHBOARD = reverse("monitoring:queues")


def switch(client: Client, queue: str, action: str):
    return client.post(reverse("monitoring:switch", args=[queue]), {"action": action}, follow=True)


def test_each_queue_shows_its_tasks_latency_and_workers(operator):
    ready(), ready()
    running(), failed()
    with Ownership("w-default", queues="default"), Ownership("w-all", queues="*"):
        page = operator.get(DASHBOARD)
    assert page.status_code == 200
    queues = {queue.name: queue for queue in page.context["queues"]}
    assert set(queues) == {"default", "emails", "reports"}
    default = queues["default"]
    assert (default.ready, default.running, default.failed, default.successful) == (2, 1, 1, 0)
    assert default.latency is not None and default.workers == 2
    assert not default.silent
    assert sum(bar.minute.failed for bar in page.context["bars"]) == 1
    assert {w.process.worker_id for w in page.context["workers"]} == {"w-default", "w-all"}
    assert b'data-refresh-seconds="5"' in page.content  # refreshes itself (refresh.js)


def test_a_queue_with_ready_tasks_and_no_live_worker_is_an_alarm(operator):
    generate_monthly_report.enqueue(1)
    with Ownership("w-default", queues="default"):
        page = operator.get(DASHBOARD)
    [reports] = [queue for queue in page.context["queues"] if queue.name == "reports"]
    assert reports.silent
    assert "Alarm: no live worker" in page.content.decode()


def test_staff_pause_and_resume_a_queue_and_the_admin_logs_who(operator):
    page = switch(operator, "emails", "pause")
    assert "Paused queue emails" in page.content.decode()
    paused = PausedQueue.objects.get()
    assert (paused.queue_name, paused.paused_by) == ("emails", "operator@example.com")
    assert "Resume emails" in page.content.decode()

    switch(operator, "emails", "resume")
    assert not PausedQueue.objects.exists()
    log = LogEntry.objects.order_by("action_time")
    assert [entry.change_message for entry in log] == [
        "Paused queue emails.",
        "Resumed queue emails.",
    ]
    assert {entry.user.email for entry in log} == {"operator@example.com"}


def test_an_unknown_queue_or_a_get_changes_nothing(operator):
    assert switch(operator, "x" * 200, "pause").status_code == 404
    assert operator.get(reverse("monitoring:switch", args=["emails"])).status_code == 405
    assert not PausedQueue.objects.exists()


def test_only_staff_see_the_dashboard_and_only_operators_switch(ada):
    client = Client()
    client.force_login(ada)
    pause = reverse("monitoring:switch", args=["emails"])
    for response in [client.get(DASHBOARD), client.post(pause, {"action": "pause"})]:
        assert response.status_code == 302 and response.url.startswith("/admin/login/")
    viewer = staff_client(may_operate=False)
    assert viewer.get(DASHBOARD).status_code == 200
    assert switch(viewer, "emails", "pause").status_code == 403
    assert not PausedQueue.objects.exists()


def test_the_admin_index_links_to_the_dashboard(operator):
    assert DASHBOARD.encode() in operator.get(reverse("admin:index")).content
