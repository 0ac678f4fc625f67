"""A worker killed mid-task (SIGKILL) does not lose its task: another runs it within seconds.

django-tasks-db alone leaves such a task RUNNING forever. Here the kernel closes the
killed worker's connections and files, which releases its ownership lock; the other
worker of the queue notices within a second, puts the task back to READY
(recovery.py) and runs it.
"""

import time

from tasks_demo.accounts.models import User
from tasks_demo.accounts.tasks import send_welcome_email
from tasks_demo.workers.models import TaskAttempt, WorkerProcess
from tasks_demo.workers.tests.helpers import status_of, wait_for_status
from tasks_demo.workers.worker import RECOVERY_CHECK_SECONDS

# What the workers promise, with room for a busy machine.
RECOVERY_SECONDS = RECOVERY_CHECK_SECONDS + 3


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
    assert list(WorkerProcess.objects.values_list("worker_id", flat=True)) == [
        survivor.worker_id
    ]  # the dead one forgotten
    assert status_of(welcome) == "SUCCESSFUL"
