"""Registering: the account is created, the user logged in, the welcome email enqueued."""

import pytest
from django.urls import reverse

from ...taskstatus.models import OwnedTask
from ..models import User
from ..tasks import send_welcome_email

PASSWORD = "correct horse battery staple"
URL = reverse("register")
REGISTRATION = {"email": "ada@example.com", "password1": PASSWORD, "password2": PASSWORD}

# The view enqueues on commit: its transaction must really commit, hence transaction=True.
pytestmark = pytest.mark.django_db(transaction=True)


def test_registering_logs_the_user_in_and_shows_the_welcome_emails_status_page(
    client, captured_tasks, mailoutbox
):
    status_page = client.post(URL, REGISTRATION).url

    user = User.objects.get(email="ada@example.com")
    [welcome] = captured_tasks.results(send_welcome_email)
    assert welcome.args == [user.pk]
    assert status_page == reverse("taskstatus:page", args=[welcome.id])
    owned = OwnedTask.objects.get(task_id=welcome.id)
    assert (owned.owner, owned.title) == (user, "Welcome email to ada@example.com")
    assert client.get(reverse("home")).context["user"] == user
    assert client.get(status_page + "status.json").json()["status"] == "READY"

    captured_tasks.run_all()

    assert client.get(status_page + "status.json").json()["status"] == "SUCCESSFUL"
    assert [message.to for message in mailoutbox] == [["ada@example.com"]]


def test_a_registration_racing_another_for_the_same_address_gets_a_form_error(
    client, captured_tasks, monkeypatch
):
    # Both requests passed validation; the other one committed first.
    User.objects.create_user("ada@example.com", PASSWORD)
    monkeypatch.setattr(
        "{{ cookiecutter.project_slug }}.accounts.forms.RegistrationForm.clean_email",
        lambda form: form.cleaned_data["email"],
    )

    response = client.post(URL, REGISTRATION)

    assert "already exists" in response.context["form"].errors["email"][0]
    assert User.objects.count() == 1
    assert captured_tasks.results() == []
