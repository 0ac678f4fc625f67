"""Registering: the account is created, the user logged in, the welcome email enqueued."""

import pytest
from django.test import Client
from django.urls import reverse

from ...taskstatus.models import OwnedTask
from ..models import User
from ..tasks import send_welcome_email

PASSWORD = "correct horse battery staple"
URL = reverse("register")


def registration(email="ada@example.com", password1=PASSWORD, password2=PASSWORD) -> dict:
    return {"email": email, "password1": password1, "password2": password2}


@pytest.mark.django_db
def test_the_page_shows_the_form(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert b'name="email"' in response.content
    assert b"csrfmiddlewaretoken" in response.content


# The view enqueues on commit: its transaction must really commit, hence transaction=True.
@pytest.mark.django_db(transaction=True)
def test_registering_creates_the_user_logs_them_in_and_enqueues_the_welcome_email(
    client, captured_tasks
):
    response = client.post(URL, registration())

    user = User.objects.get(email="ada@example.com")
    [welcome] = captured_tasks.results(send_welcome_email)
    assert welcome.args == [user.pk]
    assert welcome.status == "READY"
    assert response.status_code == 302
    assert response.url == reverse("taskstatus:page", args=[welcome.id])
    owned = OwnedTask.objects.get(task_id=welcome.id)
    assert (owned.owner, owned.title) == (user, "Welcome email to ada@example.com")
    assert client.get(reverse("home")).context["user"] == user


@pytest.mark.django_db(transaction=True)
def test_the_status_page_follows_the_welcome_email_until_it_is_sent(
    client, captured_tasks, mailoutbox
):
    status_page = client.post(URL, registration()).url
    json_url = status_page + "status.json"
    assert client.get(json_url).json()["status"] == "READY"

    captured_tasks.run_all()

    assert client.get(json_url).json()["status"] == "SUCCESSFUL"
    assert [message.to for message in mailoutbox] == [["ada@example.com"]]


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        (registration(email="not-an-email"), "email", "Enter a valid email address."),
        (registration(password2="a different one"), "password2", "two password fields"),
        (registration(email=""), "email", "This field is required."),
    ],
    ids=["invalid-email", "mismatched-passwords", "missing-email"],
)
@pytest.mark.django_db(transaction=True)
def test_invalid_data_shows_form_errors_and_enqueues_nothing(
    client, captured_tasks, data, field, error
):
    response = client.post(URL, data)

    assert response.status_code == 200
    assert error in " ".join(response.context["form"].errors[field])
    assert User.objects.count() == 0
    assert captured_tasks.results() == []


@pytest.mark.django_db(transaction=True)
def test_an_address_already_registered_is_a_form_error(client, captured_tasks):
    User.objects.create_user("ada@example.com", PASSWORD)

    response = client.post(URL, registration(email="Ada@Example.com"))

    assert response.status_code == 200
    assert "already exists" in response.context["form"].errors["email"][0]
    assert captured_tasks.results() == []


@pytest.mark.django_db
def test_a_post_without_csrf_token_is_refused():
    response = Client(enforce_csrf_checks=True).post(URL, registration())
    assert response.status_code == 403
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_other_methods_are_not_allowed(client):
    assert client.put(URL).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_a_registration_racing_another_for_the_same_address_gets_a_form_error(
    client, captured_tasks, monkeypatch
):
    # Both requests passed validation; the other one committed first.
    User.objects.create_user("ada@example.com", PASSWORD)
    monkeypatch.setattr(
        "{{ cookiecutter.project_slug }}.accounts.forms.RegistrationForm.clean_email",
        lambda form: form.cleaned_data["email"],
    )

    response = client.post(URL, registration())

    assert response.status_code == 200
    assert "already exists" in response.context["form"].errors["email"][0]
    assert User.objects.count() == 1
    assert captured_tasks.results() == []


@pytest.mark.django_db(transaction=True)
def test_an_empty_post_shows_required_field_errors(client, captured_tasks):
    response = client.post(URL, {})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"email", "password1", "password2"}
    assert captured_tasks.results() == []
