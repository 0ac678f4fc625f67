"""A worker killed mid-task, its work horse with it (SIGKILL, a lost machine): RQ's own recovery
runs the task again on another worker once the job's heartbeat lapsed, in the time the
settings state (RQ_JOB_MONITORING_SECONDS + 60 s + twice RQ_MAINTENANCE_SECONDS)."""

import os
import signal
import time
from pathlib import Path

from django.conf import settings

from tests.support import procfile, queues
from tests.support.smtp import TRY_LATER
from tests.support.waiting import wait_until
from tests.support.workers import WorkerProcess, running

from ...accounts.models import User
from ...accounts.tasks import send_welcome_email


def descendants(pid: int) -> list[int]:
    """The processes `pid` started, and theirs (RQ's work horse and scheduler)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # it ended meanwhile
            continue
        if int(fields[1]) == pid:  # its parent
            child = int(stat.parent.name)
            children += [child, *descendants(child)]
    return children


def test_a_killed_workers_task_runs_again_on_another_within_the_stated_time(
    transactional_db, worker_environment, smtp, tmp_path
):
    queues.forget_all()
    user = User.objects.create_user("ada@example.com", "correct horse battery staple")
    line = procfile.workers()["emails"]
    first = WorkerProcess(line, env=worker_environment, log_path=tmp_path / "first.log")
    stated = settings.RQ_JOB_MONITORING_SECONDS + 60 + 2 * settings.RQ_MAINTENANCE_SECONDS
    # The message the dead worker was sending is held, then refused: it must not count.
    with smtp.refusing(TRY_LATER, times=1):
        with running([first]), smtp.holding():  # the email is being sent when the worker dies
            result = send_welcome_email.enqueue(user.pk)

            def running_now() -> bool:
                result.refresh()
                return result.status == "RUNNING"

            wait_until(running_now, timeout=10, waiting_for="the first worker to take the task")
            assert first.process
            for pid in [first.process.pid, *descendants(first.process.pid)]:
                os.kill(pid, signal.SIGKILL)
            killed_at = time.monotonic()

        second = WorkerProcess(line, env=worker_environment, log_path=tmp_path / "second.log")
        with running([second]):
            smtp.wait_for_messages(1, to="ada@example.com", timeout=stated + 60)
            recovered_after = time.monotonic() - killed_at

    print(f"The task ran again {recovered_after:.1f} s after its worker was killed.")
    # Never while its heartbeat could be fresh; late by no more than a worker's start.
    assert 60 <= recovered_after <= stated + 10
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert [error.exception_class_path for error in result.errors] == [
        "{{ cookiecutter.project_slug }}.workers.rq.WorkerLost"
    ]
    assert len(result.worker_ids) == 2  # one attempt each
