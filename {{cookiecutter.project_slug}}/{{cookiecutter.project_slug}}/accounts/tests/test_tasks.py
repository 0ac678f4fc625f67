"""The welcome email task: one message, sent once; and its retry policy."""

import smtplib

import pytest
from django.tasks import TaskResult, TaskResultStatus

from ..models import User
from ..tasks import send_welcome_email, welcome_email_backoff


@pytest.fixture
def ada(db) -> User:
    return User.objects.create_user("ada@example.com", "pw")


def test_the_welcome_email_goes_to_the_new_user_once(ada, captured_tasks, mailoutbox):
    send_welcome_email.enqueue(ada.pk)
    send_welcome_email.enqueue(ada.pk)  # as when a dead worker's task runs again
    assert mailoutbox == []  # enqueued, not sent

    results = captured_tasks.run_all()

    assert [result.status for result in results] == ["SUCCESSFUL", "SUCCESSFUL"]
    [message] = mailoutbox
    assert message.to == ["ada@example.com"]
    assert message.subject == "Welcome aboard, ada@example.com!"
    assert "Your account is ready" in message.body
    [(html, mimetype)] = message.alternatives
    assert (mimetype, "<strong>Welcome!</strong>" in html) == ("text/html", True)


def test_a_user_deleted_before_the_task_runs_fails_the_task(ada, captured_tasks, mailoutbox):
    send_welcome_email.enqueue(ada.pk)
    ada.delete()

    [result] = captured_tasks.run_all()

    assert result.status == "FAILED"
    assert result.errors[0].exception_class_path.endswith("User.DoesNotExist")
    assert mailoutbox == []


def after_attempts(attempts: int) -> TaskResult:
    """What the backoff sees after `attempts` runs of the task."""
    return TaskResult(
        task=send_welcome_email, id="t", status=TaskResultStatus.FAILED,
        enqueued_at=None, started_at=None, finished_at=None, last_attempted_at=None,
        args=[1], kwargs={}, backend="default", errors=[],
        worker_ids=[f"worker-{n}" for n in range(attempts)],
    )  # fmt: skip


@pytest.mark.parametrize(
    "error",
    [ConnectionRefusedError(111, "refused"), smtplib.SMTPDataError(451, b"later"), TimeoutError()],
    ids=["unreachable", "4xx", "timeout"],
)
def test_what_may_work_later_is_retried_after_each_configured_delay(settings, error):
    assert settings.EMAIL_RETRY_DELAYS == [60, 300, 900, 3600]
    delays = [welcome_email_backoff(error, after_attempts(n)) for n in range(1, 5)]
    assert delays == [60, 300, 900, 3600]
    assert send_welcome_email.max_attempts == 5  # then it fails for good


def test_a_refusal_is_not_retried():
    assert welcome_email_backoff(smtplib.SMTPDataError(554, b"refused"), after_attempts(1)) is None
