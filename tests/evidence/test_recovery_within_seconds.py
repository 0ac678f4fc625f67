"""A worker killed mid-task (SIGKILL) does not lose its task: another runs it within seconds.

django-tasks-db alone leaves such a task RUNNING forever. Here the killed
worker's heartbeat goes stale, and the other worker of the queue puts the task
back to READY (recovery.py) and runs it. These workers run with the project's
own heartbeat settings.
"""

import time

from django.conf import settings

from tasks_demo.accounts.models import User
from tasks_demo.accounts.tasks import send_welcome_email
from tasks_demo.workers.models import TaskAttempt, WorkerHeartbeat
from tasks_demo.workers.tests.helpers import status_of, wait_for_status

# What the settings promise, with a little room for a busy machine.
RECOVERY_SECONDS = settings.WORKER_STALE_AFTER_SECONDS + settings.WORKER_HEARTBEAT_SECONDS + 3


def test_the_welcome_email_of_a_killed_worker_is_sent_by_another_within_seconds(start_worker, smtp):
    ada = User.objects.create_user("ada@example.com", "pw")
    doomed, rescuer = start_worker("emails"), start_worker("emails")
    with smtp.holding():  # the message waits at the server: the task stays RUNNING
        welcome = send_welcome_email.enqueue(ada.pk)
        wait_for_status(welcome, "RUNNING")
        killed = doomed if welcome.worker_ids == [doomed.worker_id] else rescuer
        survivor = rescuer if killed is doomed else doomed
        killed.kill()
        killed_at = time.monotonic()
    assert smtp.messages == []

    [email] = smtp.wait_for_messages(1, to="ada@example.com", timeout=RECOVERY_SECONDS)
    assert time.monotonic() - killed_at < RECOVERY_SECONDS
    wait_for_status(welcome, "SUCCESSFUL")
    assert email.subject == "Welcome aboard, ada@example.com!"
    assert welcome.worker_ids == [killed.worker_id, survivor.worker_id]
    [lost] = TaskAttempt.objects.filter(task_id=welcome.id)
    assert (lost.number, lost.worker_id) == (1, killed.worker_id)
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == [
        survivor.worker_id
    ]  # the dead one forgotten
    assert status_of(welcome) == "SUCCESSFUL"
