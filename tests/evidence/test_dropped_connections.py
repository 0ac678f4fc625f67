"""PostgreSQL drops a worker's connections (a restart, a failover, pg_terminate_backend).

- An idle worker notices: its session (ownership lock and wake-up) fails, it
  registers again on a new one, and its loop replaces its own connection
  (CONN_HEALTH_CHECKS).
  The next task starts within the poll interval, in practice at once.
- A worker in the middle of a task cannot record how the task went: it exits
  with status 1 for its supervisor to restart it. Its session, and with it its
  ownership lock, is gone: the restarted worker (or any other) runs the task
  again at once.
"""

from datetime import timedelta

import pytest
from django.db import connection

from tasks_demo.accounts.models import User
from tasks_demo.accounts.tasks import send_welcome_email
from tasks_demo.hello.tasks import say_hello
from tasks_demo.workers.tests.helpers import status_of, wait_for_status
from tests.support.waiting import wait_until

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")

POLL_SECONDS = 10
OTHERS = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"


def other_connections() -> int:
    """How many connections to the test database other processes hold."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) {OTHERS}")
        return cursor.fetchone()[0]


def drop_other_connections() -> int:
    """Terminate every connection to the test database but this process's own."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(pg_terminate_backend(pid)) {OTHERS}")
        return cursor.fetchone()[0]


def test_an_idle_worker_whose_connections_were_dropped_takes_the_next_task_at_once(
    start_worker,
):
    start_worker("default", WORKER_POLL_SECONDS=str(POLL_SECONDS))
    wait_for_status(say_hello.enqueue("before"), "SUCCESSFUL")
    wait_until(
        lambda: other_connections() == 2,
        timeout=10,
        waiting_for="the worker's loop and its session to hold a connection each",
    )

    assert drop_other_connections() == 2
    after = say_hello.enqueue("after")

    wait_for_status(after, "SUCCESSFUL", timeout=POLL_SECONDS + 5)
    assert after.started_at - after.enqueued_at < timedelta(seconds=POLL_SECONDS)


def last_query_was_on_users() -> bool:
    """Whether a worker's connection last read the users table: the task is past that read."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT query {OTHERS}")
        return any('FROM "accounts_user"' in query for (query,) in cursor.fetchall())


def test_a_worker_whose_connection_drops_mid_task_exits_and_its_task_runs_again(start_worker, smtp):
    ada = User.objects.create_user("ada@example.com", "pw")
    worker = start_worker("emails")
    with smtp.holding():  # the task read Ada and now waits at the mail server
        welcome = send_welcome_email.enqueue(ada.pk)
        wait_for_status(welcome, "RUNNING")
        wait_until(last_query_was_on_users, timeout=10, waiting_for="the task to read its user")
        drop_other_connections()
    # The server takes the message; recording it, and then the failure, need the
    # dropped connection: the worker gives up and exits for its supervisor to act.
    assert worker.process.wait(timeout=20) == 1
    assert status_of(welcome) == "RUNNING"

    start_worker("emails")  # what the supervisor does; any other worker would do the same
    wait_for_status(welcome, "SUCCESSFUL", timeout=20)

    # At-least-once: the message went out, the record of it did not, so it went out again.
    assert [email.recipients for email in smtp.messages] == [["ada@example.com"]] * 2
