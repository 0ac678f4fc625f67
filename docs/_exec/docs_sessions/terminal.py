"""A reader's terminal: a real bash in a pseudo-terminal, kept between commands (and, for the
tutorial, between pages), and the Python shell session a page starts in it.

Commands are typed into it as a reader types them, so `cd`, `export`, shell variables and the
Python shell's environment are the terminal's own. The terminal does not echo what is typed
(the pages show it), and bash prints no prompt but a mark with the last command's exit status.
"""

import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import time
from pathlib import Path

# After each command, bash prints RECORD_SEPARATOR, the status, RECORD_SEPARATOR.
DONE = re.compile(rb"\x1e(\d+)\x1e$")
PYTHON_PROMPT = re.compile(rb"(?:^|\n)(>>>|\.\.\.) $")
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")  # colours: the pages show none
SETUP = "stty -echo; PS1=''; PS2=''; unset HISTFILE; PROMPT_COMMAND='printf \"\\036%d\\036\" $?'\n"


def python_prompt_or_done(output: bytes) -> re.Match | None:
    """The Python shell waits for a line, or it exited and bash's prompt is back."""
    return PYTHON_PROMPT.search(output) or DONE.search(output)


class TimedOut(Exception):
    """The terminal printed neither a prompt nor the end of the command in time."""

    def __init__(self, output: str) -> None:
        super().__init__(output)
        self.output = output


class Terminal:
    """A bash in a pseudo-terminal, as a terminal window the pages name ("your first terminal").

    `python` is True while a Python shell session runs in it (its prompt, not bash's, waits);
    `job` names the `background` process that occupies it, if one does; `deactivated`: the
    run's bake's .venv is not activated in it (it is in another project, see Page.run).
    """

    def __init__(self, name: str, cwd: Path, env: dict[str, str]) -> None:
        self.name = name
        self.python = False
        self.job: str | None = None
        self.deactivated = False
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the terminal's shell, the pty its controlling terminal
            os.chdir(cwd)
            os.execve("/bin/bash", ["bash", "--noprofile", "--norc", "--noediting", "-i"],
                      env | {"TERM": "dumb"})  # fmt: skip
        # 100 columns, as COLUMNS says (argparse wraps --help to it); the terminal wraps nothing.
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 100, 0, 0))
        os.write(self.fd, SETUP.encode())
        self.read(lambda output: DONE.search(output), timeout=30)

    def __repr__(self) -> str:
        return f"the terminal {self.name!r}"

    @property
    def cwd(self) -> Path:
        """The shell's directory, even while a Python shell or a job runs in it."""
        return Path(os.readlink(f"/proc/{self.pid}/cwd"))

    def read(self, done, timeout: float) -> tuple[str, re.Match | None]:
        """Read until `done(output)` matches; the output (text as a terminal shows it)."""
        output, deadline = b"", time.monotonic() + timeout
        while not (match := done(output)):
            if time.monotonic() > deadline:
                raise TimedOut(self.text(output))
            if select.select([self.fd], [], [], 0.1)[0]:
                try:
                    output += os.read(self.fd, 65536)
                except OSError:  # the shell exited
                    raise TimedOut(self.text(output)) from None
        return self.text(output[: match.start()]), match

    @staticmethod
    def text(output: bytes) -> str:
        """The output as the window shows it: a line redrawn after a carriage return (a progress
        bar) shows its last version only."""
        text = ESCAPES.sub("", output.decode(errors="replace").replace("\r\n", "\n"))
        return "\n".join(line.rstrip("\r").rsplit("\r", 1)[-1] for line in text.split("\n"))

    def interrupt(self) -> None:
        """Ctrl+C: SIGINT to the terminal's foreground job, from the terminal's own driver."""
        os.write(self.fd, b"\x03")

    def run(self, command: str, timeout: float) -> tuple[int, str]:
        """Type `command` at bash's prompt; its exit status and output."""
        if self.python or self.job:
            raise RuntimeError(f"{self} runs {self.job or 'a Python shell'}")
        os.write(self.fd, command.encode() + b"\n")
        try:
            output, match = self.read(DONE.search, timeout)
        except TimedOut as timed_out:
            self.interrupt()
            output, match = self.read(DONE.search, 30)
            note = f"\n(the docs run pressed Ctrl+C after {timeout} s)"
            return int(match[1]), timed_out.output + output + note
        return int(match[1]), output

    def state(self, scratch: Path) -> tuple[Path, dict[str, str]]:
        """The shell's directory and exported environment, for a process started from it."""
        self.run(f"{{ pwd; env -0; }} > {scratch}", timeout=30)
        cwd, _, environment = scratch.read_text().partition("\n")
        env = dict(item.split("=", 1) for item in environment.split("\0") if "=" in item)
        return Path(cwd), env

    def start_python(self, command: str, timeout: float) -> str:
        """Type the command that starts a Python shell; what it prints up to its first prompt."""
        if self.python or self.job:
            raise RuntimeError(f"{self} runs {self.job or 'a Python shell'}")
        os.write(self.fd, command.encode() + b"\n")
        output, match = self.read(python_prompt_or_done, timeout)
        self.python = match.re is PYTHON_PROMPT
        return output if self.python else f"{output}\n(exited with status {int(match[1])})"

    def push(self, line: str, timeout: float) -> tuple[str, bool]:
        """Type a line at the Python prompt: what it printed, and whether `... ` waits for more."""
        os.write(self.fd, line.encode() + b"\n")
        try:
            output, match = self.read(python_prompt_or_done, timeout)
        except TimedOut as timed_out:  # a loop that never ends: Ctrl+C, as a reader would
            self.interrupt()
            output, match = self.read(python_prompt_or_done, 30)
            output = f"{timed_out.output}{output}\n(the docs run pressed Ctrl+C after {timeout} s)"
        if match.re is DONE:  # exit(): bash's prompt is back
            self.python = False
            return output, False
        return output, match[1] == b"..."

    def close(self) -> None:
        """Close the window: SIGHUP to the shell, which passes it on to its jobs."""
        try:
            os.kill(self.pid, signal.SIGHUP)
            for _ in range(100):
                if os.waitpid(self.pid, os.WNOHANG)[0]:
                    break
                time.sleep(0.05)
            else:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)
