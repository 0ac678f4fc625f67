"""Registrations under load: the production web server and two `emails` workers.

gunicorn and two heartbeat_db_worker processes on the `emails` queue run with
production settings, configured from the environment as on a server (with a
fast password hasher, unless LOAD_SETTINGS says otherwise), against a database
of their own: SQLite or PostgreSQL, as the project was generated. Eight clients
register LOAD_REGISTRATIONS users (100 by default; `nox -s load` runs 1,000);
every welcome email goes to an SMTP server in this process.

The goal: no error answer, exactly one email per registration, no duplicate,
no task left anything but SUCCESSFUL. The figures are printed either way.
"""

import os
import socket
from contextlib import ExitStack, suppress
from pathlib import Path

import pytest
from django.db import connections
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from {{ cookiecutter.project_slug }}.testing.load import LoadFigures, now, register_concurrently
from {{ cookiecutter.project_slug }}.testing.production import (
    HeartbeatWorker,
    WebServer,
    production_environment,
)
from {{ cookiecutter.project_slug }}.testing.scratch_database import ScratchDatabase
from {{ cookiecutter.project_slug }}.testing.smtp import SMTPServer

REGISTRATIONS = int(os.environ.get("LOAD_REGISTRATIONS", "100"))
# Production settings but for a fast password hasher: see config/settings/loadtest.py.
SETTINGS = os.environ.get("LOAD_SETTINGS", "config.settings.loadtest")
CLIENTS = 8
EMAIL_WORKERS = 2

pytestmark = pytest.mark.load


def wait_for_delivery(database: ScratchDatabase, smtp: SMTPServer, timeout: float) -> None:
    """Wait until every welcome email arrived and no task waits or runs; never raise.

    The figures say what was missing; waiting on after the timeout would not help.
    """
    deadline = now() + timeout
    while now() < deadline:
        if len(smtp.messages) >= REGISTRATIONS and not database.unfinished_tasks():
            return
        with suppress(TimeoutError):
            smtp.wait_for_messages(len(smtp.messages) + 1, timeout=0.5)


def test_every_registration_gets_exactly_one_welcome_email(
    load_database: ScratchDatabase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    emails = [f"visitor-{number}@example.com" for number in range(REGISTRATIONS)]
    with SMTPServer() as smtp, ExitStack() as running:
        env = production_environment(load_database, smtp_port=smtp.port)
        workers = [
            # As the Procfile's `emails` line, run twice: the same name on one host.
            HeartbeatWorker(
                ["emails"],
                worker_id=f"emails@{socket.gethostname()}",
                env=env,
                log_path=tmp_path / f"emails-{number}.log",
                settings=SETTINGS,
            )
            for number in range(EMAIL_WORKERS)
        ]
        for worker in workers:
            running.callback(worker.stop)
            worker.start()
        site = running.enter_context(
            WebServer(env, log_path=tmp_path / "web.log", settings=SETTINGS)
        )
        for worker in workers:
            worker.wait_until_ready()

        started = now()
        exchanges = register_concurrently(site.url, emails, clients=CLIENTS)
        registered_at = now()
        wait_for_delivery(load_database, smtp, timeout=60 + REGISTRATIONS * 0.2)
        delivered_at = now()
        recipients = [address for message in smtp.messages for address in message.recipients]

    not_successful = (
        DBTaskResult.objects.using(load_database.alias)
        .exclude(status=TaskResultStatus.SUCCESSFUL)
        .count()
    )
    figures = LoadFigures.count(
        exchanges,
        recipients,
        registrations=REGISTRATIONS,
        tasks_not_successful=not_successful,
        started=started,
        registered_at=registered_at,
        delivered_at=delivered_at,
    )
    vendor = connections[load_database.alias].vendor
    report = figures.table(
        f"Load: {REGISTRATIONS} registrations from {CLIENTS} clients, gunicorn and "
        f"{EMAIL_WORKERS} emails workers, {vendor}, {SETTINGS}"
    )
    with capsys.disabled():
        print(f"\n{report}")
    failures = [exchange for exchange in exchanges if not exchange.ok][:5]
    assert figures.meets_the_goal(), f"{report}\nFirst failures: {failures}"
