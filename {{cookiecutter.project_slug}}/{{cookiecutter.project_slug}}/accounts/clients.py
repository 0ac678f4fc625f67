"""Who is asking: the client's IP address, which the login and mail limits count by."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address, also behind PROXY_COUNT proxies.

    Each proxy appends the address it received the request from to X-Forwarded-For: the one
    the outermost of ours appended is the client's. Anything to its left came from the client,
    who may write what they like there, so it is never used.
    """
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if settings.PROXY_COUNT and len(forwarded) >= settings.PROXY_COUNT:
        try:
            return str(ipaddress.ip_address(forwarded[-settings.PROXY_COUNT]))
        except ValueError:  # no proxy of ours wrote that: someone reached the site directly
            pass
    return request.META.get("REMOTE_ADDR")  # None in a request made up by a test's force_login
