"""Scenario 4: a task is enqueued only if the transaction that asked for it commits."""

import pytest
from django.db import transaction
from playwright.sync_api import Page

from {{ cookiecutter.project_slug }}.accounts.models import User
from {{ cookiecutter.project_slug }}.accounts.tasks import send_welcome_email
from {{ cookiecutter.project_slug }}.taskstatus.enqueue import enqueue_on_commit
from {{ cookiecutter.project_slug }}.workers.taskdb import TaskRow

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
    assert not TaskRow.objects.exists(), "a task was enqueued by a rolled-back transaction"

    register(page, site_url, "dan@example.com")
    smtp.wait_for_messages(1, to="dan@example.com", timeout=10)
    assert [email.recipients for email in smtp.messages] == [["dan@example.com"]]
    assert TaskRow.objects.count() == 1
