"""The welcome email in production: sent once, retried while the mail server cannot take it.

These run the task in this process (captured_tasks) against a real SMTP server
(testing/smtp.py); workers/tests/ runs the same against worker processes.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from ...taskstatus.models import TaskOwner
from ...testing.production import free_port
from ...testing.smtp import SMTPServer
from ...workers.models import TaskRetry
from ..models import User
from ..tasks import send_welcome_email

TRY_AGAIN_LATER = "421 4.3.2 Service not available, try again later"
REFUSED = "554 5.7.1 Message refused"


@pytest.fixture(autouse=True)
def mail_through_smtp(smtp: SMTPServer, settings) -> None:
    """This process's welcome emails go to the real SMTP server; retries 1 and 2 min later."""
    settings.MAILERS = smtp_mailer(smtp.port)
    settings.EMAIL_RETRY_DELAYS = [60, 120]


def smtp_mailer(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
        }
    }


def welcome(user: User):
    """Enqueue the user's welcome email, owned by them, as registering does."""
    result = send_welcome_email.enqueue(user.pk)
    TaskOwner.objects.create(task_id=result.id, owner=user)
    return result


def status_page_state(client, user: User, task_id: str) -> dict:
    client.force_login(user)
    return client.get(reverse("taskstatus:json", args=[task_id])).json()


def test_a_second_run_sends_nothing(ada, captured_tasks, smtp):
    send_welcome_email.enqueue(ada.pk)
    send_welcome_email.enqueue(ada.pk)  # as when a dead worker's task runs again

    results = captured_tasks.run_all()

    assert [result.status for result in results] == ["SUCCESSFUL", "SUCCESSFUL"]
    [email] = smtp.messages
    assert email.recipients == ["ada@example.com"]
    ada.refresh_from_db()
    assert ada.welcome_email_sent_at is not None


def test_try_again_later_schedules_a_retry_that_the_status_page_shows(
    ada, captured_tasks, smtp, client
):
    first = welcome(ada)
    with smtp.refusing(TRY_AGAIN_LATER):
        failed = captured_tasks.backend.run(first.id)  # this attempt only

    assert failed.status == "FAILED"  # the admin shows what went wrong...
    assert failed.errors[0].exception_class_path == "smtplib.SMTPDataError"
    [retry] = captured_tasks.ready(send_welcome_email)
    assert retry.kwargs == {"attempt": 2}
    assert retry.args == [ada.pk]
    assert 50 < (retry.task.run_after - timezone.now()).total_seconds() <= 60
    assert TaskRetry.objects.get(task_id=first.id).retry_task_id == retry.id
    assert TaskOwner.objects.get(task_id=retry.id).owner == ada
    # ...and the user sees the email waiting for its retry, not a failure.
    state = status_page_state(client, ada, first.id)
    assert (state["id"], state["status"]) == (retry.id, "READY")

    captured_tasks.run_all()  # the server takes it now

    assert status_page_state(client, ada, first.id)["status"] == "SUCCESSFUL"
    [email] = smtp.messages
    assert email.recipients == ["ada@example.com"]


def test_an_unreachable_server_is_tried_once_per_delay_then_shown_as_failed(
    ada, captured_tasks, settings, client
):
    settings.MAILERS = smtp_mailer(free_port())  # nothing listens there
    settings.EMAIL_RETRY_DELAYS = [60, 120]
    first = welcome(ada)

    attempts = captured_tasks.run_all()  # runs retries at once, whatever their run_after

    assert [attempt.kwargs.get("attempt", 1) for attempt in attempts] == [1, 2, 3]
    assert {attempt.status for attempt in attempts} == {"FAILED"}
    state = status_page_state(client, ada, first.id)
    assert state["status"] == "FAILED"
    assert state["error"] == "builtins.ConnectionRefusedError"
    assert captured_tasks.ready() == []


def test_a_permanent_refusal_fails_at_once(ada, captured_tasks, smtp, client):
    first = welcome(ada)
    with smtp.refusing(REFUSED):
        failed = captured_tasks.backend.run(first.id)

    assert failed.status == "FAILED"
    assert captured_tasks.ready() == []
    state = status_page_state(client, ada, first.id)
    assert (state["status"], state["error"]) == ("FAILED", "smtplib.SMTPDataError")
    assert smtp.messages == []
