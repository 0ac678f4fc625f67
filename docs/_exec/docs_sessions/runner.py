"""What the pages' blocks run against: a baked project, a throwaway database, a Django shell
session in this process, and commands and background processes in the project's directory.
"""

import code
import contextlib
import fcntl
import io
import logging
import os
import pty
import re
import select
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import termios
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from typing import ClassVar

from . import patterns

# Seconds to wait for a command, a background process's output, a condition.
TIMEOUT = float(os.environ.get("DOCS_TIMEOUT", "60"))
POLL = 0.05  # seconds between two looks at a condition or a process's output
PORT = 8000  # the port the pages show; the run uses a free one (see Project.port)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Project:
    """A baked project with its .venv; the pages run in it, on a database of the run's own."""

    root: Path
    workdir: Path  # the database, the background processes' output, the reader's home
    database: str  # "sqlite" or "postgresql", as the project was baked
    not_run: dict[str, str] = field(default_factory=dict)  # command prefix -> why not
    # (regex, replacement) applied to a command before it runs: the reader's text -> the run's.
    substitutions: list[tuple[str, str]] = field(default_factory=list)
    port: int = field(default_factory=free_port)  # the pages' 8000, free on this machine

    def __post_init__(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self.database_name = f"docs_{self.root.name}_{os.getpid()}"

    @property
    def home(self) -> Path:
        """Where a page that starts before the project exists (part 1) runs its commands."""
        return self.workdir / "home"

    @property
    def sqlite_path(self) -> Path:
        return self.workdir / "db.sqlite3"

    @property
    def database_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:5432/{self.database_name}"

    @property
    def env(self) -> dict[str, str]:
        """A shell in the project with its .venv activated, and the run's own database."""
        venv = self.root / ".venv"
        drop = {"VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "DJANGO_SETTINGS_MODULE", "PYTHONPATH"}
        drop.add("PROMETHEUS_MULTIPROC_DIR")  # set by this process's Django: a terminal has none
        env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("PYTEST")}
        database = (
            {"SQLITE_PATH": str(self.sqlite_path)}
            if self.database == "sqlite"
            else {"DATABASE_URL": self.database_url}
        )
        return (
            env
            | database
            | {
                "PATH": f"{venv / 'bin'}{os.pathsep}{env['PATH']}",
                "VIRTUAL_ENV": str(venv),
                "PYTHONUNBUFFERED": "1",  # stdout and stderr (logging) interleave as written
                "COLUMNS": "100",  # argparse's --help wraps as the pages show it
            }
        )

    def deactivated(self, env: dict[str, str | None]) -> dict[str, str | None]:
        """`env` without the bake's .venv activated: a shell in another project (uv would warn
        that VIRTUAL_ENV is not that project's environment)."""
        venv_bin = str(self.root / ".venv" / "bin")
        entries = (env.get("PATH") or "").split(os.pathsep)
        path = os.pathsep.join(entry for entry in entries if entry != venv_bin)
        return env | {"VIRTUAL_ENV": None, "PATH": path}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self, text: str) -> str:
        """The command the run runs for the one a page shows."""
        for pattern, replacement in self.substitutions:
            text = re.sub(pattern, replacement.format(project=self), text)
        return text

    def shown(self, output: str) -> str:
        """`output` as the pages show it: the project's paths relative, port 8000."""
        for root in {self.root, self.root.resolve()}:
            output = output.replace(f"{root}/", "")
        for home in {self.home, self.home.resolve()}:
            output = output.replace(f"{home}/", "")
        return output.replace(f"127.0.0.1:{self.port}", f"127.0.0.1:{PORT}")

    def env_file_lines(self) -> list[str]:
        """The project's .env, without its comments."""
        lines = (self.root / ".env").read_text().splitlines()
        return [line for line in lines if line.strip() and not line.lstrip().startswith("#")]

    def settings_module(self) -> str:
        """DJANGO_SETTINGS_MODULE as the reader's shell gets it: from the project's .env."""
        for line in self.env_file_lines():
            name, _, value = line.partition("=")
            if name.strip() == "DJANGO_SETTINGS_MODULE":
                return value.strip()
        return "config.settings.development"

    def setup_django(self) -> None:
        """Configure Django in this process, for the pages' shell sessions."""
        os.environ["DJANGO_SETTINGS_MODULE"] = self.settings_module()
        database = {"SQLITE_PATH", "DATABASE_URL"}
        os.environ.update({k: v for k, v in self.env.items() if k in database})
        sys.path.insert(0, str(self.root))
        import django

        before = set(os.environ)
        django.setup()
        # The development settings put .env's values in this process's environment: keep them
        # out of the pages' shells, which the reader's terminal has not got (honcho and the
        # development settings read .env themselves). What the apps set for this process stays
        # (the monitoring app's PROMETHEUS_MULTIPROC_DIR: its counters need it at each enqueue).
        from_env_file = {line.partition("=")[0].strip() for line in self.env_file_lines()}
        for name in (set(os.environ) - before) & from_env_file:
            del os.environ[name]
        # A terminal shows the shell's log lines (stderr) among its output: send every
        # console handler to whatever sys.stdout is when it writes.
        for logger in [logging.root, *logging.root.manager.loggerDict.values()]:
            for handler in getattr(logger, "handlers", []):
                if type(handler) is logging.StreamHandler:
                    handler.setStream(CurrentStdout())

    def run(
        self, command: str, cwd: Path, env: dict[str, str], timeout: float = TIMEOUT
    ) -> tuple[int, str]:
        """Run `command` as the reader would, in `cwd`: its status and output."""
        process = subprocess.Popen(
            self.command(command), shell=True, executable="/bin/bash", cwd=cwd, env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, start_new_session=True,
        )  # fmt: skip
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:  # e.g. a server in a block not marked `background`
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            output += f"\n(the docs run killed this command after {timeout} s)"
        return process.returncode, self.shown(output)

    def run_in_terminal(
        self, command: str, cwd: Path, env: dict[str, str], timeout: float = TIMEOUT
    ) -> tuple[int, str]:
        """Run `command` in a terminal, pressing Enter at each prompt (its default answer)."""
        main, secondary = pty.openpty()
        fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 200, 0, 0))
        process = subprocess.Popen(
            ["/bin/bash", "-c", self.command(command)], cwd=cwd,
            env=env | {"NO_COLOR": "1", "TERM": "xterm", "COLUMNS": "200"},
            stdin=secondary, stdout=secondary, stderr=secondary, start_new_session=True,
        )  # fmt: skip
        os.close(secondary)
        output, deadline = b"", time.monotonic() + timeout
        while time.monotonic() < deadline:
            if select.select([main], [], [], 0.3)[0]:
                try:
                    data = os.read(main, 4096)
                except OSError:  # the terminal closed: the command exited
                    break
                output += data
            elif process.poll() is not None:
                break
            elif output and not output.endswith(b"\n"):  # quiet at a prompt: press Enter
                os.write(main, b"\r")
        os.close(main)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        text = output.decode(errors="replace").replace("\r\n", "\n")
        text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)  # bold and dim: the page has none
        return process.wait(), self.shown(text)

    # The database --------------------------------------------------------------------

    def admin_sql(self, sql: str) -> None:
        """Run SQL on the PostgreSQL server's maintenance database."""
        import psycopg

        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
            db.execute(sql)

    def reset_database(self, migrated: bool = True) -> None:
        """A new database for the next page: migrated, or none at all (the page creates it)."""
        from django.db import connections

        connections.close_all()
        if self.database == "sqlite":
            # and its -wal, -shm, and -workers (the directory of the workers' lock files)
            for path in self.workdir.glob(f"{self.sqlite_path.name}*"):
                shutil.rmtree(path) if path.is_dir() else path.unlink()
            if migrated:
                source, copy = sqlite3.connect(self.migrated()), sqlite3.connect(self.sqlite_path)
                source.backup(copy)
                source.close()
                copy.close()
        else:
            self.drop_database()
            if migrated:
                self.admin_sql(f'CREATE DATABASE "{self.database_name}"')
                self.migrate(self.env)

    def drop_database(self) -> None:
        if self.database == "postgresql":
            from django.db import connections

            connections.close_all()
            self.admin_sql(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')

    def drop_test_database(self) -> None:
        """The test database of a suite a page ran on the run's PostgreSQL database (the
        PostgreSQL how-to's switch), if that suite was stopped before pytest-django dropped it."""
        if self.database == "postgresql":
            self.admin_sql(f'DROP DATABASE IF EXISTS "test_{self.database_name}" WITH (FORCE)')

    def migrate(self, env: dict[str, str]) -> None:
        subprocess.run(
            [sys.executable, "-m", "manage", "migrate", "-v", "0"],
            cwd=self.root, env=env, check=True,
        )  # fmt: skip

    def migrated(self) -> Path:
        """A migrated SQLite database to copy (migrated once per run)."""
        template = self.workdir / "migrated.sqlite3"
        if not template.exists():
            self.migrate(self.env | {"SQLITE_PATH": str(template)})
        return template

    def close(self, keep: bool) -> None:
        """Drop the run's database; delete its files unless `keep` (something failed)."""
        self.drop_database()
        self.drop_test_database()
        if not keep:
            shutil.rmtree(self.workdir, ignore_errors=True)


@contextlib.contextmanager
def time_limit(seconds: float):
    """Interrupt code of the page's session that runs longer (a poll loop that never ends)."""

    def interrupt(signum, frame):
        raise TimeoutError(f"the docs run interrupted this statement after {seconds} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class CurrentStdout:
    """A stream that writes to the sys.stdout of the moment (redirected during a session)."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


class Browser:
    """What a reader does in the browser, for hidden steps (`% docs: python`): forms, cookies."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> str:
        with self.opener.open(self.project.base_url + path, timeout=TIMEOUT) as response:
            return response.read().decode()

    def submit(self, path: str, **fields: str) -> str:
        """Fill in and send the form at `path`; the URL the answer ended at (redirects followed)."""
        form = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token[1], **fields}).encode()
        request = urllib.request.Request(
            self.project.base_url + path, data, headers={"Referer": self.project.base_url + path}
        )
        with self.opener.open(request, timeout=TIMEOUT) as response:
            return response.url.removeprefix(self.project.base_url)


class Background:
    """A process that runs while the blocks after it execute: `% docs: start` or `background`."""

    running: ClassVar[list["Background"]] = []  # every one started and not stopped yet

    def __init__(
        self, project: Project, name: str, command: str, cwd: Path, env: dict[str, str]
    ) -> None:
        self.project, self.name, self.command = project, name, command
        self.log_path = project.workdir / f"{name}.log"
        self.log = self.log_path.open("wb")
        # exec: the signal stop() sends reaches the command, not a shell around it.
        self.process = subprocess.Popen(
            ["/bin/bash", "-c", f"exec {project.command(command)}"], cwd=cwd, env=env,
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal's foreground job
        )  # fmt: skip
        self.seen = 0  # lines before this one were matched by an earlier block
        Background.running.append(self)

    def lines(self) -> list[str]:
        """Its complete output lines so far."""
        text = self.project.shown(self.log_path.read_text(errors="replace"))
        return [line.rstrip() for line in text.splitlines(keepends=True) if line.endswith("\n")]

    def wait_for(
        self,
        expected: list[patterns.Line],
        any_order: bool = False,
        only: str | None = None,
        timeout: float = TIMEOUT,
    ) -> patterns.Comparison:
        """Wait until its output after what earlier blocks matched contains `expected`.

        `only`: a honcho process (`emails.1`): its lines only, as honcho interleaves the
        lines of its processes in an order that varies.
        """
        keep = re.compile(rf"\S+ {re.escape(only)} *\| ?") if only else None
        if not any_order:
            ellipsis = patterns.compile_line("...", {})
            expected = [ellipsis, *expected, ellipsis]
        compare = patterns.compare_any_order if any_order else patterns.compare
        deadline = time.monotonic() + timeout
        while True:
            exited = self.process.poll()
            lines = list(enumerate(self.lines()))[self.seen :]
            if keep:
                lines = [(number, line) for number, line in lines if keep.match(line)]
            comparison = compare(expected, [line for _, line in lines])
            if comparison.ok or exited is not None or time.monotonic() > deadline:
                break
            time.sleep(POLL)
        if comparison.ok and comparison.end:  # later blocks look at the lines after it
            self.seen = lines[comparison.end - 1][0] + 1
        elif exited is not None:
            comparison.diff += f"\n({self.name} exited with status {exited})"
        else:
            comparison.diff += f"\n(waited {timeout} s for {self.name}'s output)"
        return comparison

    def signal(self, number: int) -> None:
        """Send `number` to its process group, as a terminal sends Ctrl+C to its foreground job."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, number)

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM to its process group, then wait; SIGKILL the group if it is stuck."""
        self.signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()
        if self in Background.running:
            Background.running.remove(self)
        return self.process.returncode

    @classmethod
    def stop_all(cls) -> None:
        """Stop every process still running (the run is being stopped itself)."""
        for process in list(cls.running):
            process.stop(timeout=10)


class Page:
    """The state one page builds up as its blocks run, in order."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.cwd = project.root  # `cd` in a console block changes it
        self.exported: dict[str, str | None] = {}  # `export` and `unset` in a console block
        self.console: code.InteractiveConsole | None = None
        self.bindings: dict[str, str] = {}  # <kind:label> -> the text it matched
        self.options: dict[str, list[str]] = {}  # `% docs:` options for the next block
        self.processes: dict[str, Background] = {}
        self.edited: dict[Path, str] = {}  # files of the project a page changed: their text
        self.failed = False
        self.database_ready = False  # until its first step: see Page.prepare_database

    def prepare_database(self, state: str = "migrated") -> None:
        """The page's database: `migrated` (a new one, the default), `empty` (none: the page
        makes it), or `continue` (what the page before left, for the tutorial's parts)."""
        if state != "continue" or not self.project.workdir.joinpath("started").exists():
            self.project.reset_database(migrated=state != "empty")
        self.project.workdir.joinpath("started").touch()
        self.database_ready = True

    @property
    def env(self) -> dict[str, str]:
        """The environment of the page's shell: the project's, and what the page exported."""
        env = self.project.env | self.exported
        if self.in_another_project():
            env = self.project.deactivated(env)
        return {name: value for name, value in env.items() if value is not None}

    def in_another_project(self) -> bool:
        """Whether the page's directory is a project of its own (one the page baked), not the
        bake the run installed: a page's rehearsal, such as the PostgreSQL how-to's switch."""
        inside = self.cwd.resolve().is_relative_to(self.project.root.resolve())
        return not inside and (self.cwd / "pyproject.toml").exists()

    def export(self, command: str) -> None:
        """`export NAME=VALUE` (VALUE as bash expands it) or `unset NAME`, in the page's shell."""
        verb, _, assignment = command.partition(" ")
        name = assignment.partition("=")[0]
        if verb == "unset":
            self.exported[name] = None
            return
        script = f'{command}; printf %s "${name}"'
        expanded = subprocess.run(
            ["/bin/bash", "-c", script], cwd=self.cwd, env=self.env,
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        self.exported[name] = expanded.stdout

    def cd(self, directory: str) -> None:
        """`cd` as the reader types it: into the project (its name), or back home."""
        if directory == self.project.root.name:
            self.cwd = self.project.root
        elif directory == "~" or (directory == ".." and self.cwd == self.project.root):
            self.cwd = self.project.home
        elif made_by_page := self.page_directory(directory):
            self.cwd = made_by_page
        elif directory == "..":
            self.cwd = self.project.home
        else:
            raise ValueError(f"the docs run knows no directory {directory!r}")

    def page_directory(self, directory: str) -> Path | None:
        """`directory` relative to the page's, if it is one the page made in its home (a
        rehearsal bake beside the run's, such as the PostgreSQL how-to's switch)."""
        path = (self.cwd / directory).resolve()
        inside = path.is_relative_to(self.project.home.resolve())
        return path if inside and path.is_dir() else None

    def edit(self, path: str, old: str, new: str) -> str | None:
        """Replace `old` by `new` in a file of the project, as the reader's editor would."""
        file = self.project.root / path
        text = file.read_text()
        if text.count(old) != 1:
            return f"{path} holds {text.count(old)} times, not once: {old}"
        self.edited.setdefault(file, text)
        file.write_text(text.replace(old, new))
        return None

    def restore(self) -> None:
        for file, text in self.edited.items():
            file.write_text(text)
        self.edited.clear()

    @contextlib.contextmanager
    def captured(self):
        """stdout and stderr, interleaved as in a terminal, in the page's directory."""
        output = io.StringIO()
        with (
            contextlib.chdir(self.project.root),
            contextlib.redirect_stdout(output),
            contextlib.redirect_stderr(output),
        ):
            yield output

    def start_shell(self) -> str:
        """A new `python -m manage shell` session; what it prints before its first prompt."""
        from django.core.management.commands.shell import Command

        with self.captured() as output:
            namespace = Command().get_namespace(verbosity=1)  # "18 objects imported..."
            namespace["docs_browser"] = Browser(self.project)  # for hidden steps only
            self.console = code.InteractiveConsole(namespace)
            cprt = 'Type "help", "copyright", "credits" or "license" for more information.'
            print(f"Python {sys.version} on {sys.platform}\n{cprt}\n(InteractiveConsole)")
        return self.project.shown(output.getvalue())

    @property
    def namespace(self) -> dict:
        """The shell session's namespace (a silent session is started if none was)."""
        if self.console is None:
            self.start_shell()
        return self.console.locals

    def push(self, lines: list[str]) -> tuple[list[str], list[str]]:
        """Type `lines` at the shell's prompts: the lines the terminal shows, prompts
        included, and what the session printed."""
        if self.console is None:  # a page that shows no `$ python -m manage shell`
            self.start_shell()
        shown, more = [], False
        with self.captured() as output:
            for line in lines:
                shown.append(f"{'... ' if more else '>>> '}{line}")
                with time_limit(TIMEOUT):
                    more = self.console.push(line)
        return shown, self.project.shown(output.getvalue()).splitlines()

    def take_options(self) -> dict[str, list[str]]:
        """The options given for the next block, which is this one."""
        options, self.options = self.options, {}
        return options

    def wait_until(self, expression: str, timeout: float = TIMEOUT) -> str:
        """Evaluate `expression` in the session until it is true; a message if it never is."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.captured():
                if eval(expression, self.namespace):
                    return ""
            time.sleep(POLL)
        return f"still false after {timeout} s: {expression}"

    def close(self) -> None:
        for process in self.processes.values():
            process.stop()
        self.processes.clear()
        self.restore()
