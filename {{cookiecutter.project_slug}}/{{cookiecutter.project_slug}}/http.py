"""What views behind @login_required may rely on."""

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest


class AuthenticatedRequest(HttpRequest):
    """A request whose user is signed in (the type checker cannot see @login_required)."""

    user: AbstractBaseUser  # type: ignore[assignment]  # narrower than HttpRequest's
