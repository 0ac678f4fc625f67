"""Sending the accounts' emails, and when to try again.

Every email of the app goes through `send()`; the tasks that send them retry with
`email_backoff` (workers/policies.py's `@retry`).
"""

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import TaskResult
from django.template.loader import render_to_string

from .models import User


def mail_server_may_accept_later(error: BaseException) -> bool:
    """Whether sending again later may work: the server was unreachable or said 4xx."""
    if isinstance(error, smtplib.SMTPResponseException):  # the server answered with a code
        return 400 <= error.smtp_code < 500
    # Connection refused or reset, a timeout, a server that hung up.
    return isinstance(error, ConnectionError | TimeoutError | smtplib.SMTPServerDisconnected)


def email_backoff(error: BaseException, result: TaskResult) -> float | None:
    """Retry while the mail server may accept later, after each of EMAIL_RETRY_DELAYS."""
    if not mail_server_may_accept_later(error):
        return None  # a 5xx refusal: sending again would be refused again
    return settings.EMAIL_RETRY_DELAYS[result.attempts - 1]


def send_text_email(user: User, name: str, context: dict[str, str]) -> None:
    """Send `user` the plain-text email of templates accounts/email/<name>[_subject].txt."""
    context = {**context, "email": user.email}
    subject = render_to_string(f"accounts/email/{name}_subject.txt", context).strip()
    body = render_to_string(f"accounts/email/{name}.txt", context)
    send(EmailMessage(subject=subject, body=body, to=[user.email]))


def send(message: EmailMessage) -> None:
    """Send `message`. The worker logs a task's error and stores its traceback: a refused
    recipient is raised without the address (the server's answer names it), with its code."""
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        [(code, _)] = error.recipients.values()  # the messages here have one recipient
        raise smtplib.SMTPResponseException(code, b"The recipient was refused.") from None
