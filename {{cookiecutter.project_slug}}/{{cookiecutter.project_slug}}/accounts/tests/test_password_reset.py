"""Password reset: the same answer for any address; the email goes from a task, with a link
that lets its owner choose a new password."""

import re

import pytest
from django.urls import reverse

from ..models import User
from ..notices import send_password_reset_email

PASSWORD = "correct horse battery staple"
URL = reverse("password_reset")

pytestmark = pytest.mark.django_db(transaction=True)  # the email is enqueued on commit


def test_a_taken_and_a_free_address_get_the_same_answer_and_only_the_owner_an_email(
    client, captured_tasks, mailoutbox
):
    ada = User.objects.create_user("ada@example.com", PASSWORD)

    taken = client.post(URL, {"email": "ada@example.com"})
    free = client.post(URL, {"email": "nobody@example.com"})

    assert (taken.status_code, taken.url) == (free.status_code, free.url)
    assert client.get(taken.url).text == client.get(free.url).text
    assert mailoutbox == []  # the request sends nothing: no timing to tell them apart
    [reset] = captured_tasks.results()
    assert reset.task.name == send_password_reset_email.name
    assert reset.args == [ada.pk, "http://testserver"]  # an id and a plain value


def test_the_emailed_link_sets_a_new_password_once(client, captured_tasks, mailoutbox):
    User.objects.create_user("ada@example.com", PASSWORD)
    client.post(URL, {"email": "ada@example.com"})

    captured_tasks.run_all()

    [message] = mailoutbox
    assert (message.to, message.subject) == (["ada@example.com"], "Choose a new password")
    link = re.search(r"http://testserver(/accounts/reset/\S+)", message.body)[1]
    form_page = client.get(link, follow=True)
    new = {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"}
    done = client.post(form_page.redirect_chain[-1][0], new, follow=True)
    assert "Password changed" in done.text
    assert User.objects.get().check_password("a brand new passphrase")
    assert "does not work" in client.get(link, follow=True).text  # used once


def test_an_inactive_user_gets_no_email(client, captured_tasks):
    User.objects.create_user("ada@example.com", PASSWORD, is_active=False)
    assert client.post(URL, {"email": "ada@example.com"}).status_code == 302
    assert captured_tasks.results() == []
