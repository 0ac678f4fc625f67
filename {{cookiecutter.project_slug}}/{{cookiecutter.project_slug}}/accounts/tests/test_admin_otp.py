"""The admin's second factor (django-otp): off by default; with ADMIN_REQUIRES_OTP, staff need
a one-time password as well as their password."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..models import User

PASSWORD = "correct horse battery staple"
LOG_IN, ADMIN = reverse("admin:login"), reverse("admin:index")


@pytest.fixture
def root(db: None) -> User:
    return User.objects.create_superuser("root@example.com", PASSWORD)


def log_in(**fields: str) -> Client:
    client = Client()
    client.post(LOG_IN, {"username": "root@example.com", "password": PASSWORD, **fields})
    return client


def test_by_default_a_password_lets_staff_in(root):
    assert log_in().get(ADMIN).status_code == 200


def test_with_otp_on_a_password_alone_does_not(root, settings):
    settings.ADMIN_REQUIRES_OTP = True
    page = Client().get(LOG_IN)
    assert 'name="otp_token"' in page.text
    assert log_in().get(ADMIN).status_code == 302  # back to the login page
    assert log_in(otp_token="123456").get(ADMIN).status_code == 302


def test_with_otp_on_an_authenticator_apps_code_lets_staff_in(root, settings):
    settings.ADMIN_REQUIRES_OTP = True
    device = TOTPDevice.objects.create(user=root, name="phone")

    client = log_in(otp_device=device.persistent_id, otp_token=f"{totp(device.bin_key):06d}")

    assert client.get(ADMIN).status_code == 200


def test_with_otp_on_addstatictoken_gives_a_code_that_works_once(root, settings):
    """How a staff member gets in the first time, to add their authenticator app."""
    settings.ADMIN_REQUIRES_OTP = True
    out = StringIO()
    call_command("addstatictoken", "root@example.com", stdout=out)
    code, backup_codes = out.getvalue().strip(), StaticDevice.objects.get(user=root)
    fields = {"otp_device": backup_codes.persistent_id, "otp_token": code}
    asked = Client().post(LOG_IN, {"username": "root@example.com", "password": PASSWORD})
    assert "Backup Code" in asked.text  # the device to choose, once the password is right

    assert log_in(**fields).get(ADMIN).status_code == 200
    assert log_in(**fields).get(ADMIN).status_code == 302
