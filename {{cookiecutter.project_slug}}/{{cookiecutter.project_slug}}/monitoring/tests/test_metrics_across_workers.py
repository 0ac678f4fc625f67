"""/metrics adds up what several worker processes did: its counters equal the database's."""

import pytest
from django.db.models import Count

from tests.support import procfile
from tests.support.smtp import REFUSED
from tests.support.waiting import wait_until
from tests.support.workers import WorkerProcess, running

from ...accounts.models import User
from ...accounts.tasks import send_welcome_email
from ...workers import taskdb
from .test_metrics import TOKEN, scrape

EMAILS = 6


@pytest.mark.django_db(transaction=True)
def test_the_counters_of_two_worker_processes_add_up_to_the_database_s(
    settings, smtp, worker_environment, tmp_path
):
    """Two `emails` workers send six welcome emails; the server holds the messages until each
    worker is sending one, then refuses two (they fail). Scraped once, /metrics counts as
    many enqueued, started and finished, by status, as the database holds."""
    settings.METRICS_TOKEN = TOKEN
    task = send_welcome_email.module_path
    before = scrape()
    line = procfile.workers()["emails"]
    workers = [WorkerProcess(line, env=worker_environment, log_path=tmp_path / f"{n}.log")
               for n in range(2)]  # fmt: skip
    users = [User.objects.create_user(f"user{n}@example.com", "pw") for n in range(EMAILS)]
    with running(workers), smtp.refusing(REFUSED, times=2):
        with smtp.holding():
            for user in users:
                send_welcome_email.enqueue(user.pk)
            wait_until(lambda: taskdb.TaskRow.objects.filter(status="RUNNING").count() == 2,
                       timeout=20, waiting_for="each worker to be sending an email")  # fmt: skip
        finished = taskdb.TaskRow.objects.filter(status__in=["SUCCESSFUL", "FAILED"])
        wait_until(lambda: finished.count() == EMAILS, timeout=20, waiting_for="every email")
        # A worker counts a finished task just after it saved the result (task_finished is
        # sent then): on a busy machine a scrape can fall in between, so wait for the counts.
        counted = finished_count(before, task) + EMAILS
        after = wait_until(lambda: scrape_counting(counted, task), timeout=20,
                           waiting_for="every finished email to be counted")  # fmt: skip

    rows = taskdb.TaskRow.objects.all()
    assert len({row.worker_ids[-1] for row in rows}) == 2  # both processes ran tasks
    by_status = dict(rows.values_list("status").annotate(n=Count("pk")))
    assert by_status == {"SUCCESSFUL": 4, "FAILED": 2}

    def delta(name: str, **labels: str) -> float:
        key = (name, tuple(sorted({"task": task, "queue": "emails", **labels}.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert delta("django_tasks_enqueued_total") == rows.count()
    assert delta("django_tasks_started_total") == sum(len(row.worker_ids) for row in rows)
    for status, count in by_status.items():
        assert delta("django_tasks_finished_total", status=status) == count
    assert after[("django_tasks_queued", (("queue", "emails"), ("status", "READY")))] == 0


def scrape_counting(finished: float, task: str) -> dict | None:
    """A scrape, if it counts `finished` of `task` finished."""
    scraped = scrape()
    return scraped if finished_count(scraped, task) == finished else None


def finished_count(scraped: dict, task: str) -> float:
    """How many of `task` a scrape counts finished, whatever their status."""
    return sum(value for (name, labels), value in scraped.items()
               if name == "django_tasks_finished_total" and ("task", task) in labels)  # fmt: skip
