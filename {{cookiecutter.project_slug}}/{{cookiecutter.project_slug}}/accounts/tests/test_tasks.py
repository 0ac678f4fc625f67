"""The welcome email task: one message, a subject, a text and an HTML body."""

import pytest

from ..models import User
from ..tasks import send_welcome_email


@pytest.mark.django_db
def test_the_welcome_email_goes_to_the_new_user(captured_tasks, mailoutbox):
    user = User.objects.create_user("ada@example.com", "pw")
    send_welcome_email.enqueue(user.pk)
    assert mailoutbox == []  # enqueued, not sent

    [result] = captured_tasks.run_all()

    assert result.status == "SUCCESSFUL"
    [message] = mailoutbox
    assert message.to == ["ada@example.com"]
    assert message.subject == "Welcome aboard, ada@example.com!"
    assert "Your account is ready" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "<strong>Welcome!</strong>" in html


@pytest.mark.django_db
def test_the_task_takes_the_user_id_not_the_user(captured_tasks):
    user = User.objects.create_user("ada@example.com", "pw")
    send_welcome_email.enqueue(user.pk)
    [result] = captured_tasks.results(send_welcome_email)
    assert result.args == [user.pk]


@pytest.mark.django_db
def test_a_user_deleted_before_the_task_runs_fails_the_task(captured_tasks, mailoutbox):
    user = User.objects.create_user("ada@example.com", "pw")
    send_welcome_email.enqueue(user.pk)
    user.delete()

    [result] = captured_tasks.run_all()

    assert result.status == "FAILED"
    assert result.errors[0].exception_class_path.endswith("User.DoesNotExist")
    assert mailoutbox == []


def test_welcome_emails_run_on_the_emails_queue():
    assert send_welcome_email.queue_name == "emails"
