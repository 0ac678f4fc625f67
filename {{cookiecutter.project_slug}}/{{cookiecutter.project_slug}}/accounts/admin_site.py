"""The admin site: with ADMIN_REQUIRES_OTP on, staff also type a one-time password (django-otp).

config/urls.py makes Django's admin site one of these. Staff get their codes from an
authenticator app (a TOTP device, added in the admin) or a one-time code from
`python -m manage addstatictoken EMAIL`, which lets them in to add that device.
"""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest
from django_otp.admin import OTPAdminSite


class StaffAdminSite(OTPAdminSite):
    """Django's admin site, or django-otp's when ADMIN_REQUIRES_OTP is on, read per request."""

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    def has_permission(self, request: HttpRequest) -> bool:
        """Active staff; and with ADMIN_REQUIRES_OTP, verified by a one-time password."""
        if settings.ADMIN_REQUIRES_OTP:
            return super().has_permission(request)
        return AdminSite.has_permission(self, request)

    @property
    def login_form(self) -> type[AdminAuthenticationForm]:
        """The login form: with ADMIN_REQUIRES_OTP, it asks for the one-time password too."""
        return OTPAdminSite.login_form if settings.ADMIN_REQUIRES_OTP else AdminAuthenticationForm

    @property
    def login_template(self) -> str:
        return OTPAdminSite.login_template if settings.ADMIN_REQUIRES_OTP else "admin/login.html"
