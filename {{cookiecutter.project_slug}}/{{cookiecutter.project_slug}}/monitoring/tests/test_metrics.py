"""/metrics: refused without the token; with it, the queues' gauges as the database has them
and the counters of what the processes did."""

import pytest
from django.test import Client
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

from ...hello.tasks import say_hello
from ...workers.ownership import Ownership
from .helpers import failed, ready, running

pytestmark = pytest.mark.django_db(transaction=True)  # workers' ownership has its own session

TOKEN = "s3cret-scraper-token"


def scrape(token: str | None = TOKEN) -> dict[tuple[str, tuple], float]:
    """Every sample of /metrics, by name and sorted labels."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = Client().get(reverse("monitoring:metrics"), headers=headers)
    assert response.status_code == 200, response.content
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer wrong", f"Basic {TOKEN}"])
def test_metrics_are_refused_without_the_token(settings, header):
    settings.METRICS_TOKEN = TOKEN
    headers = {"Authorization": header} if header else {}
    response = Client().get(reverse("monitoring:metrics"), headers=headers)
    assert response.status_code == 401
    assert b"django_tasks" not in response.content


def test_metrics_are_refused_to_everyone_while_no_token_is_set(settings):
    settings.METRICS_TOKEN = ""
    response = Client().get(reverse("monitoring:metrics"), headers={"Authorization": "Bearer "})
    assert response.status_code == 401


def test_gauges_are_the_database_s_counts_now(settings):
    settings.METRICS_TOKEN = TOKEN
    ready(), ready(), running(), failed()
    with Ownership("w", queues="default,emails"):
        samples = scrape()
    assert samples[("django_tasks_queued", (("queue", "default"), ("status", "READY")))] == 2
    assert samples[("django_tasks_queued", (("queue", "default"), ("status", "RUNNING")))] == 1
    assert samples[("django_tasks_queued", (("queue", "reports"), ("status", "READY")))] == 0
    assert samples[("django_tasks_live_workers", (("queue", "emails"),))] == 1
    assert samples[("django_tasks_live_workers", (("queue", "reports"),))] == 0
    assert samples[("django_tasks_oldest_ready_age_seconds", (("queue", "default"),))] > 0


def test_counters_count_what_happened_in_this_process(settings):
    settings.METRICS_TOKEN = TOKEN
    task = (("queue", "default"), ("task", say_hello.module_path))
    before = scrape()
    ready()
    failed()
    after = scrape()

    def delta(name: str, labels: tuple = task) -> float:
        return after.get((name, labels), 0) - before.get((name, labels), 0)

    assert delta("django_tasks_enqueued_total") == 2
    assert delta("django_tasks_finished_total", tuple(sorted([*task, ("status", "FAILED")]))) == 1
    run_time = (("task", say_hello.module_path),)
    assert delta("django_tasks_run_seconds_count", run_time) == 1
