"""Sybil parsers: the pages' ```console and ```pycon blocks, and `% docs:` comments.

Only these are read: other fences (`{project-file}`...) and other comments (`% checked by`)
are Sphinx's business. README.md describes the notation and the directives.
"""

import re
import signal
import subprocess
import textwrap
import time
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path

import pytest
from sybil import Document, Example, Region
from sybil.parsers.markdown.lexers import FencedCodeBlockLexer

from . import buildalong
from .patterns import Line, Step, compare_steps, compile_line
from .runner import TIMEOUT, Page, Reader

PAGE = "docs_page"  # the Page, in each Sybil document's namespace
OWN_READER = "docs_own_reader"  # whether the page's Reader is its own (not the tutorial's)
SHELL = re.compile(r"(uv run )?python -m manage shell")
LABEL = re.compile(r"<(\w+:[\w-]+)>")
SHELL_STATE = ("cd ", "export ", "unset ")  # builtins that change the terminal's state

# `% docs: VERB ARGS`, then for `python` its code, in comment lines indented 2+ spaces.
DIRECTIVE = re.compile(
    r"^% docs: (?P<verb>[\w-]+)[ \t]*(?P<args>[^\n]*)\n(?P<body>(?:%(?:[ \t]{2,}[^\n]*)?\n)*)",
    re.MULTILINE,
)
# Options apply to the next console or pycon block; actions run where they stand.
OPTIONS = {
    "skip", "not-run", "exit-status", "background", "output-of", "any-order", "press-enter",
    "timeout",
}  # fmt: skip
ACTIONS = {
    "database", "cwd", "start", "stop", "interrupt", "wait-for", "wait-until", "python", "edit",
    "restore", "terminal", "close", "pause", "exited", "write", "compare-with-bake",
}  # fmt: skip
# Read when the pages are collected (conftest.py): the bake a page runs against.
PAGE_LEVEL = {"bake"}


def step(run: Callable[[Page, object], str | None]) -> Callable[[Example], str | None]:
    """An evaluator: once a step of a page fails, the page's later steps are skipped."""

    @wraps(run)
    def evaluate(example: Example) -> str | None:
        page: Page = example.namespace[PAGE]
        if page.failed:
            raise pytest.skip.Exception(
                "an earlier block of this page failed", _use_item_location=True
            )
        first_is_database = isinstance(example.parsed, tuple) and example.parsed[0] == "database"
        if not page.database_ready and not first_is_database:
            page.prepare_database()  # the page has no `% docs: database` before this step
        try:
            message = run(page, example.parsed)
        except pytest.skip.Exception:
            raise
        except BaseException:
            page.failed = True
            raise
        page.failed = bool(message)
        return message

    return evaluate


def difference(what: str, comparison, notes: Iterable[str] = ()) -> str:
    """The failure message: the expected lines, and how the actual ones differ."""
    header = "is as expected, but:" if comparison.ok else "differs (- expected, + actual):"
    return "\n".join([f"{what} {header}", "", comparison.diff, "", *notes])


def fenced(language: str, evaluator) -> Callable[[Document], Iterable[Region]]:
    lexer = FencedCodeBlockLexer(language)

    def parse(document: Document) -> Iterable[Region]:
        for region in lexer(document):
            yield Region(region.start, region.end, str(region.lexemes["source"]), evaluator)

    return parse


def pattern(page: Page, text: str) -> Line:
    return compile_line(text, page.bindings)


def skip_if_told(options: dict[str, list[str]]) -> None:
    if "skip" in options:
        # _use_item_location: the skip is reported at the page's line, not here.
        raise pytest.skip.Exception(" ".join(options["skip"]) or "not run", _use_item_location=True)


# ```console ------------------------------------------------------------------------------


def split_console(text: str) -> list[tuple[str | None, list[str]]]:
    """[(command, its expected output lines)]; command None for output before any `$ `.

    A command continued with a trailing backslash is one command, as in a shell.
    """
    commands: list[tuple[str | None, list[str]]] = [(None, [])]
    for line in text.splitlines():
        command, output = commands[-1]
        if command is not None and command.endswith("\\") and not output:
            commands[-1] = (f"{command}\n{line}", output)
        elif line.startswith("$ "):
            commands.append((line[2:], []))
        else:
            output.append(line)
    return commands if commands[0][1] else commands[1:]


def with_labels(page: Page, command: str) -> str:
    """`command` with each `<kind:label>` bound earlier replaced by its text (`kill <int:pid>`)."""
    return LABEL.sub(lambda match: page.bindings.get(match[1], match[0]), command)


@step
def run_console(page: Page, text: str) -> str | None:
    options = page.take_options()
    skip_if_told(options)
    commands = split_console(text)
    if "output-of" in options or "background" in options:
        return run_background(page, options, commands)
    steps, notes = [], []
    status_expected = int(options.get("exit-status", ["0"])[0])
    not_run = page.project.not_run | dict.fromkeys(options.get("not-run", []), "this page")
    for command, output in commands:
        typed = [f"$ {line}" if n == 0 else line for n, line in enumerate(command.splitlines())]
        if any(command.startswith(prefix) for prefix in not_run):
            steps.append(Step(typed, typed, output, output, checked=False))
            continue
        if why := page.busy(page.terminal):
            return why
        timeout = command_timeout(options)
        if "press-enter" in options:  # in a terminal of its own, from this one's state
            cwd, env = page.state()
            status, printed = page.project.run_in_terminal(
                with_labels(page, command), cwd, env, timeout
            )
        else:
            status, printed = page.run(with_labels(page, command), timeout)
        steps.append(Step(typed, typed, output, printed.splitlines()))
        # The shell's own state (`cd`, `export`, `unset`) must change; `exit-status` is the others'.
        expected = 0 if command.startswith(SHELL_STATE) else status_expected
        if status != expected:
            notes.append(f"`{command}` exited with status {status}, not {expected}")
    comparison = compare_steps(steps, page.bindings)
    if not comparison.ok or notes:
        return difference("The output", comparison, notes)
    page.bindings.update(comparison.bindings)
    return None


def command_timeout(options: dict[str, list[str]]) -> float:
    """Seconds a command of the block may run: `% docs: timeout SECONDS` (a whole test suite),
    else DOCS_TIMEOUT."""
    return float(options["timeout"][0]) if "timeout" in options else TIMEOUT


def run_background(page: Page, options: dict[str, list[str]], commands) -> str | None:
    """`background NAME`: start the block's command in the page's terminal and keep it
    running; `output-of NAME [PROCESS]`: wait for what it printed since (PROCESS: only
    honcho's lines of that one)."""
    if "background" in options:
        [(command, output)] = commands
        [name] = options["background"]
        if why := page.start(name, with_labels(page, command), occupy=True):
            return why
        only = None
    else:
        [(_, output)] = commands
        name, _, only = options["output-of"][0].partition(" ")
    expected = [pattern(page, line) for line in output]
    comparison = page.processes[name].wait_for(expected, "any-order" in options, only or None)
    if not comparison.ok:
        return difference(f"The output of {name}", comparison)
    page.bindings.update(comparison.bindings)
    return None


# ```pycon --------------------------------------------------------------------------------


def split_pycon(lines: list[str]) -> list[tuple[list[str], list[str]]]:
    """[(the lines typed at `>>> ` and `... ` prompts, prompts included, the output)]."""
    statements: list[tuple[list[str], list[str]]] = []
    for line in lines:
        if line.startswith(">>>"):
            statements.append(([line], []))
        elif not statements:
            raise ValueError(f"output before the first >>> prompt: {line!r}")
        elif line.startswith("...") and not statements[-1][1]:  # continuation, not ellipsis
            statements[-1][0].append(line)
        else:
            statements[-1][1].append(line)
    return statements


@step
def run_pycon(page: Page, text: str) -> str | None:
    options = page.take_options()
    skip_if_told(options)
    lines = text.splitlines()
    steps = []
    if lines and lines[0].startswith("$ "):  # the command that started the shell, its banner
        command = lines.pop(0)
        if not SHELL.fullmatch(command[2:]):
            return f"a pycon block may start only with `$ python -m manage shell`: {command}"
        banner = []
        while lines and not lines[0].startswith(">>>"):
            banner.append(lines.pop(0))
        started = page.start_shell(command[2:])
        steps.append(Step([command], [command], banner, started.splitlines()))
        if not page.python_running:  # the lines would go to bash: stop at the command
            return difference("The session", compare_steps(steps, page.bindings))
    if lines and (why := page.no_session()):
        return why
    for typed, output in split_pycon(lines):
        lines = [line[4:] for line in typed]
        shown, printed = page.push([with_labels(page, line) for line in lines], lines)
        steps.append(Step(typed, shown, output, printed))
    comparison = compare_steps(steps, page.bindings)
    if not comparison.ok:
        return difference("The session", comparison)
    page.bindings.update(comparison.bindings)
    return None


# % docs: ---------------------------------------------------------------------------------


def name_and_text(args: str) -> tuple[str, str]:
    name, _, text = args.partition(":")
    return name.strip(), text.strip()


@step
def run_directive(page: Page, parsed: tuple[str, str, str]) -> str | None:
    verb, args, body = parsed
    if verb == "database":  # `% docs: database empty|migrated|continue`
        page.prepare_database(args)
    elif verb == "cwd":  # `% docs: cwd home`: the page starts before the project exists
        status, output = page.run(f"cd {page.project.home if args == 'home' else args}")
        return f"cd {args} failed: {output}" if status else None
    elif verb == "terminal":  # `% docs: terminal NAME`: the next blocks run in that terminal
        page.terminal_name = args
    elif verb == "close":  # `% docs: close NAME`: the reader closes that terminal
        return page.close_terminal(args)
    elif verb == "pause":  # `% docs: pause SECONDS`: the time a reader needs for the next step
        time.sleep(float(args))
    elif verb in OPTIONS:
        page.options.setdefault(verb, []).append(args)
    elif verb == "start":  # `% docs: start NAME: COMMAND`
        name, command = name_and_text(args)
        return page.start(name, command, occupy=False)
    elif verb == "stop":  # `% docs: stop NAME`
        status = page.processes.pop(args).stop()
        page.release(args)
        if status not in (0, -15, 143):  # 143: a shell's (or uv's) "terminated by SIGTERM"
            return f"{args} exited with status {status} when stopped"
    elif verb == "interrupt":  # `% docs: interrupt NAME`: Ctrl+C in its terminal, and wait
        process = page.processes[args]
        process.signal(signal.SIGINT)
        try:
            process.process.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            return f"{args} still runs {TIMEOUT} s after Ctrl+C"
        page.release(args)
    elif verb == "exited":  # `% docs: exited NAME`: it exits by itself (stopped from elsewhere)
        try:
            page.processes[args].process.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            return f"{args} still runs after {TIMEOUT} s"
        page.release(args)
    elif verb == "wait-for":  # `% docs: wait-for NAME: LINE` (the notation of outputs)
        name, line = name_and_text(args)
        comparison = page.processes[name].wait_for([pattern(page, line)])
        if not comparison.ok:
            return difference(f"The output of {name}", comparison)
        page.bindings.update(comparison.bindings)
    elif verb == "wait-until":  # `% docs: wait-until EXPRESSION` (in the shell session)
        return page.wait_until(args) or None
    elif verb == "python":  # hidden code for what the reader does in the browser: use sparingly
        exec(body, page.reader.hidden)  # noqa: S102  the page's own code
    elif verb == "edit":  # `% docs: edit PATH: OLD => NEW`, undone when the page ends
        path, change = name_and_text(args)
        old, _, new = change.partition(" => ")
        return page.edit(path, old, new)
    elif verb == "restore":  # `% docs: restore`: undo the page's edits now
        page.restore()
    elif verb == "write":  # `% docs: write`: the reader saves the next listing (buildalong.py)
        return write_listing(page, *args)
    elif verb == "compare-with-bake":  # the reader's project is the finished bake, so far
        return compare_with_bake(page, args)
    return None


def readers_project(page: Page) -> tuple[Path | None, str | None]:
    """The directory the page's terminal `cd`'d into, which must be the reader's project (the
    run's bake: `cd tasks_demo` enters it); else why not."""
    directory = page.terminal.cwd
    if directory != page.project.root.resolve():
        return None, f"{page.terminal} is in {directory}, not in the reader's project"
    return directory, None


def write_listing(page: Page, path: str, options: dict[str, str]) -> str | None:
    """Save the listing `path` (the bake's file, as the page shows it) in the reader's project."""
    project, why = readers_project(page)
    if why:
        return why
    finished = buildalong.finished_bake(page.project.workdir, page.project.database)
    text = buildalong.listing_text((finished / path).read_text(), options)
    file = project / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text)
    return None


def compare_with_bake(page: Page, document_path: str) -> str | None:
    """The reader's project differs from the finished bake in no file written so far."""
    project, why = readers_project(page)
    if why:
        return why
    finished = buildalong.finished_bake(page.project.workdir, page.project.database)
    part = buildalong.part_of(document_path)
    problems = buildalong.differences(project, finished, part)
    if problems:
        header = f"After part {part}, the reader's project differs from the finished bake:"
        return "\n\n".join([header, *problems])
    return None


def parse_directives(document: Document) -> Iterable[Region]:
    for match in DIRECTIVE.finditer(document.text):
        verb = match["verb"]
        if verb in PAGE_LEVEL:
            continue
        if verb not in OPTIONS | ACTIONS:
            line = document.text.count("\n", 0, match.start()) + 1
            raise ValueError(f"{document.path}:{line}: unknown `% docs: {verb}`")
        body = textwrap.dedent("\n".join(line[1:] for line in match["body"].splitlines()))
        args = match["args"].strip()
        if verb == "write":  # the listing after it, read now: Sybil skips `{project-file}`
            args = buildalong.next_listing(document.text, match.end())
        elif verb == "compare-with-bake":
            args = document.path
        parsed = (verb, args, body)
        yield Region(match.start(), match.end(), parsed, run_directive)


PARSERS = [fenced("console", run_console), fenced("pycon", run_pycon), parse_directives]


def setup_page(project, reader: Reader | None = None) -> Callable[[dict], None]:
    """A page's setup: it continues `reader`'s terminals (the tutorial's), or gets its own."""

    def setup(namespace: dict) -> None:
        namespace[PAGE] = Page(project, reader or Reader(project, shell_terminal="shell"))
        namespace[OWN_READER] = reader is None

    return setup


def teardown_page(namespace: dict) -> None:
    """A page's end: its processes stopped, its edits undone; its own terminals closed."""
    page: Page = namespace[PAGE]
    page.close()
    if namespace[OWN_READER]:
        page.reader.close()
