"""Scenario 4: a task is enqueued only if the transaction that asked for it commits."""

import pytest
from django.db import transaction
from playwright.sync_api import Page

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.accounts.tasks import send_welcome_email
from {{ cookiecutter.project_slug }}.taskstatus.enqueue import enqueue_on_commit

from ..support import queues
{%- if cookiecutter.backend == "rq" %}
from ..support.waiting import wait_until
{%- endif %}
from .steps import PASSWORD, register


def test_a_registration_that_rolls_back_enqueues_nothing_and_sends_nothing(
    page: Page, site_url: str, smtp
):
    """Carol's registration fails after her welcome email was asked for: it rolls back.

    The test plays the register view: it creates Carol's account, asks for her welcome email
    with enqueue_on_commit, then fails; the account rolls back, and no task was enqueued. Dan
    then registers in the browser: once his email is sent, none has come for Carol.
    """
    with pytest.raises(RuntimeError, match="something went wrong"), transaction.atomic():
        carol = User.objects.create_user("carol@example.com", PASSWORD)
        enqueue_on_commit(send_welcome_email, carol.pk, owner=carol, title="Welcome email")
        raise RuntimeError("something went wrong after the welcome email was asked for")

    assert not User.objects.filter(email="carol@example.com").exists()
    assert not queues.enqueued(), "a task was enqueued by a rolled-back transaction"

    register(page, site_url, "dan@example.com")
    smtp.wait_for_messages(1, to="dan@example.com", timeout=10)
    assert [email.recipients for email in smtp.messages] == [["dan@example.com"]]
    assert queues.enqueued() == 1
{%- if cookiecutter.backend == "rq" %}


def test_on_rq_a_task_enqueued_in_a_transaction_outlives_its_rollback(smtp):
    """Why the register view enqueues on commit: RQ's queue is in Redis, outside the
    database's transaction. Erin's welcome email, enqueued directly inside a transaction that
    rolls back, is a job all the same: the worker runs it, and it fails, her account is gone."""
    with pytest.raises(RuntimeError, match="something went wrong"), transaction.atomic():
        erin = User.objects.create_user("erin@example.com", PASSWORD)
        result = send_welcome_email.enqueue(erin.pk)
        raise RuntimeError("something went wrong after the welcome email was enqueued")

    assert queues.enqueued() == 1, "the rollback took the job back"

    def finished() -> bool:
        result.refresh()
        return result.is_finished

    wait_until(finished, timeout=10, waiting_for="the worker to run Erin's welcome email")
    assert result.status == "FAILED"
    assert result.errors[-1].exception_class_path.endswith("User.DoesNotExist")
    assert smtp.messages == []
{%- endif %}
