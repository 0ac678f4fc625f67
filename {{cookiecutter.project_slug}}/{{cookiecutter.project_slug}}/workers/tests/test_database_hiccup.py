"""PostgreSQL drops a worker's connections (a restart, a failover, pg_terminate_backend).

What happens, measured here:
- idle worker: the next poll notices the dead connection (CONN_HEALTH_CHECKS)
  and opens a new one; the worker carries on, and so does its heartbeat;
- worker in the middle of a task: the task's own queries fail, so does
  recording the failure, and the worker exits with status 1 for its
  supervisor to restart it. Its task stays RUNNING until its heartbeat is
  stale; then the restarted worker (or any other) runs it again.
"""

import pytest
from django.db import connections

from ...accounts.models import User
from ...accounts.tasks import send_welcome_email
from ...testing.waiting import wait_until
from ..models import WorkerHeartbeat
from .helpers import status_of, wait_for_status

pytestmark = pytest.mark.skipif(
    connections["default"].vendor != "postgresql", reason="drops PostgreSQL connections"
)


OTHERS = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"


def other_connections(database) -> int:
    """How many connections to the workers' database other processes hold."""
    with connections[database.alias].cursor() as cursor:
        cursor.execute(f"SELECT count(*) {OTHERS}")
        return cursor.fetchone()[0]


def drop_other_connections(database) -> int:
    """Terminate every connection to the workers' database but this process's own."""
    with connections[database.alias].cursor() as cursor:
        cursor.execute(f"SELECT count(pg_terminate_backend(pid)) {OTHERS}")
        return cursor.fetchone()[0]


def test_an_idle_worker_reconnects_after_its_connections_are_dropped(database, smtp, emails_worker):
    ada = User.objects.create_user("ada@example.com", "pw")
    bob = User.objects.create_user("bob@example.com", "pw")
    worker = emails_worker("hiccup")
    with worker:
        wait_for_status(send_welcome_email.enqueue(ada.pk), "SUCCESSFUL")
        wait_until(
            lambda: other_connections(database) == 2,
            timeout=10,
            waiting_for="the worker's loop and its heartbeat to hold a connection each",
        )
        assert drop_other_connections(database) == 2
        beat = WorkerHeartbeat.objects.get().last_seen_at

        after = send_welcome_email.enqueue(bob.pk)
        wait_for_status(after, "SUCCESSFUL")
        wait_until(
            lambda: WorkerHeartbeat.objects.get().last_seen_at > beat,
            timeout=10,
            waiting_for="the heartbeat to beat again",
        )
        assert worker.is_running
    assert [email.recipients for email in smtp.messages] == [
        ["ada@example.com"],
        ["bob@example.com"],
    ]


def last_query_was_on_users(database) -> bool:
    """Whether a worker's connection last read the users table: the task is past that read."""
    with connections[database.alias].cursor() as cursor:
        cursor.execute(f"SELECT query {OTHERS}")
        return any('FROM "accounts_user"' in query for (query,) in cursor.fetchall())


def test_a_worker_whose_connection_drops_mid_task_exits_and_its_task_runs_again(
    database, smtp, emails_worker
):
    ada = User.objects.create_user("ada@example.com", "pw")
    worker = emails_worker("hiccup")
    with worker:
        with smtp.holding():  # the task read Ada and now waits at the mail server
            welcome = send_welcome_email.enqueue(ada.pk)
            wait_for_status(welcome, "RUNNING")
            wait_until(
                lambda: last_query_was_on_users(database),
                timeout=10,
                waiting_for="the task to read its user",
            )
            drop_other_connections(database)
        # The server takes the message; recording it, and then the failure, need the
        # dropped connection: the worker gives up and exits for its supervisor to act.
        assert worker.wait(timeout=20) == 1
    assert status_of(welcome) == "RUNNING"

    restarted = emails_worker("restarted")
    with restarted:  # what the supervisor does; any other worker would do the same
        wait_for_status(welcome, "SUCCESSFUL", timeout=20)

    # At-least-once: the message went out, the record of it did not, so it went out again.
    assert [email.recipients for email in smtp.messages] == [["ada@example.com"]] * 2
