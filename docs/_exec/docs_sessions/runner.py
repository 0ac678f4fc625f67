"""What the pages' blocks run against: a baked project, a throwaway database, the reader's
terminals (real shells, with the Python shell sessions started in them), background processes
and the reader's browser.
"""

import fcntl
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
from .terminal import Terminal

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
        drop.add("PROMETHEUS_MULTIPROC_DIR")  # the monitoring app sets it per process
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


class Reader:
    """What a reader keeps from one page to the next: terminals (each with its directory, its
    exports and its shell variables, and the Python session running in it), the browser.

    The tutorial's pages share one reader, as one person follows them in order; every other
    page has a reader of its own, who keeps its Python sessions in a terminal of their own
    (`shell_terminal`): those pages do not name their terminals.
    """

    def __init__(self, project: Project, shell_terminal: str | None = None) -> None:
        self.project = project
        self.shell_terminal = shell_terminal
        self.terminals: dict[str, Terminal] = {}
        self.python: Terminal | None = None  # where the latest Python session was started
        self.browser = Browser(project)
        self.hidden = {"docs_browser": self.browser}  # the namespace of `% docs: python`

    def terminal(self, name: str) -> Terminal:
        """The terminal `name`; a new one opens in the project's directory (the pages say
        "in the project's directory" when they open one)."""
        if name not in self.terminals:
            self.terminals[name] = Terminal(name, self.project.root, self.project.env)
        return self.terminals[name]

    def close(self) -> None:
        for terminal in self.terminals.values():
            terminal.close()
        self.terminals.clear()
        self.python = None


FIRST = "first"  # the terminal a page's blocks run in until it names another


class Page:
    """The state one page builds up as its blocks run, in order, in the reader's terminals."""

    def __init__(self, project: Project, reader: Reader) -> None:
        self.project = project
        self.reader = reader
        self.terminal_name = FIRST  # `% docs: terminal NAME` changes it
        self.bindings: dict[str, str] = {}  # <kind:label> -> the text it matched
        self.options: dict[str, list[str]] = {}  # `% docs:` options for the next block
        self.processes: dict[str, Background] = {}
        self.occupied: dict[str, Terminal] = {}  # background process -> the terminal it holds
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
    def terminal(self) -> Terminal:
        return self.reader.terminal(self.terminal_name)

    def busy(self, terminal: Terminal) -> str | None:
        """Why a command cannot be typed in `terminal` now, if it cannot."""
        job = self.processes.get(terminal.job or "")
        if terminal.job and (job is None or job.process.poll() is not None):
            self.release(terminal.job)  # it exited (killed from elsewhere): the prompt is back
        if terminal.job or terminal.python:
            what = f"`{terminal.job}`" if terminal.job else "a Python shell"
            return (
                f"{terminal} runs {what}: a reader would type this command elsewhere; the page "
                "must say in which terminal (`% docs: terminal NAME`)"
            )
        return None

    def run(self, command: str, timeout: float = TIMEOUT) -> tuple[int, str]:
        """Type `command` in the page's terminal: its status and output as the page shows it."""
        terminal = self.terminal
        if command == "cd .." and terminal.cwd == self.project.root.resolve():
            command = f"cd {self.project.home}"  # the reader's project sits in their home
        status, output = terminal.run(self.project.command(command), timeout)
        if command.startswith("cd "):
            self.follow_project(terminal)
        return status, self.project.shown(output)

    def follow_project(self, terminal: Terminal) -> None:
        """After a `cd`: in a project the page made (the PostgreSQL how-to's rehearsal bake),
        the run's bake's .venv is not activated (uv would warn that VIRTUAL_ENV is not that
        project's environment); back elsewhere, it is again. A reader who activated nothing
        types nothing for it: the run does, unseen."""
        cwd, root = terminal.cwd, self.project.root.resolve()
        another = not cwd.is_relative_to(root) and (cwd / "pyproject.toml").exists()
        if another == terminal.deactivated:
            return
        venv = self.project.root / ".venv"
        without = f'PATH="${{PATH//"{venv}/bin:"/}}"'  # bash: the entry out of PATH
        if another:
            command = f"unset VIRTUAL_ENV; {without}"
        else:
            command = f'export VIRTUAL_ENV="{venv}"; {without}; PATH="{venv}/bin:$PATH"'
        status, output = terminal.run(command, timeout=30)
        if status:
            raise RuntimeError(f"{terminal}: {command} failed: {output}")
        terminal.deactivated = another

    def state(self, terminal: Terminal | None = None) -> tuple[Path, dict[str, str]]:
        """The directory and environment a command typed in the terminal would get."""
        scratch = self.project.workdir / "terminal-state"
        return (terminal or self.terminal).state(scratch)

    def start(self, name: str, command: str, occupy: bool) -> str | None:
        """Start a background process from the page's terminal, with its directory and
        environment; `occupy`: it runs in that terminal, which takes no command until it stops."""
        terminal = self.terminal
        if occupy and (why := self.busy(terminal)):
            return why
        cwd, env = self.state(terminal)
        self.processes[name] = Background(self.project, name, command, cwd, env)
        if occupy:
            terminal.job = name
            self.occupied[name] = terminal
        return None

    def release(self, name: str) -> None:
        """The process `name` ended: its terminal takes commands again."""
        if terminal := self.occupied.pop(name, None):
            terminal.job = None

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

    def close_terminal(self, name: str) -> str | None:
        """Close the terminal `name`, as the reader closes its window; a new one opens if a
        later block names it."""
        terminal = self.reader.terminals.get(name)
        if terminal and terminal.job and (why := self.busy(terminal)):
            return why
        if terminal:
            terminal.close()
            del self.reader.terminals[name]
        return None

    def start_shell(self, command: str) -> str:
        """`command` (`uv run python -m manage shell`) typed in the page's terminal: what it
        prints before its first prompt. A reader types it at bash's prompt: a session already
        running there must be left first, as the page tells the reader (`>>> exit()`)."""
        if self.reader.shell_terminal:
            terminal = self.reader.terminal(self.reader.shell_terminal)
        else:
            terminal = self.terminal
        if terminal.python:
            return (
                f"{terminal} runs a Python shell already: the page must tell the reader to leave "
                "it (`>>> exit()`) before starting another"
            )
        if terminal.job and (why := self.busy(terminal)):
            return why
        output = terminal.start_python(self.project.command(command), TIMEOUT)
        self.reader.python = terminal  # the latest session, even one that did not start
        return self.project.shown(output)

    @property
    def python_running(self) -> bool:
        """Whether the latest Python session started still runs."""
        return bool(self.reader.python and self.reader.python.python)

    def no_session(self) -> str | None:
        """Why a block typed at `>>>` has no session to go to, if it has none: the tutorial's
        reader types `python -m manage shell` where the page says so, never silently."""
        if self.terminal.python or self.python_running or self.reader.shell_terminal:
            return None
        return (
            "no Python session runs: the page must start one (`$ uv run python -m manage shell`) "
            "before a block typed at `>>>`"
        )

    @property
    def session(self) -> Terminal:
        """The terminal whose Python session a block continues: the page's terminal if it runs
        one, or the one the latest session was started in; none yet: a silent new one, but for
        the tutorial's reader, who types `python -m manage shell` where the page says so."""
        if self.terminal.python:
            return self.terminal
        if self.python_running:
            return self.reader.python
        if why := self.no_session():
            raise RuntimeError(why)
        output = self.start_shell("python -m manage shell")
        if not self.python_running:
            raise RuntimeError(f"`python -m manage shell` did not start:\n{output}")
        return self.reader.python

    def push(self, lines: list[str], typed: list[str]) -> tuple[list[str], list[str]]:
        """Type `lines` at the session's prompts (`typed`: as the page shows them): the lines
        the terminal shows, prompts included, and what the session printed."""
        terminal = self.session
        shown, printed, more = [], [], False
        for line, as_shown in zip(lines, typed, strict=True):
            shown.append(f"{'... ' if more else '>>> '}{as_shown}")
            output, more = terminal.push(line, TIMEOUT)
            printed.append(output)
        return shown, self.project.shown("".join(printed)).splitlines()

    def take_options(self) -> dict[str, list[str]]:
        """The options given for the next block, which is this one."""
        options, self.options = self.options, {}
        return options

    def wait_until(self, expression: str, timeout: float = TIMEOUT) -> str:
        """Type `expression` in the session until it prints True; a message if it never does."""
        terminal, deadline, output = self.session, time.monotonic() + timeout, ""
        while time.monotonic() < deadline:
            output, _ = terminal.push(expression, TIMEOUT)
            if output.strip() == "True":
                return ""
            time.sleep(POLL * 5)
        return f"still not True after {timeout} s: {expression}\n{output}"

    def close(self) -> None:
        for name, process in self.processes.items():
            process.stop()
            self.release(name)
        self.processes.clear()
        self.restore()
