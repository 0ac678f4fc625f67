"""Logins are throttled (django-axes): after AXES_FAILURE_LIMIT failures in a row, the client
and the account are locked out, even with the right password, until an operator resets them."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from ..models import User

PASSWORD = "correct horse battery staple"
LOG_IN, ADMIN_LOG_IN = reverse("login"), reverse("admin:login")


@pytest.fixture
def ada(db: None) -> User:
    return User.objects.create_superuser("ada@example.com", PASSWORD)


def log_in(email: str, password: str, *, client: str = "10.0.0.1", url: str = LOG_IN):
    """Post the login form from the client at IP address `client`."""
    return Client(REMOTE_ADDR=client).post(url, {"username": email, "password": password})


def fail(times: int, email: str = "ada@example.com", **kwargs) -> list[int]:
    """Log in with a wrong password `times` times; the status codes of the answers."""
    return [log_in(email, "wrong guess", **kwargs).status_code for _ in range(times)]


def test_the_limit_is_five_failures_in_a_row(settings):
    assert settings.AXES_FAILURE_LIMIT == 5


@pytest.mark.parametrize("url", [LOG_IN, ADMIN_LOG_IN], ids=["site", "admin"])
def test_after_four_failures_the_right_password_still_logs_in(ada, url):
    assert fail(4, url=url) == [200] * 4  # the form again, with its error
    assert log_in("ada@example.com", PASSWORD, url=url).status_code == 302


@pytest.mark.parametrize("url", [LOG_IN, ADMIN_LOG_IN], ids=["site", "admin"])
def test_the_sixth_attempt_is_refused_even_with_the_right_password(ada, url):
    assert fail(4, url=url) == [200] * 4
    fifth = log_in("ada@example.com", "wrong guess", url=url)
    sixth = log_in("ada@example.com", PASSWORD, url=url)

    for locked in (fifth, sixth):
        assert locked.status_code == 429
        assert "Too many failed logins" in locked.text
    assert "_auth_user_id" not in sixth.client.session


def test_the_lockout_is_per_client_and_per_account(ada, grace):
    fail(5, client="10.0.0.1")

    assert log_in("ada@example.com", PASSWORD, client="10.0.0.2").status_code == 429  # account
    assert log_in("grace@example.com", PASSWORD, client="10.0.0.1").status_code == 429  # client
    assert log_in("grace@example.com", PASSWORD, client="10.0.0.2").status_code == 302  # others


def test_an_operator_unlocks_an_account_or_everyone(ada, grace):
    fail(5, "ada@example.com", client="10.0.0.1")
    fail(5, "grace@example.com", client="10.0.0.2")

    call_command("axes_reset_username", "ada@example.com")
    assert log_in("ada@example.com", PASSWORD, client="10.0.0.3").status_code == 302
    assert log_in("grace@example.com", PASSWORD, client="10.0.0.3").status_code == 429

    call_command("axes_reset")
    assert log_in("grace@example.com", PASSWORD, client="10.0.0.2").status_code == 302


def test_behind_a_proxy_the_client_is_the_address_the_proxy_saw(ada, settings):
    """A client that fills in X-Forwarded-For itself cannot pass for another client."""
    settings.PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for n in range(5):
        spoofed = {"HTTP_X_FORWARDED_FOR": f"192.0.2.{n}, 10.0.0.1", **proxy}
        Client(**spoofed).post(LOG_IN, {"username": "ada@example.com", "password": "wrong"})

    other = Client(HTTP_X_FORWARDED_FOR="10.0.0.2", **proxy)
    assert other.post(LOG_IN, {"username": "grace@", "password": "x"}).status_code == 200
    same = Client(HTTP_X_FORWARDED_FOR="10.0.0.1", **proxy)
    assert same.post(LOG_IN, {"username": "grace@", "password": "x"}).status_code == 429
