"""prune_db_task_results deletes old finished results of the `default` queue only.

Results on named queues (emails, reports) stay until you pass --queue-name '*'.
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tasks_demo.accounts.tasks import send_welcome_email
from tasks_demo.hello.tasks import say_hello

from .test_tasks_framework import run_worker


@pytest.fixture
def finished_long_ago() -> dict[str, str]:
    """One finished result on the default queue and one on `emails`, 30 days old."""
    hello = say_hello.enqueue("Ada")
    welcome = send_welcome_email.enqueue(999_999)  # fails: no such user; still finished
    run_worker("--queue-name", "*")
    DBTaskResult.objects.update(finished_at=timezone.now() - timedelta(days=30))
    return {"default": hello.id, "emails": welcome.id}


def remaining_queues() -> list[str]:
    return sorted(DBTaskResult.objects.values_list("queue_name", flat=True))


@pytest.mark.django_db(transaction=True)
def test_without_queue_name_only_the_default_queue_is_pruned(finished_long_ago):
    call_command("prune_db_task_results", verbosity=0)
    assert remaining_queues() == ["emails"]


@pytest.mark.django_db(transaction=True)
def test_a_star_prunes_every_queue(finished_long_ago):
    call_command("prune_db_task_results", "--queue-name", "*", verbosity=0)
    assert remaining_queues() == []


@pytest.mark.django_db(transaction=True)
def test_recent_and_unfinished_results_are_kept(finished_long_ago):
    DBTaskResult.objects.filter(queue_name="emails").update(finished_at=timezone.now())
    waiting = say_hello.enqueue("Grace")

    call_command("prune_db_task_results", "--queue-name", "*", verbosity=0)

    assert remaining_queues() == ["default", "emails"]
    assert DBTaskResult.objects.filter(queue_name="default").get().status == "READY"
    assert str(DBTaskResult.objects.get(queue_name="default").id) == waiting.id
