"""Where a task is enqueued relative to the transaction that creates its data.

With django-tasks-db the task is a row written in the caller's transaction: it
commits or rolls back with the data. Other backends keep tasks elsewhere, and a
task enqueued before the commit can run, or leave side effects, for data that
never gets committed. `transaction.on_commit` is correct with every backend.
"""

from functools import partial

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from tasks_demo.accounts.models import User
from tasks_demo.accounts.tasks import send_welcome_email

IMMEDIATE = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "emails", "reports"],
    }
}


class Abort(Exception):
    """Whatever makes the transaction roll back after the enqueue."""


def register_then_fail(enqueue) -> None:
    """Create a user, enqueue their welcome email with `enqueue`, then roll back."""
    with pytest.raises(Abort), transaction.atomic():
        user = User.objects.create_user("ada@example.com", "pw")
        enqueue(user)
        raise Abort


@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_the_task_rolls_back_with_the_data():
    register_then_fail(lambda user: send_welcome_email.enqueue(user.pk))

    assert User.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_backend_outside_the_transaction_acts_on_data_that_never_commits(settings, mailoutbox):
    settings.TASKS = IMMEDIATE  # runs the task inside enqueue(), like an instant worker

    register_then_fail(lambda user: send_welcome_email.enqueue(user.pk))

    assert User.objects.count() == 0
    assert [message.to for message in mailoutbox] == [["ada@example.com"]]  # sent anyway


@pytest.mark.django_db(transaction=True)
def test_on_commit_enqueues_nothing_when_the_transaction_rolls_back(settings, mailoutbox):
    settings.TASKS = IMMEDIATE

    register_then_fail(
        lambda user: transaction.on_commit(partial(send_welcome_email.enqueue, user.pk))
    )

    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_on_commit_enqueues_once_the_data_is_committed(settings, mailoutbox):
    settings.TASKS = IMMEDIATE

    with transaction.atomic():
        user = User.objects.create_user("ada@example.com", "pw")
        transaction.on_commit(partial(send_welcome_email.enqueue, user.pk))
        assert mailoutbox == []  # not before the commit

    assert [message.to for message in mailoutbox] == [["ada@example.com"]]
