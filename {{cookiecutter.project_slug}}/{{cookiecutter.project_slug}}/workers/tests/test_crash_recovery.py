"""A worker killed mid-task (SIGKILL) does not lose the task: another worker runs it.

django-tasks-db alone leaves such a task RUNNING forever. With heartbeat_db_worker,
the killed worker's heartbeat goes stale, and a live worker puts the task back
to READY (workers/recovery.py) and runs it.
"""

from ...accounts.models import User
from ...accounts.tasks import send_welcome_email
from ..models import WorkerHeartbeat
from .helpers import status_of, wait_for_status


def test_the_welcome_email_of_a_killed_worker_is_sent_by_another(database, smtp, emails_worker):
    ada = User.objects.create_user("ada@example.com", "pw")
    doomed = emails_worker("doomed")
    with doomed, smtp.holding():  # the message waits at the server: the task stays RUNNING
        welcome = send_welcome_email.enqueue(ada.pk)
        wait_for_status(welcome, "RUNNING")
        doomed.kill()
    assert status_of(welcome) == "RUNNING"  # django-tasks-db alone would leave it so forever
    assert smtp.messages == []

    rescuer = emails_worker("rescuer")
    with rescuer:
        [email] = smtp.wait_for_messages(1, to="ada@example.com", timeout=20)
        wait_for_status(welcome, "SUCCESSFUL")

    assert email.subject == "Welcome aboard, ada@example.com!"
    assert len(smtp.messages) == 1
    assert welcome.worker_ids == [doomed.full_worker_id(), rescuer.full_worker_id()]
    assert database.unfinished_tasks() == []
    assert not WorkerHeartbeat.objects.exists()  # the dead one forgotten, the stopped one gone
