"""Prometheus metrics at /metrics, for a scraper that sends the METRICS_TOKEN.

Two kinds, so that several processes add up:

- gauges of the queues (tasks READY and RUNNING, the oldest READY task's age, live workers,
  paused queues) are read from the database at each scrape: the database is the one place
  every process writes, so they are right whoever runs what, on any machine;
- counters of what happened (tasks enqueued, attempts started, tasks finished by status)
  and run times come from Django's task signals, in the process where it happened: the site
  enqueues, each worker runs. prometheus-client's multiprocess mode adds them up: each
  process writes its samples to files in PROMETHEUS_MULTIPROC_DIR, and a scrape sums the
  files of every process, those that exited included (a counter never goes back). Counting
  rows in the database instead would go back whenever old results are pruned.
  The directory is per machine: workers on another machine need a /metrics of their own.
"""

import hmac

from django.conf import settings
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.tasks import TaskResult, TaskResultStatus
from django.tasks.signals import task_enqueued, task_finished, task_started
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from . import dashboard, liveness

ENQUEUED = Counter("django_tasks_enqueued", "Tasks enqueued.", ["task", "queue"])
STARTED = Counter("django_tasks_started", "Attempts started (a retry is one more).",
                  ["task", "queue"])  # fmt: skip
FINISHED = Counter("django_tasks_finished", "Tasks finished, SUCCESSFUL or FAILED.",
                   ["task", "queue", "status"])  # fmt: skip
RUN_SECONDS = Histogram(
    "django_tasks_run_seconds", "How long a task's finishing attempt ran.", ["task"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 1800),
)  # fmt: skip


@receiver(task_enqueued)
def count_enqueued(sender: type, task_result: TaskResult, **kwargs: object) -> None:
    ENQUEUED.labels(task_result.task.module_path, task_result.task.queue_name).inc()


@receiver(task_started)
def count_started(sender: type, task_result: TaskResult, **kwargs: object) -> None:
    STARTED.labels(task_result.task.module_path, task_result.task.queue_name).inc()


@receiver(task_finished)
def count_finished(sender: type, task_result: TaskResult, **kwargs: object) -> None:
    task = task_result.task
    FINISHED.labels(task.module_path, task.queue_name, task_result.status).inc()
    if task_result.started_at and task_result.finished_at:  # a cancelled task never started
        ran = task_result.finished_at - task_result.started_at
        RUN_SECONDS.labels(task.module_path).observe(ran.total_seconds())


class QueuesCollector(Collector):
    """The queues' gauges, read from the database when Prometheus scrapes."""

    def collect(self):
        queued = GaugeMetricFamily("django_tasks_queued", "Tasks READY or RUNNING now.",
                                   labels=["queue", "status"])  # fmt: skip
        oldest = GaugeMetricFamily(
            "django_tasks_oldest_ready_age_seconds",
            "How long the oldest due READY task has waited (0: none waits).", labels=["queue"],
        )  # fmt: skip
        workers = GaugeMetricFamily(
            "django_tasks_live_workers", "Live worker processes taking the queue.", labels=["queue"]
        )
        paused = GaugeMetricFamily("django_tasks_queue_paused", "1 if the queue is paused.",
                                   labels=["queue"])  # fmt: skip
        live_queues = [name for worker in liveness.workers_now() for name in worker.queues]
        for queue in dashboard.queues(live_queues, liveness.paused_queues(), finished=False):
            queued.add_metric([queue.name, TaskResultStatus.READY], queue.ready)
            queued.add_metric([queue.name, TaskResultStatus.RUNNING], queue.running)
            latency = queue.latency
            oldest.add_metric([queue.name], latency.total_seconds() if latency else 0.0)
            workers.add_metric([queue.name], queue.workers)
            paused.add_metric([queue.name], int(queue.paused))
        yield from (queued, oldest, workers, paused)


def registry() -> CollectorRegistry:
    """The counters of every process, and the queues' gauges."""
    scraped = CollectorRegistry()
    multiprocess.MultiProcessCollector(scraped)
    scraped.register(QueuesCollector())
    return scraped


@require_GET
def endpoint(request: HttpRequest) -> HttpResponse:
    """The metrics in Prometheus' text format, for a request with the bearer token only."""
    expected = f"Bearer {settings.METRICS_TOKEN}".encode()
    given = request.headers.get("Authorization", "").encode()
    if not settings.METRICS_TOKEN or not hmac.compare_digest(given, expected):
        response = HttpResponse("A bearer token (METRICS_TOKEN) is needed.\n", status=401,
                                content_type="text/plain")  # fmt: skip
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
