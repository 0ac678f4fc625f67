"""Registration and password reset send mail: past their limits, per client and per address,
they answer 429 with a message, send nothing, and other clients and addresses go on."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ..limits import TOO_MANY
from ..models import MailRequest, User

PASSWORD = "correct horse battery staple"

pytestmark = pytest.mark.django_db(transaction=True)  # the views enqueue on commit


def register(email: str, client: str = "10.0.0.1"):
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    return Client(REMOTE_ADDR=client).post(reverse("register"), data)


def reset(email: str, client: str = "10.0.0.1"):
    return Client(REMOTE_ADDR=client).post(reverse("password_reset"), {"email": email})


def test_a_client_registers_up_to_its_limit_then_gets_a_message(captured_tasks, settings):
    settings.MAIL_LIMIT_PER_CLIENT = 3
    assert [register(f"user{n}@example.com").status_code for n in range(3)] == [302] * 3

    refused = register("user3@example.com")

    assert refused.status_code == 429
    assert TOO_MANY in refused.text
    assert User.objects.count() == 3
    assert len(captured_tasks.results()) == 3  # three welcome emails, no fourth
    assert register("user3@example.com", client="10.0.0.2").status_code == 302


def test_an_address_gets_so_many_emails_then_the_form_says_so(captured_tasks, settings):
    User.objects.create_user("ada@example.com", PASSWORD)
    settings.MAIL_LIMIT_PER_ADDRESS = 2
    clients = [f"10.0.0.{n}" for n in range(4)]  # one attacker, many addresses

    answers = [reset("ada@example.com", client).status_code for client in clients[:3]]

    assert answers == [302, 302, 429]
    assert TOO_MANY in reset("ada@example.com", clients[3]).text
    assert len(captured_tasks.results()) == 2
    assert reset("grace@example.com", clients[3]).status_code == 302  # another address


def test_a_taken_address_counts_against_its_limit_too(captured_tasks, settings):
    """Registering with Ada's address emails Ada: that is limited like a password reset."""
    User.objects.create_user("ada@example.com", PASSWORD)
    settings.MAIL_LIMIT_PER_ADDRESS = 1
    assert register("ada@example.com", "10.0.0.1").status_code == 200
    assert register("ada@example.com", "10.0.0.2").status_code == 429
    assert len(captured_tasks.results()) == 1


def test_requests_older_than_the_window_no_longer_count(captured_tasks, settings):
    settings.MAIL_LIMIT_PER_CLIENT = 1
    assert reset("ada@example.com").status_code == 302
    an_hour_ago = timezone.now() - datetime.timedelta(seconds=settings.MAIL_LIMIT_WINDOW_SECONDS)
    MailRequest.objects.update(requested_at=an_hour_ago)

    assert reset("ada@example.com").status_code == 302
    assert MailRequest.objects.count() == 2  # the old ones were deleted: one per limit


def test_the_counts_hold_no_address(captured_tasks):
    register("ada@example.com")
    keys = list(MailRequest.objects.values_list("key", flat=True))
    assert len(keys) == 2
    assert not any("ada" in key or "10.0.0.1" in key for key in keys)
