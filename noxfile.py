"""Sessions that test, lint and demo the template. `nox` alone runs the whole test suite.

Each session bakes what it needs with cookiecutter into build/, and installs a
baked project's dependencies with uv (fast, cached) into that project's .venv.
"""

import os
import shutil
import subprocess
from pathlib import Path

import nox

ROOT = Path(__file__).parent
BUILD = ROOT / "build"
PYTHON = "3.12"

nox.options.default_venv_backend = "uv|virtualenv"
# The whole test suite: what README.md tells users to run and .ci/run runs.
nox.options.sessions = ["lint", "tests", "docs"]
nox.options.error_on_missing_interpreters = True

# uv must use the interpreters on this machine, never download one.
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")

TEMPLATE_TEST_REQUIREMENTS = [
    "cookiecutter>=2.6",
    "pytest>=8",
    "pytest-cookies>=0.7",
    "uv",
    "check-jsonschema",  # checks the baked project's GitHub workflow against its schema
]


def bake(session: nox.Session, name: str, **context: str) -> Path:
    """Bake the template into build/<name> with the given answers; return the project."""
    session.install("cookiecutter>=2.6")
    output = BUILD / name
    shutil.rmtree(output, ignore_errors=True)
    answers = [f"{key}={value}" for key, value in context.items()]
    session.run("cookiecutter", "--no-input", "--output-dir", str(output), str(ROOT), *answers)
    [project] = [path for path in output.iterdir() if path.is_dir()]
    return project


def install_project(session: nox.Session, project: Path, groups: tuple[str, ...] = ()) -> Path:
    """Install the baked project with its dev group and `groups` into its .venv; return bin/."""
    session.install("uv")
    # nox points UV_PROJECT_ENVIRONMENT at the session's venv: aim it at the project's.
    with session.chdir(project):
        session.run(
            "uv",
            "sync",
            "--quiet",
            "--python",
            str(session.python or PYTHON),
            *(f"--group={group}" for group in groups),
            env={"UV_PROJECT_ENVIRONMENT": str(project / ".venv")},
        )
    return project / ".venv" / "bin"


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Bake every option combination and run each baked project's checks and tests."""
    session.install(*TEMPLATE_TEST_REQUIREMENTS)
    BUILD.mkdir(exist_ok=True)
    session.run("pytest", "tests", f"--basetemp={BUILD / 'template-tests'}", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Ruff on the template's own code (the baked code is linted by `tests`)."""
    session.install("ruff")
    paths = ["noxfile.py", "hooks", "tests", "benchmarks", "docs/conf.py", "docs/_ext"]
    session.run("ruff", "check", *paths)
    session.run("ruff", "format", "--check", *paths)


def activated(bin_dir: Path) -> dict[str, str]:
    """The environment of a shell in which the project's virtualenv is activated."""
    env = {
        k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT"}
    }
    return env | {"PATH": f"{bin_dir}{os.pathsep}{env['PATH']}", "VIRTUAL_ENV": str(bin_dir.parent)}


LAB = ROOT / "benchmarks"


def install_lab(session: nox.Session, project: Path, bin_dir: Path, requirements: str = "") -> dict:
    """Copy the lab (benchmarks/) beside a baked project; install its `requirements` file.

    The requirements go into the project's .venv, never into its pyproject.toml.
    Returns the environment in which `python -m benchmarks` runs in the project.
    """
    lab = project.parent / "lab"
    shutil.rmtree(lab, ignore_errors=True)
    shutil.copytree(LAB, lab / "benchmarks", ignore=shutil.ignore_patterns("__pycache__"))
    if requirements:
        python = str(bin_dir / "python")
        session.run("uv", "pip", "install", "-q", "--python", python, "-r", str(LAB / requirements))
    return {"PYTHONPATH": str(lab)}


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Bake each database and run the lab's benchmarks in each bake (~12 min); results to docs/.

    Each database is measured in a bake of its own (`python -m benchmarks measure`,
    benchmarks/), then both side by side go to docs/benchmarks/: results.md,
    results.csv, goals.csv, samples.json and PNG plots, which docs/benchmarks.md
    shows. `nox -s bench -- --smoke` runs in seconds, `-- sqlite` (or `postgresql`)
    measures one database; both write to build/bench/ instead of docs/.
    """
    smoke = "--smoke" in session.posargs
    databases = [db for db in ("sqlite", "postgresql") if db in session.posargs]
    out = ROOT / "docs" / "benchmarks"
    if smoke or databases:
        out = BUILD / "bench"
    samples = []
    for database in databases or ["sqlite", "postgresql"]:
        project = bake(session, f"bench-{database}", database=database)
        bin_dir = install_project(session, project)
        requirements = "requirements.txt"
        if database == "postgresql":  # and the references, which run on PostgreSQL only
            requirements = "requirements-postgresql.txt"
        env = install_lab(session, project, bin_dir, requirements)
        samples.append(project.parent / "samples.json")
        with session.chdir(project):
            session.run(
                str(bin_dir / "python"), "-m", "benchmarks", "measure",
                "--plan", "smoke" if smoke else "full", "--json", str(samples[-1]),
                env=env, external=True,
            )  # fmt: skip
    with session.chdir(project):
        session.run(
            str(bin_dir / "python"), "-m", "benchmarks", "report", "--out", str(out),
            *map(str, samples), env=env, external=True,
        )  # fmt: skip


@nox.session(python=PYTHON)
@nox.parametrize("database", ["sqlite", "postgresql"])
def load(session: nox.Session, database: str) -> None:
    """Bake with `database`; 1,000 registrations under load (the lab's), and 1,200 hostile inputs.

    Runs the lab's load test in the bake (benchmarks/load.py: gunicorn and two
    `emails` workers with production settings, 8 clients; it prints its figures)
    with LOAD_REGISTRATIONS (1000), then the baked project's property-based tests
    of hostile input with HYPOTHESIS_PROFILE=full. Arguments go to `python -m
    benchmarks load` (`-- --settings config.settings.production` keeps
    production's slow password hasher). The figures of the standard run go to
    docs/benchmarks/load-<database>.csv, which docs/benchmarks.md shows.
    """
    project = bake(session, f"load-{database}", database=database)
    bin_dir = install_project(session, project)
    env = install_lab(session, project, bin_dir)
    registrations = os.environ.get("LOAD_REGISTRATIONS", "1000")
    figures = BUILD / f"load-{database}" / "load.csv"
    if registrations == "1000" and not session.posargs:
        figures = ROOT / "docs" / "benchmarks" / f"load-{database}.csv"
    with session.chdir(project):
        session.run(
            str(bin_dir / "python"), "-m", "benchmarks", "load", "--registrations", registrations,
            "--csv", str(figures), *session.posargs, env=env, external=True,
        )  # fmt: skip
        session.run(
            str(bin_dir / "pytest"), "-p", "no:cacheprovider", "--hypothesis-show-statistics",
            "tests/test_hostile_input.py", env={"HYPOTHESIS_PROFILE": "full"}, external=True,
        )  # fmt: skip


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """Bake the defaults into build/demo, install, migrate, and run the site and its workers."""
    project = bake(session, "demo")
    bin_dir = install_project(session, project)
    # Not session.run: nox would put its own virtualenv first on the PATH of the
    # Procfile's processes, and they must find the project's `python` and `gunicorn`.
    env = activated(bin_dir)
    subprocess.run(["python", "-m", "manage", "migrate"], cwd=project, env=env, check=True)
    session.log("Open http://127.0.0.1:8000/ and register: the welcome email appears")
    session.log("in the output of the `emails` worker. Press Ctrl+C to stop.")
    subprocess.run(["honcho", "start", "--port", "8000"], cwd=project, env=env, check=False)


@nox.session(python=PYTHON)
@nox.parametrize("database", ["sqlite", "postgresql"])
def e2e(session: nox.Session, database: str) -> None:
    """Bake with `database` and run only the baked project's end-to-end tests (`pytest -m e2e`).

    They drive Chromium: the one CHROMIUM_PATH names, else Playwright's own (installed here).
    """
    project = bake(session, f"e2e-{database}", database=database)
    bin_dir = install_project(session, project)
    with session.chdir(project):
        if not os.environ.get("CHROMIUM_PATH"):
            session.run(str(bin_dir / "playwright"), "install", "chromium", external=True)
        session.run(
            str(bin_dir / "pytest"), "-m", "e2e", "--durations=5", *session.posargs, external=True
        )


DOCS = ROOT / "docs"


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the tutorial (docs/) into build/docs/html with warnings as errors.

    docs/conf.py bakes the template and includes the baked project's code, so an
    include that no longer matches the code fails the build (-E reads every page
    again, every time). First, the end-to-end tests of a baked project take the
    screenshots the pages show; `nox -s docs -- --no-screenshots` skips them (each
    page then says where its screenshot goes).
    """
    session.install("-r", str(DOCS / "requirements.txt"))
    options = []
    if "--no-screenshots" not in session.posargs:
        take_screenshots(session, DOCS / "_generated" / "screenshots")
        options = ["-D", "screenshots_required=1"]  # a missing screenshot fails the build
    session.run(
        "sphinx-build", "-E", "-W", "--keep-going", "-n", "-b", "html", *options,
        str(DOCS), str(BUILD / "docs" / "html"),
    )  # fmt: skip


def take_screenshots(session: nox.Session, target: Path) -> None:
    """Run a baked project's end-to-end tests, which save their screenshots into `target`."""
    project = bake(session, "docs-screenshots")
    bin_dir = install_project(session, project)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    with session.chdir(project):
        if not os.environ.get("CHROMIUM_PATH"):
            session.run(str(bin_dir / "playwright"), "install", "chromium", external=True)
        session.run(
            str(bin_dir / "pytest"), "-m", "e2e", "-p", "no:cacheprovider",
            env={"E2E_SCREENSHOT_DIR": str(target)}, external=True,
        )  # fmt: skip
