"""The welcome email task: one message, sent once; and its retry policy."""

import smtplib

import pytest
from django.tasks import TaskResult, TaskResultStatus

from ..models import User
from ..tasks import send_welcome_email, welcome_email_backoff


@pytest.mark.django_db
def test_the_welcome_email_goes_to_the_new_user(captured_tasks, mailoutbox):
    user = User.objects.create_user("ada@example.com", "pw")
    send_welcome_email.enqueue(user.pk)
    assert mailoutbox == []  # enqueued, not sent

    [result] = captured_tasks.run_all()

    assert result.status == "SUCCESSFUL"
    [message] = mailoutbox
    assert message.to == ["ada@example.com"]
    assert message.subject == "Welcome aboard, ada@example.com!"
    assert "Your account is ready" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "<strong>Welcome!</strong>" in html


@pytest.mark.django_db
def test_the_task_takes_the_user_id_not_the_user(captured_tasks):
    user = User.objects.create_user("ada@example.com", "pw")
    send_welcome_email.enqueue(user.pk)
    [result] = captured_tasks.results(send_welcome_email)
    assert result.args == [user.pk]


@pytest.mark.django_db
def test_a_user_deleted_before_the_task_runs_fails_the_task(captured_tasks, mailoutbox):
    user = User.objects.create_user("ada@example.com", "pw")
    send_welcome_email.enqueue(user.pk)
    user.delete()

    [result] = captured_tasks.run_all()

    assert result.status == "FAILED"
    assert result.errors[0].exception_class_path.endswith("User.DoesNotExist")
    assert mailoutbox == []


def test_welcome_emails_run_on_the_emails_queue():
    assert send_welcome_email.queue_name == "emails"


@pytest.mark.django_db
def test_a_second_run_sends_nothing(captured_tasks, mailoutbox):
    user = User.objects.create_user("ada@example.com", "pw")
    send_welcome_email.enqueue(user.pk)
    send_welcome_email.enqueue(user.pk)  # as when a dead worker's task runs again

    results = captured_tasks.run_all()

    assert [result.status for result in results] == ["SUCCESSFUL", "SUCCESSFUL"]
    assert [message.to for message in mailoutbox] == [["ada@example.com"]]


# Its retry policy -----------------------------------------------------------------

UNREACHABLE = ConnectionRefusedError(111, "Connection refused")
TRY_LATER = smtplib.SMTPDataError(451, b"4.3.0 Try again later")
REFUSED = smtplib.SMTPDataError(554, b"5.7.1 Message refused")


def after_attempts(attempts: int) -> TaskResult:
    """What the backoff sees after `attempts` runs of the task."""
    return TaskResult(
        task=send_welcome_email, id="t", status=TaskResultStatus.FAILED,
        enqueued_at=None, started_at=None, finished_at=None, last_attempted_at=None,
        args=[1], kwargs={}, backend="default", errors=[],
        worker_ids=[f"worker-{n}" for n in range(attempts)],
    )  # fmt: skip


@pytest.mark.parametrize("error", [UNREACHABLE, TRY_LATER, TimeoutError()], ids=repr)
def test_what_may_work_later_is_retried_after_each_configured_delay(settings, error):
    assert settings.EMAIL_RETRY_DELAYS == [60, 300, 900, 3600]
    delays = [welcome_email_backoff(error, after_attempts(n)) for n in range(1, 5)]
    assert delays == [60, 300, 900, 3600]
    assert send_welcome_email.max_attempts == 5  # then it fails for good


def test_a_refusal_is_not_retried():
    assert welcome_email_backoff(REFUSED, after_attempts(1)) is None
