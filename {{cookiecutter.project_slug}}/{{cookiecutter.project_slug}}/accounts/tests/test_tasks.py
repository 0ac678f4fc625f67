"""The welcome email task: one message, sent once, naming no one in its errors."""

from tests.support.smtp import SMTPServer

from ..tasks import send_welcome_email

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
