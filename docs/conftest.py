"""Run the pages' ```console and ```pycon blocks against a baked project (_exec/README.md).

`nox -s docs` runs this with the bake's own pytest, for each database: DOCS_PROJECT is
the baked project (with its .venv, in which this pytest runs). A page that starts with
`% docs: bake postgresql` runs against the PostgreSQL bake only; the others against SQLite.
"""

import os
import re
import signal
import sys
import tempfile
from pathlib import Path

import pytest
from sybil import Sybil

DOCS = Path(__file__).parent
sys.path.insert(0, str(DOCS / "_exec"))

from docs_sessions.parsers import PARSERS, setup_page, teardown_page  # noqa: E402
from docs_sessions.runner import Background, Project, Reader  # noqa: E402

root = Path(os.environ["DOCS_PROJECT"]).absolute()
# Without CHROMIUM_PATH, the run downloads Playwright's Chromium, as a reader does.
CHROMIUM_NAMED = (
    {"uv run playwright install": "the docs run uses the Chromium that CHROMIUM_PATH names"}
    if os.environ.get("CHROMIUM_PATH")
    else {}
)
project = Project(
    root=root,
    workdir=Path(tempfile.mkdtemp(prefix="docs-run-")),
    database="postgresql" if "DATABASE_URL=" in (root / ".env").read_text() else "sqlite",
    # Commands the pages show but the docs run does not run, and why.
    not_run={
        "uv sync": "the docs run installed the bake before (and a sync would remove sybil)",
        **CHROMIUM_NAMED,
    },
    # The reader's text -> what the docs run runs instead.
    substitutions=[
        (r"path/to/this/repository", str(DOCS.parent)),
        # The reader's project is the bake the run installed (cookiecutter's copy goes unused).
        (r"^cd tasks_demo$", "cd {project.root}"),
        (r"uvx cookiecutter", f"{sys.executable} -m cookiecutter"),
        # The pages show port 8000; the run uses a free one, shown as 8000 in the output.
        (r"--port 8000", "--port {project.port}"),
        (r"runserver$", "runserver {project.port}"),
        (r"127\.0\.0\.1:8000", "127.0.0.1:{project.port}"),
        # The PostgreSQL how-to creates the database that .env names: the run's own instead.
        (r"(createdb .*) tasks_demo$", r"\1 {project.database_name}"),
    ],
)
# One reader follows the tutorial's parts in order, in the same terminals (runner.Reader).
reader = Reader(project)

BAKE = re.compile(r"^% docs: bake (\w+)$", re.MULTILINE)


def page_database(path: Path) -> str:
    """The database a page runs against: `% docs: bake postgresql`, or SQLite."""
    match = BAKE.search(path.read_text())
    return match[1] if match else "sqlite"


collect_tutorial_page = Sybil(
    parsers=PARSERS,
    path=str(DOCS),
    patterns=["tutorial/*.md"],
    setup=setup_page(project, reader),
    teardown=teardown_page,
).pytest()
collect_other_page = Sybil(
    parsers=PARSERS,
    path=str(DOCS),
    patterns=["howto/*.md", "explanation/*.md", "reference/*.md"],
    setup=setup_page(project),
    teardown=teardown_page,
).pytest()


# `nox -s docs` runs a page that says `% docs: bake own` (it changes its project) in a bake
# of its own, with DOCS_BAKE=own; the other pages never there.
RUN_BAKE = os.environ.get("DOCS_BAKE", project.database)


def pytest_collect_file(file_path: Path, parent):
    if file_path.suffix == ".md" and page_database(file_path) != RUN_BAKE:
        return None
    if file_path.parent.name == "tutorial":
        return collect_tutorial_page(file_path, parent)
    return collect_other_page(file_path, parent)


@pytest.fixture
def docs_project() -> Project:
    """The run's bake, for the runner's own tests (_exec/test_*.py)."""
    return project


def stop(signum, frame):
    """Stopped from outside (`nox -s docs` stops the others at a failure): stop what we started.

    The pages' processes run in sessions of their own, which a signal to this one misses.
    """
    Background.stop_all()
    reader.close()
    project.close(keep=True)
    raise SystemExit(128 + signum)


signal.signal(signal.SIGTERM, stop)


def pytest_sessionfinish(session, exitstatus):
    """Drop the run's database; keep its files (processes' output) if something failed."""
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:  # the pages chosen are the other bake's
        session.exitstatus = exitstatus = pytest.ExitCode.OK
    Background.stop_all()
    reader.close()
    project.close(keep=exitstatus != 0)
    if exitstatus != 0:
        print(f"\nThe docs run's database and process output: {project.workdir}")
