"""A Procfile worker line, run in a subprocess through a shell, as honcho runs it:

    with running([WorkerProcess(procfile.workers()["emails"], env=..., log_path=...)]):
        ...  # tasks enqueued on "emails" now run in that process

Its output goes to a file: a pipe nobody reads would block it.
"""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Self

from django.conf import settings

from .procfile import Process
from .waiting import wait_until

STARTED = {% if cookiecutter.backend == "rq" %}"*** Listening on"{% else %}"Starting worker worker_id="{% endif %}  # what the worker logs once it is in its loop


class WorkerProcess:
    def __init__(self, line: Process, *, env: Mapping[str, str], log_path: Path) -> None:
        self.line, self.env, self.log_path = line, dict(env), log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Self:
        """Start the process; return at once (see wait_until_ready)."""
        # The project's virtualenv first on the PATH, as `uv run honcho start` has it.
        path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
        env = {**os.environ, "PATH": path, "PYTHONUNBUFFERED": "1", **self.env}
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603  the project's own Procfile line
                ["/bin/sh", "-c", f"exec {self.line.command}"],
                cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        return self

    def wait_until_ready(self, timeout: float = 30) -> None:
        """Wait until the worker logged its start; fail if it exited instead."""

        def started() -> bool:
            assert self.is_running, f"{self.line.name} exited:\n{self.output()}"
            return STARTED in self.output()

        wait_until(started, timeout=timeout, waiting_for=f"worker {self.line.name} to start")

    @property
    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM, as a supervisor stops it (the running task finishes); then harder."""
        for signum in (signal.SIGTERM, signal.SIGTERM, signal.SIGKILL):
            if not self.is_running:
                return
            assert self.process
            self.process.send_signal(signum)
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout)

    def output(self) -> str:
        """What the worker printed so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@contextmanager
def running(workers: Sequence[WorkerProcess]) -> Iterator[None]:
    """Start the workers together, wait until each has started; stop them all at the end."""
    try:
        for worker in workers:  # all at once: each takes a second to import Django
            worker.start()
        for worker in workers:
            worker.wait_until_ready()
        yield
    finally:
        for worker in workers:
            worker.stop()
