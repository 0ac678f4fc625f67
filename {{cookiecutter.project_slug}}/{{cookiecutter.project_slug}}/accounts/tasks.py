"""Background tasks of the accounts app."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import TaskContext, task
from django.template.loader import render_to_string
from django.utils import timezone

from ..workers.retries import retry_later
from .models import User

logger = logging.getLogger(__name__)


# Welcome emails share no worker with slow reports (see the Procfile) and,
# should they ever share one, outrank them.
@task(queue_name="emails", priority=10, takes_context=True)
def send_welcome_email(context: TaskContext, user_id: int, attempt: int = 1) -> None:
    """Email a new user their welcome message, once.

    Takes the user's id, not the user: task arguments are stored as JSON, and the
    worker must read the user as it is when the task runs.

    Safe to run twice: a worker that dies mid-task has its task run again (see
    workers/recovery.py), so the user records when the email went out, and a run
    that finds it set sends nothing. One window remains: a worker that dies after
    the mail server took the message but before that record is written sends it
    again. Delivery is at-least-once, and in that rare case twice.

    When the mail server cannot take the message for now (it is unreachable, or
    answers 4xx "try again later"), this schedules attempt `attempt + 1` after
    the next of settings.EMAIL_RETRY_DELAYS and raises: this attempt is FAILED
    with its real error, and the status page follows the retry. A permanent
    refusal (5xx), or a failure after the last delay, fails for good.
    """
    user = User.objects.get(pk=user_id)
    if user.welcome_email_sent_at is not None:
        logger.info("The welcome email of user %s went out already; not sending it again.", user_id)
        return
    try:
        welcome_message(user).send()
    except Exception as error:
        delays = settings.EMAIL_RETRY_DELAYS
        if not is_temporary(error) or attempt > len(delays):
            raise
        delay = timedelta(seconds=delays[attempt - 1])
        retry_id = retry_later(context, user_id, attempt=attempt + 1, delay=delay)
        logger.warning(
            "Welcome email of user %s failed (%r); attempt %d in %s is task %s.",
            user_id,
            error,
            attempt + 1,
            delay,
            retry_id,
        )
        raise
    User.objects.filter(pk=user_id).update(welcome_email_sent_at=timezone.now())


def welcome_message(user: User) -> EmailMultiAlternatives:
    """The welcome email: a plain-text body with an HTML alternative."""
    context = {"user": user}
    subject = render_to_string("accounts/email/welcome_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("accounts/email/welcome.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("accounts/email/welcome.html", context), "text/html"
    )
    return message


def is_temporary(error: Exception) -> bool:
    """Whether sending again later may work: the server was unreachable or said 4xx."""
    if isinstance(error, smtplib.SMTPResponseException):  # the server answered with a code
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    # Connection refused or reset, a timeout, a server that hung up.
    return isinstance(error, ConnectionError | TimeoutError | smtplib.SMTPServerDisconnected)
