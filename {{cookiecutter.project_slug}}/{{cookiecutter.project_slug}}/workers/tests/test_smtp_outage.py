"""While the mail server is down, welcome emails wait and retry; none is lost or doubled.

Each attempt that cannot reach the server fails (its real error stays in the
admin) after scheduling the next one with a delay (accounts/tasks.py,
workers/retries.py). The user's status page follows the retries: it says the
email waits, not that it failed. (What the last failed attempt shows: see
accounts/tests/test_welcome_email_delivery.py.)
"""

from django.test import Client
from django.urls import reverse

from ...accounts.models import User
from ...accounts.tasks import send_welcome_email
from ...taskstatus.models import TaskOwner
from ...testing.production import HeartbeatWorker, free_port, production_environment
from ...testing.smtp import SMTPServer
from ...testing.waiting import wait_until
from ..models import TaskRetry
from .conftest import FAST_HEARTBEAT
from .helpers import wait_for_status


def register(email: str):
    """A user and their welcome email, owned by them as the registration view does."""
    user = User.objects.create_user(email, "pw")
    welcome = send_welcome_email.enqueue(user.pk)
    TaskOwner.objects.create(task_id=welcome.id, owner=user)
    return user, welcome


def status_page_state(user: User, task_id: str) -> dict:
    """What the user's status page shows (its JSON)."""
    client = Client()
    client.force_login(user)
    response = client.get(reverse("taskstatus:json", args=[task_id]))
    assert response.status_code == 200
    return response.json()


def test_emails_sent_during_an_outage_arrive_once_the_server_is_back(database, logs):
    port = free_port()  # nothing listens there yet: the mail server is down
    env = production_environment(
        database, smtp_port=port, EMAIL_RETRY_DELAYS="0.5,1,2,4,8", **FAST_HEARTBEAT
    )
    registered = [register(f"user{n}@example.com") for n in range(3)]
    with HeartbeatWorker(["emails"], worker_id="outage", env=env, log_path=logs / "w.log"):
        for user, welcome in registered:
            wait_for_status(welcome, "FAILED")  # the first attempt: refused connection
            assert welcome.errors[-1].exception_class_path == "builtins.ConnectionRefusedError"
            # The status page shows the scheduled retry, not the failed first attempt.
            shown = status_page_state(user, welcome.id)
            assert shown["status"] in {"READY", "RUNNING"}, shown
            assert shown["id"] == TaskRetry.objects.get(task_id=welcome.id).retry_task_id

        with SMTPServer(port=port) as smtp:
            emails = smtp.wait_for_messages(len(registered), timeout=30)
            wait_until(
                lambda: all(
                    status_page_state(user, welcome.id)["status"] == "SUCCESSFUL"
                    for user, welcome in registered
                ),
                timeout=15,
                waiting_for="every status page to show SUCCESSFUL",
            )

    assert sorted(r for email in emails for r in email.recipients) == sorted(
        user.email for user, _ in registered
    )
    assert len(smtp.messages) == len(registered)  # none twice
    assert database.unfinished_tasks() == []
    assert all(user.welcome_email_sent_at for user in User.objects.all())
