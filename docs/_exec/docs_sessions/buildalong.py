"""The build-along: the tutorial's reader starts from the starter bake (`tutorial_starter=yes`)
and writes, by copying listings, the files that hooks/post_gen_project.py lists in
WRITTEN_BY_THE_READER. `% docs: write` saves the listing that follows it into the run's project,
as the reader's editor would; `% docs: compare-with-bake` fails unless the reader's project is,
file by file, the finished bake (but for what later parts write, and what no reader types).
"""

import difflib
import re
import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path

DOCS = Path(__file__).parents[2]
TEMPLATE = DOCS.parent
HOOK = TEMPLATE / "hooks" / "post_gen_project.py"
SLUG = "{{ cookiecutter.project_slug }}"

# What a project holds that nobody writes: made by tools, or by running it. `.env` is made
# for each copy (its secret key); the rest is made by uv, Python, pytest and the project
# (`staticfiles`: part 9's collectstatic).
NOT_WRITTEN = [".venv", ".env", "__pycache__", "*.pyc", ".pytest_cache", ".ruff_cache", "var",
               "db.sqlite3*", "test-results", "build", "*.egg-info", "staticfiles"]  # fmt: skip

# The next `{project-file}` listing of a page: its path and its options.
LISTING = re.compile(r"```\{project-file\} (?P<path>\S+)\n(?P<options>(?::[\w-]+:[^\n]*\n)*)")
OPTION = re.compile(r":(?P<name>[\w-]+):[ \t]*(?P<value>[^\n]*)")


def written_by_the_reader(slug: str) -> dict[str, tuple[int, int]]:
    """Path -> (the part that first writes it, the part that writes it as the bake has it)."""
    namespace: dict = {"__name__": "hook"}  # not "__main__": defines, runs nothing
    exec(HOOK.read_text(), namespace)  # noqa: S102  the template's own hook
    written = namespace["WRITTEN_BY_THE_READER"]
    return {path.replace(SLUG, slug): parts for path, parts in written.items()}


def next_listing(text: str, start: int) -> tuple[str, dict[str, str]]:
    """The path and options of the first `{project-file}` listing after `start` in a page."""
    match = LISTING.search(text, start)
    if match is None:
        raise ValueError("`% docs: write` must come before a {project-file} listing")
    options = {m["name"]: m["value"].strip() for m in OPTION.finditer(match["options"])}
    return match["path"], options


def listing_text(source: str, options: dict[str, str]) -> str:
    """What the listing shows of the bake's file `source`, which the reader saves as the file:
    all of it, or from its `:start-at:` line to its end, changed by `:replace:`.

    A reader copies files, not fragments into places: other options are refused; and the
    listing must say that it is to be saved (`:save:`, its caption says so).
    """
    partial = set(options) - {"replace", "database", "start-at", "save"}
    if partial:
        raise ValueError(f"a written listing shows a file to its end, not {sorted(partial)}")
    if "save" not in options:
        raise ValueError("a written listing must say so to the reader: give it `:save:`")
    if "start-at" in options:
        start = options["start-at"].strip("\"'")  # MyST reads option values as YAML
        lines = source.splitlines(keepends=True)
        [first, *_] = [n for n, line in enumerate(lines) if start in line] or [None]
        if first is None:
            raise ValueError(f"`:start-at:` finds no {start!r} in the file")
        source = "".join(lines[first:])
    for old, new in replacements(options.get("replace", "")):
        if old not in source:
            raise ValueError(f"`:replace:` finds no {old!r} in the file")
        source = source.replace(old, new)
    return source


def replacements(option: str) -> list[tuple[str, str]]:
    """`OLD => NEW; OLD2 => NEW2` as pairs (docs/_ext/projectfile.py: the same). `\\n` in
    either is a line break, and NEW may be empty (`OLD =>`): lines left out."""
    pairs = [pair.partition(" =>") for pair in option.split("; ") if pair]
    return [(old.replace("\\n", "\n"), new.removeprefix(" ").replace("\\n", "\n"))
            for old, _, new in pairs]  # fmt: skip


def finished_bake(workdir: Path, database: str) -> Path:
    """The finished project, baked once per run beside the reader's."""
    output = workdir / "finished"
    if not output.exists():
        subprocess.run(
            [sys.executable, "-m", "cookiecutter", "--no-input", "--output-dir", str(output),
             str(TEMPLATE), f"database={database}"],
            check=True, capture_output=True,
        )  # fmt: skip
    [project] = [path for path in output.iterdir() if path.is_dir()]
    return project


def part_of(page: str) -> int:
    """A tutorial page's part: 8 for `08-testing.md`."""
    return int(Path(page).name.split("-")[0])


def files(root: Path) -> set[str]:
    """The project's files that someone wrote, relative to `root`."""

    def written(path: Path) -> bool:
        return not any(fnmatch(part, pattern) for part in path.parts for pattern in NOT_WRITTEN)

    return {
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and written(path.relative_to(root))
    }


def differences(reader: Path, finished: Path, part: int) -> list[str]:
    """How the reader's project differs from the finished one after `part`; [] when it does not.

    A file that a later part writes (or writes as the bake has it) is not compared yet.
    """
    written = written_by_the_reader(finished.name)
    later = {path for path, (_, done) in written.items() if done > part}
    problems = []
    for path in sorted((files(reader) | files(finished)) - later):
        mine, theirs = reader / path, finished / path
        if not mine.exists():
            problems.append(f"missing in the reader's project: {path}")
        elif not theirs.exists():
            problems.append(f"not in the finished project: {path}")
        elif mine.read_bytes() != theirs.read_bytes():
            diff = difflib.unified_diff(
                theirs.read_text().splitlines(), mine.read_text().splitlines(),
                f"finished/{path}", f"reader/{path}", lineterm="",
            )  # fmt: skip
            problems.append("\n".join(diff))
    return problems
