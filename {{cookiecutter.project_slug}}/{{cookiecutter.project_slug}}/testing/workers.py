"""Run `db_worker` in a subprocess, as the Procfile does, for tests that need real workers.

    worker = WorkerProcess(
        ["emails"],
        worker_id="test-emails",
        settings="config.settings.e2e",
        env={"E2E_DATABASE_NAME": ..., "SMTP_HOST": ..., "SMTP_PORT": ...},
        log_path=tmp_path / "emails.log",
    )
    with worker:                  # start() and wait_until_ready(); stop() at the end
        ...                       # tasks enqueued on "emails" now run in that process
    print(worker.output())

The worker polls every `interval` seconds (0.1 by default: tasks start within
~0.1 s), starts at once (--no-startup-delay) and never reloads (--no-reload).
Its output - the django.tasks lifecycle lines, tracebacks - goes to a file, not
to a pipe: a pipe nobody reads fills up and blocks the worker.
"""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from django.conf import settings as django_settings

from .waiting import wait_until


class WorkerProcess:
    """One `python -m manage db_worker` process serving `queues`.

    A command that extends db_worker with the same options (the Procfile's, say)
    runs instead when given as `management_command`.
    """

    def __init__(
        self,
        queues: Sequence[str],
        *,
        worker_id: str,
        settings: str,
        log_path: Path,
        env: Mapping[str, str] | None = None,
        interval: float = 0.1,
        extra_args: Sequence[str] = (),
        cwd: Path | None = None,
        management_command: str = "db_worker",
    ) -> None:
        self.queues = list(queues)
        self.worker_id = worker_id
        self.settings = settings
        self.log_path = log_path
        self.env = dict(env or {})
        self.interval = interval
        self.extra_args = list(extra_args)
        self.cwd = cwd or Path(django_settings.BASE_DIR)  # where manage.py is
        # db_worker, or a command that extends it and takes the same options.
        self.management_command = management_command
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "manage", self.management_command,
            "--queue-name", ",".join(self.queues),
            "--interval", str(self.interval),
            "--worker-id", self.worker_id,
            "--no-startup-delay",
            "--no-reload",
            *self.extra_args,
        ]  # fmt: skip

    def start(self) -> Self:
        """Start the process; return at once (see wait_until_ready)."""
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": self.settings,
            "PYTHONUNBUFFERED": "1",  # log lines reach the file as they are written
            **self.env,
        }
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            # Our own interpreter and arguments: nothing untrusted reaches the command.
            self.process = subprocess.Popen(  # noqa: S603
                self.command, cwd=self.cwd, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        return self

    def wait_until_ready(self, timeout: float = 30) -> None:
        """Wait until the worker logged that it started polling; fail if it exited instead."""

        def started() -> bool:
            if not self.is_running:
                raise RuntimeError(
                    f"Worker {self.worker_id} exited with {self.returncode} before it "
                    f"started:\n{self.output()}"
                )
            return f"Starting worker worker_id={self.worker_id}" in self.output()

        wait_until(started, timeout=timeout, waiting_for=f"worker {self.worker_id} to start")

    @property
    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def returncode(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def stop(self, timeout: float = 15) -> int | None:
        """Stop as the Procfile's supervisor does: SIGTERM lets the current task finish.

        A worker still running after `timeout` seconds gets a second SIGTERM (which
        marks its task FAILED), then SIGKILL. Returns the exit code.
        """
        if self.process is None:
            return None
        for send in (self._terminate, self._terminate, self.process.kill):
            if not self.is_running:
                break
            send()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                continue
        return self.process.wait()

    def kill(self) -> int:
        """SIGKILL, as a crash would: the task it was running stays RUNNING forever."""
        if self.process is None:
            raise RuntimeError("The worker was never started.")
        self.process.kill()
        return self.process.wait()

    def _terminate(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)

    def log_position(self) -> int:
        """How much output there is so far; pass it to output(since=...) later."""
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def output(self, since: int = 0) -> str:
        """What the worker printed (since a log_position())."""
        if not self.log_path.exists():
            return ""
        with self.log_path.open("rb") as log:
            log.seek(since)
            return log.read().decode(errors="replace")

    def __enter__(self) -> Self:
        self.start()
        try:
            self.wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


@contextmanager
def running(workers: Sequence[WorkerProcess]) -> Iterator[Sequence[WorkerProcess]]:
    """Start the workers together, wait until each polls, and stop them all at the end."""
    try:
        for process in workers:  # all at once: each takes a second to import Django
            process.start()
        for process in workers:
            process.wait_until_ready()
        yield workers
    finally:
        for process in workers:
            process.stop()
