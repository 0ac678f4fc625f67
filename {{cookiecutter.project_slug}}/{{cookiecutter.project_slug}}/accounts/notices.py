"""The emails that answer someone who typed an address: a link to choose a new password, and
"this address has an account". The request only enqueues them: its answer waits for no mail
server, and is the same whether the address has an account or not."""

from functools import partial

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.http import HttpRequest
from django.tasks import task
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ..workers.policies import retry, time_limit
from .mail import email_backoff, send_text_email
from .models import User


@retry(max_attempts=len(settings.EMAIL_RETRY_DELAYS) + 1, backoff=email_backoff)
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


@retry(max_attempts=len(settings.EMAIL_RETRY_DELAYS) + 1, backoff=email_backoff)
@time_limit(seconds=60)
@task(queue_name="emails", priority=10)
def send_account_exists_email(user_id: int, site_url: str) -> None:
    """Tell a user that someone tried to register with their address, and how to sign in."""
    user = User.objects.get(pk=user_id)
    reset_url = site_url + reverse("password_reset")
    send_text_email(user, "account_exists", {"reset_url": reset_url})


def tell_the_owner(request: HttpRequest, email: str) -> None:
    """Email the owner of `email`, once the transaction commits, that someone tried to register
    with it (registration's answer is the same whether the address has an account or not)."""
    site_url = f"{request.scheme}://{request.get_host()}"
    for owner_id in User.objects.filter(email__iexact=email).values_list("pk", flat=True):
        transaction.on_commit(partial(send_account_exists_email.enqueue, owner_id, site_url))
