"""The welcome email task: one message, sent once; and its retry policy."""

import smtplib
from dataclasses import replace

import pytest
from django.tasks import TaskResult

from tests.support.smtp import SMTPServer

from ..tasks import send_welcome_email, welcome_email_backoff

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


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
    """The task's result as the backoff sees it after `attempts` runs (needs captured_tasks)."""
    return replace(send_welcome_email.enqueue(1), worker_ids=["a-worker"] * attempts)


@pytest.mark.parametrize(
    "error",
    [ConnectionRefusedError(111, "refused"), smtplib.SMTPDataError(451, b"later"), TimeoutError()],
    ids=["unreachable", "4xx", "timeout"],
)
def test_what_may_work_later_is_retried_after_each_configured_delay(captured_tasks, error):
    delays = [welcome_email_backoff(error, after_attempts(n)) for n in range(1, 5)]
    assert delays == [60, 300, 900, 3600]
    assert send_welcome_email.max_attempts == 5  # then it fails for good


def test_a_refusal_is_not_retried(captured_tasks):
    assert welcome_email_backoff(smtplib.SMTPDataError(554, b"refused"), after_attempts(1)) is None


class RefusingRecipients(SMTPServer):
    """A mail server that refuses every recipient, naming it, as real ones do."""

    async def handle_RCPT(self, server, session, envelope, address, options) -> str:
        return f"550 5.1.1 <{address}>: Recipient address rejected"


def test_a_refused_recipient_fails_the_task_without_the_address_in_its_error(
    ada, captured_tasks, settings
):
    """The worker logs the error and stores its traceback: they name the user by id only."""
    with RefusingRecipients() as server:
        smtp = {"host": "127.0.0.1", "port": server.port, "use_tls": False}
        settings.MAILERS = {"default": {"BACKEND": SMTP_BACKEND, "OPTIONS": smtp}}
        send_welcome_email.enqueue(ada.pk)
        [result] = captured_tasks.run_all()

    assert result.status == "FAILED"
    [error] = result.errors
    assert error.exception_class_path == "smtplib.SMTPResponseException"
    assert "550" in error.traceback
    assert "ada@example.com" not in error.traceback
