"""Run the project's processes as production does, for tests of what happens to them.

Production settings, configured from the environment as on a real server, the
worker command of the Procfile (`heartbeat_db_worker`) and the Procfile's web
server (gunicorn):

    env = production_environment(database, smtp_port=smtp.port)
    with WebServer(env, log_path=...) as site, HeartbeatWorker(
        ["emails"], worker_id="emails@test", env=env, log_path=...
    ) as worker:
        ...  # site.url serves the site; the worker runs welcome emails

Only loopback addresses are used.
"""

import os
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Self

from django.conf import settings as django_settings

from .scratch_database import ScratchDatabase
from .waiting import wait_until
from .workers import WorkerProcess

PRODUCTION_SETTINGS = "config.settings.production"
HOST = "127.0.0.1"


def production_environment(
    database: ScratchDatabase, *, smtp_port: int, **overrides: str
) -> dict[str, str]:
    """The variables production settings read, pointing at `database` and a local SMTP server.

    The site is served over plain HTTP on loopback: no redirect to HTTPS.
    """
    return {
        **database.env,
        "DJANGO_SECRET_KEY": "test-only-" + "k" * 60,
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "SMTP_HOST": HOST,
        "SMTP_PORT": str(smtp_port),
        "SMTP_USE_TLS": "false",
        "SMTP_TIMEOUT": "5",
        **overrides,
    }


def free_port() -> int:
    """A TCP port on loopback that nothing listens on (for now)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class HeartbeatWorker(WorkerProcess):
    """A worker started as the Procfile starts it: `heartbeat_db_worker`, production settings.

    Its real worker id is `worker_id` plus ":<pid>:<tag>" (see
    workers/heartbeat.py); `full_worker_id()` reads it from the log.
    """

    def __init__(
        self,
        queues: Sequence[str],
        *,
        worker_id: str,
        env: Mapping[str, str],
        log_path: Path,
        interval: float = 0.1,
        settings: str = PRODUCTION_SETTINGS,
    ) -> None:
        super().__init__(
            queues,
            worker_id=worker_id,
            settings=settings,
            env=env,
            log_path=log_path,
            interval=interval,
            management_command="heartbeat_db_worker",
        )

    def full_worker_id(self) -> str:
        """The unique id this process runs under, as it logged when it started."""
        started = rf"Starting worker worker_id=({re.escape(self.worker_id)}:\S+)"
        match = re.search(started, self.output())
        if match is None:
            raise RuntimeError(f"Worker {self.worker_id} has not started:\n{self.output()}")
        return match[1]

    def signal(self, signum: int) -> None:
        """Send `signum` to the worker process."""
        if self.process is None:
            raise RuntimeError("The worker was never started.")
        self.process.send_signal(signum)

    def wait(self, timeout: float) -> int:
        """Wait for the process to exit; return its exit code."""
        if self.process is None:
            raise RuntimeError("The worker was never started.")
        return self.process.wait(timeout)


class WebServer:
    """The Procfile's `web` line (gunicorn) with production settings, on a free loopback port."""

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        log_path: Path,
        port: int | None = None,
        settings: str = PRODUCTION_SETTINGS,
    ) -> None:
        self.env = dict(env)
        self.settings = settings
        self.log_path = log_path
        self.port = port or free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    @staticmethod
    def procfile_command() -> str:
        """The shell command of the Procfile's `web:` line."""
        procfile = Path(django_settings.BASE_DIR) / "Procfile"
        [command] = re.findall(r"^web:\s*(.+)$", procfile.read_text(), re.MULTILINE)
        return command

    def environment(self) -> dict[str, str]:
        """This test's variables over ours; the project's virtualenv first on the PATH."""
        bin_dir = str(Path(sys.executable).parent)
        return {
            **os.environ,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "DJANGO_SETTINGS_MODULE": self.settings,
            "PORT": str(self.port),
            "PYTHONUNBUFFERED": "1",
            **self.env,
        }

    def collectstatic(self) -> None:
        """What a deployment does before starting the site: the manifest storage needs it."""
        subprocess.run(
            [sys.executable, "-m", "manage", "collectstatic", "--noinput", "-v", "0"],
            cwd=django_settings.BASE_DIR,
            env=self.environment(),
            check=True,
        )

    def start(self) -> Self:
        """Start gunicorn as honcho would (through a shell); wait until it answers."""
        self.collectstatic()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 (the project's own Procfile line)
                ["/bin/sh", "-c", f"exec {self.procfile_command()}"],
                cwd=django_settings.BASE_DIR,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until(self._answers, timeout=60, waiting_for=f"gunicorn to answer at {self.url}")
        return self

    def _answers(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{self.output()}")
        try:
            with urllib.request.urlopen(self.url + "/", timeout=5) as response:  # noqa: S310
                return response.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> Self:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()
