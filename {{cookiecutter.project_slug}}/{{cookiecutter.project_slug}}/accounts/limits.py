"""Limits on the requests that send mail, so that nobody can turn the site into a mail cannon.

Each client may register or ask for a password reset MAIL_LIMIT_PER_CLIENT times, and each
address be sent mail MAIL_LIMIT_PER_ADDRESS times, per MAIL_LIMIT_WINDOW_SECONDS. The counts
live in the database (MailRequest), shared by every web process without a cache server.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .clients import client_address
from .models import MailRequest

TOO_MANY = "Too many requests from you or for this address: please try again later."


def allow(request: HttpRequest, action: str, email: str) -> bool:
    """Whether `action` may send mail to `email` for this client; if so, count it."""
    now = timezone.now()
    since = now - timedelta(seconds=settings.MAIL_LIMIT_WINDOW_SECONDS)
    limits = {
        _key(action, "client", str(client_address(request))): settings.MAIL_LIMIT_PER_CLIENT,
        _key(action, "address", email.lower()): settings.MAIL_LIMIT_PER_ADDRESS,
    }
    MailRequest.objects.filter(requested_at__lt=since).delete()  # what no longer counts
    counts = (
        MailRequest.objects.filter(key__in=limits, requested_at__gte=since)
        .values_list("key")
        .annotate(count=Count("pk"))
    )
    if any(count >= limits[key] for key, count in counts):
        return False  # a refused request is not counted: it sent nothing
    MailRequest.objects.bulk_create(MailRequest(key=key, requested_at=now) for key in limits)
    return True


def _key(action: str, kind: str, value: str) -> str:
    """A keyed hash of what is counted: the same for the same value, and not reversible."""
    return salted_hmac("mail-limits", f"{action}:{kind}:{value}", algorithm="sha256").hexdigest()
