"""The welcome email: sent by a background task, once, to each user who registers."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone

from ..workers.policies import retry, time_limit
from .mail import email_backoff, send
from .models import User


@retry(max_attempts=len(settings.EMAIL_RETRY_DELAYS) + 1, backoff=email_backoff)
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
