"""Stopping workers never leaves a task half done.

SIGTERM, what process managers send, lets the running task finish; the worker
then exits with status 0 and unregisters. Ctrl+C in the
terminal running `honcho start` with the development settings does the same:
honcho gets SIGINT and sends SIGTERM to each process.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tasks_demo.accounts.models import User
from tasks_demo.accounts.tasks import send_welcome_email
from tasks_demo.reports.models import Report
from tasks_demo.reports.tasks import generate_monthly_report
from tasks_demo.workers.models import WorkerProcess
from tasks_demo.workers.tests.helpers import status_of, wait_for_status
from tests.support.waiting import wait_until


def test_sigterm_lets_the_running_welcome_email_finish(start_worker, smtp):
    ada = User.objects.create_user("ada@example.com", "pw")
    worker = start_worker("emails")
    with smtp.holding():  # the worker waits at the SMTP server, in the middle of its task
        welcome = send_welcome_email.enqueue(ada.pk)
        wait_for_status(welcome, "RUNNING")
        worker.process.send_signal(signal.SIGTERM)
        wait_until(
            lambda: "the running task has" in worker.output(),
            timeout=10,
            waiting_for="the worker to acknowledge SIGTERM",
        )
        assert worker.is_running, "the worker left before its task finished"
    # The server takes the message now; the worker finishes its task, then exits.
    assert worker.process.wait(timeout=15) == 0

    assert status_of(welcome) == "SUCCESSFUL"
    [email] = smtp.messages
    assert email.recipients == ["ada@example.com"]
    assert not WorkerProcess.objects.exists()


def test_ctrl_c_on_honcho_with_the_development_settings_lets_a_running_task_finish(
    transactional_db, worker_environment, tmp_path
):
    """`honcho start reports` as in development (.env: DEBUG on), then Ctrl+C in its terminal."""
    ada = User.objects.create_user("ada@example.com", "pw")
    # .env's development settings, on the test database; a month's report takes ~1.5 s.
    test_env = tmp_path / "test.env"
    on_test_database = {**worker_environment, "REPORT_SECONDS_PER_DAY": "0.05"}
    del on_test_database["DJANGO_SETTINGS_MODULE"]  # .env's, the development settings
    test_env.write_text("".join(f"{key}={value}\n" for key, value in on_test_database.items()))
    log = tmp_path / "honcho.log"
    with log.open("wb") as output:
        honcho = subprocess.Popen(
            [sys.executable, "-m", "honcho", "-e", f".env,{test_env}", "start", "reports"],
            cwd=settings.BASE_DIR,
            env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a process group of its own, as a terminal's job has
        )
    try:
        report = Report.objects.create(owner=ada, month=ada.date_joined.date().replace(day=1))
        result = generate_monthly_report.enqueue(report.pk)
        wait_for_status(result, "RUNNING", timeout=30)
        os.killpg(honcho.pid, signal.SIGINT)  # what Ctrl+C in that terminal sends
        honcho.wait(timeout=30)
    finally:
        if honcho.poll() is None:
            os.killpg(honcho.pid, signal.SIGKILL)
    output = log.read_text()
    assert status_of(result) == "SUCCESSFUL", output
    assert "the running task has" in output
