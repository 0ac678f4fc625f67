"""Background tasks of the accounts app."""

from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string

from .models import User


# Welcome emails share no worker with slow reports (see the Procfile) and,
# should they ever share one, outrank them.
@task(queue_name="emails", priority=10)
def send_welcome_email(user_id: int) -> None:
    """Email a new user their welcome message.

    Takes the user's id, not the user: task arguments are stored as JSON, and the
    worker must read the user as it is when the task runs.
    """
    user = User.objects.get(pk=user_id)
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
    message.send()
