"""SIGTERM, what process managers send to stop a worker, lets the running task finish.

The worker exits once its task is done, with status 0, and takes its heartbeat
with it: nothing is left for crash recovery to find.
"""

import signal

from ...accounts.models import User
from ...accounts.tasks import send_welcome_email
from ...testing.waiting import wait_until
from ..models import WorkerHeartbeat
from .helpers import status_of, wait_for_status


def test_sigterm_lets_the_running_welcome_email_finish(database, smtp, emails_worker):
    ada = User.objects.create_user("ada@example.com", "pw")
    worker = emails_worker("stopping")
    with worker:
        with smtp.holding():  # the worker waits at the SMTP server, in the middle of its task
            welcome = send_welcome_email.enqueue(ada.pk)
            wait_for_status(welcome, "RUNNING")
            worker.signal(signal.SIGTERM)
            wait_until(
                lambda: "shutting down gracefully" in worker.output(),
                timeout=10,
                waiting_for="the worker to acknowledge SIGTERM",
            )
            assert worker.is_running, "the worker left before its task finished"
        # The server takes the message now; the worker finishes its task, then exits.
        assert worker.wait(timeout=15) == 0

    assert status_of(welcome) == "SUCCESSFUL"
    [email] = smtp.messages
    assert email.recipients == ["ada@example.com"]
    assert not WorkerHeartbeat.objects.exists()
    assert database.unfinished_tasks() == []
