"""The processes the lab runs: the Procfile's workers and web server, and the references' workers.

Workers are the bake's own wrapper (tests/support/workers.py): a Procfile line
run through a shell as honcho runs it. `worker()` runs a line of the Procfile,
or another command (django-tasks-db's db_worker, the references'), with more
arguments and environment; `Site` runs the Procfile's `web:` line (gunicorn).
The lab's process passes them its environment: the settings (benchmarks.settings
unless told otherwise), the throwaway database, the probe's address.

`production_environment()` is what a server's environment gives production
settings; the load test runs the site and its workers with it.
"""

import os
import re
import shlex
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Self

from django.conf import settings

from tests.support import procfile
from tests.support.waiting import wait_until
from tests.support.workers import WorkerProcess

from .databases import Database

HOST = "127.0.0.1"
# What the project's worker (and django-tasks-db's db_worker) logs once it is in its loop.
STARTED = r"Starting worker worker_id=(\S+)"


class Worker(WorkerProcess):
    """A worker process that is ready once its output matches `ready`."""

    def __init__(self, line: procfile.Process, *, ready: str = STARTED, **kwargs: object) -> None:
        super().__init__(line, **kwargs)  # type: ignore[arg-type]
        self.ready = re.compile(ready)

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError("The worker was never started.")
        return self.process.pid  # the shell execs the command: this is the worker's own pid

    def wait_until_ready(self, timeout: float = 60) -> None:
        """Wait until the worker said it is ready; fail if it exited first."""

        def ready() -> bool:
            if not self.is_running:
                raise RuntimeError(f"Worker {self.line.name} exited:\n{self.output()}")
            return bool(self.ready.search(self.output()))

        wait_until(ready, timeout=timeout, waiting_for=f"worker {self.line.name} to start")

    def kill(self) -> None:
        """SIGKILL, as a crash would: its running task stays RUNNING until recovered."""
        if self.process is None:
            raise RuntimeError("The worker was never started.")
        self.process.kill()
        self.process.wait(timeout=15)


def worker(
    name: str,
    command: str,
    *,
    logs: Path,
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    ready: str = STARTED,
) -> Worker:
    """A worker running `command` (a Procfile line's name, or a command) with `args` added."""
    line = procfile.workers().get(command) or procfile.Process(name, command)
    return Worker(
        procfile.Process(name, " ".join([line.command, *map(shlex.quote, args)])),
        env=dict(env or {}),
        log_path=logs / f"{name}.log",
        ready=ready,
    )


def production_environment(database: Database, *, smtp_port: int) -> dict[str, str]:
    """The variables production settings read, for `database` and an SMTP server on loopback.

    The site is served over plain HTTP on loopback: no redirect to HTTPS.
    """
    return {
        **database.env,
        "DJANGO_SECRET_KEY": "lab-only-" + "k" * 60,
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        # The load test's clients send X-Forwarded-Proto as the HTTPS proxy in front would.
        "DJANGO_BEHIND_PROXY": "true",
        "SMTP_HOST": HOST,
        "SMTP_PORT": str(smtp_port),
        "SMTP_USE_TLS": "false",
        "SMTP_TIMEOUT": "5",
        # The bake's .env asks gunicorn to reload on code changes: not in production.
        "GUNICORN_CMD_ARGS": "",
    }


def free_port() -> int:
    """A TCP port on loopback that nothing listens on (for now)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Site:
    """The Procfile's `web:` line (gunicorn) on a free loopback port, as honcho runs it."""

    def __init__(self, env: Mapping[str, str], *, log_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        # gunicorn is a process like the workers: the same wrapper starts and stops it.
        self._process = WorkerProcess(
            procfile.processes()["web"], env={**env, "PORT": str(self.port)}, log_path=log_path
        )

    def start(self) -> Self:
        """Collect the static files as a deployment does, start gunicorn, wait until it answers."""
        subprocess.run(
            [sys.executable, "-m", "manage", "collectstatic", "--noinput", "-v", "0"],
            cwd=settings.BASE_DIR,
            env={**os.environ, **self._process.env},
            check=True,
        )
        self._process.start()
        wait_until(self._answers, timeout=60, waiting_for=f"gunicorn to answer at {self.url}")
        return self

    def _answers(self) -> bool:
        if not self._process.is_running:
            raise RuntimeError(f"gunicorn exited:\n{self._process.output()}")
        try:
            with urllib.request.urlopen(self.url + "/", timeout=5) as response:
                return response.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def stop(self) -> None:
        self._process.stop()

    def __enter__(self) -> Self:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
