"""Background tasks of the accounts app."""

import smtplib

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.tasks import TaskResult, task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ..workers.policies import retry, time_limit
from .models import User


def mail_server_may_accept_later(error: BaseException) -> bool:
    """Whether sending again later may work: the server was unreachable or said 4xx."""
    if isinstance(error, smtplib.SMTPResponseException):  # the server answered with a code
        return 400 <= error.smtp_code < 500
    # Connection refused or reset, a timeout, a server that hung up.
    return isinstance(error, ConnectionError | TimeoutError | smtplib.SMTPServerDisconnected)


def welcome_email_backoff(error: BaseException, result: TaskResult) -> float | None:
    """Retry while the mail server may accept later, after each of EMAIL_RETRY_DELAYS."""
    if not mail_server_may_accept_later(error):
        return None  # a 5xx refusal: sending again would be refused again
    return settings.EMAIL_RETRY_DELAYS[result.attempts - 1]


# Retried while the mail server is unreachable or says "try again later" (4xx),
# after each of settings.EMAIL_RETRY_DELAYS; a refusal (5xx) fails at once.
@retry(max_attempts=len(settings.EMAIL_RETRY_DELAYS) + 1, backoff=welcome_email_backoff)
@time_limit(seconds=60)
@task(queue_name="emails", priority=10)  # outranks reports, should they share a worker
def send_welcome_email(user_id: int) -> None:
    """Email a new user their welcome message, once.

    Takes the user's id: arguments are stored as JSON, and the task reads the user as they
    are when it runs. It may run twice (after a worker died mid-task), so it records that
    the email went out and sends nothing the second time.
    """
    user = User.objects.get(pk=user_id)
    if user.welcome_email_sent_at is not None:
        return
    send(welcome_message(user))
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


# The two emails below answer someone who typed an address: the request only enqueues them,
# so its answer does not wait for a mail server. They are retried as the welcome email is.
@retry(max_attempts=len(settings.EMAIL_RETRY_DELAYS) + 1, backoff=welcome_email_backoff)
@time_limit(seconds=60)
@task(queue_name="emails", priority=10)
def send_password_reset_email(user_id: int, site_url: str) -> None:
    """Email a user a link to choose a new password, valid PASSWORD_RESET_TIMEOUT seconds.

    The link's token is made here, from the user as they are now; `site_url` is the address
    of the site the user asked from ("https://example.com"), a plain string.
    """
    user = User.objects.get(pk=user_id)
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    send_text_email(user, "password_reset", {"reset_url": site_url + path})


@retry(max_attempts=len(settings.EMAIL_RETRY_DELAYS) + 1, backoff=welcome_email_backoff)
@time_limit(seconds=60)
@task(queue_name="emails", priority=10)
def send_account_exists_email(user_id: int, site_url: str) -> None:
    """Tell a user that someone tried to register with their address, and how to sign in."""
    user = User.objects.get(pk=user_id)
    reset_url = site_url + reverse("password_reset")
    send_text_email(user, "account_exists", {"reset_url": reset_url})


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
