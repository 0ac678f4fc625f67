"""Sessions that test, lint and demo the template. `nox` alone runs the whole test suite.

Each session bakes what it needs with cookiecutter into build/, and installs a
baked project's dependencies with uv (fast, cached) into that project's .venv.
"""

import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import time
from pathlib import Path

import nox

ROOT = Path(__file__).parent
BUILD = ROOT / "build"
PYTHON = "3.12"
# A job of a session, run in the background beside others: what it runs, its process, its log.
Job = tuple[str, subprocess.Popen, Path]

nox.options.default_venv_backend = "uv|virtualenv"
# The whole test suite: what README.md tells users to run and .ci/run runs.
nox.options.sessions = ["lint", "suite"]
nox.options.error_on_missing_interpreters = True

# uv must use the interpreters on this machine, never download one.
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")

# A shell that starts nox in the background (`nox &` in a script) makes it ignore Ctrl+C, and
# every process it starts would inherit that: the tests' and the pages' Ctrl+C would do nothing.
# A handler is not inherited across exec; the processes started from here get the default.
signal.signal(signal.SIGINT, signal.default_int_handler)

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
    """Bake every option combination and run each baked project's checks and tests.

    Without arguments, in five jobs side by side (test_jobs); with arguments, one pytest takes
    them (`-- -k sqlite`)."""
    session.install(*TEMPLATE_TEST_REQUIREMENTS)
    if session.posargs:
        BUILD.mkdir(exist_ok=True)
        session.run("pytest", "tests", f"--basetemp={BUILD / 'template-tests'}", *session.posargs)
        return
    run_side_by_side(session, test_jobs(session))


def test_jobs(session: nox.Session) -> list[Job]:
    """Start the template's tests as five jobs, each a pytest with bakes of its own: a
    database bake's checks and suite, that database's evidence, and the RQ bake's."""
    env = {**os.environ, "PATH": f"{session.bin}{os.pathsep}{os.environ['PATH']}"}
    env.pop("VIRTUAL_ENV", None)
    evidence = "test_evidence or small_load_run"  # the slow half of a database's tests
    jobs = {
        "postgresql": f"postgresql and not rq and not ({evidence})",
        "postgresql-evidence": f"postgresql and not rq and ({evidence})",
        "sqlite": f"not postgresql and not rq and not ({evidence})",
        "sqlite-evidence": f"not postgresql and not rq and ({evidence})",
        "rq": "rq",  # the RQ bake's tests use Redis database 1 (tests/conftest.py)
    }
    return [
        start_job(f"the {name} tests", BUILD / "test-logs" / f"{name}.log",
                  env | {"DATABASE_URL": f"{POSTGRES}/template_tests_{name.replace('-', '_')}"},
                  [[str(ROOT), str(Path(session.bin) / "pytest"), "tests", "-k",
                    f"({selection}) and not smoke_run",
                    f"--basetemp={BUILD / f'template-tests-{name}'}"]])
        for name, selection in jobs.items()
    ]  # fmt: skip


# A PostgreSQL bake's database: each job of the tests names its own (pytest-django adds test_).
POSTGRES = "postgres://postgres@127.0.0.1:5432"


@nox.session(python=PYTHON)
def lab(session: nox.Session) -> None:
    """The lab (benchmarks/) still runs against a fresh bake: a smoke run takes every
    measurement, the references' and the RQ backend's, and draws every plot (tests/test_lab.py;
    two minutes of both cores, so not in `nox`: CI runs it after)."""
    session.install(*TEMPLATE_TEST_REQUIREMENTS)
    session.run("pytest", "tests/test_lab.py", "-k", "smoke_run and postgresql",
                f"--basetemp={BUILD / 'template-tests-lab'}", *session.posargs)  # fmt: skip


@nox.session(python=PYTHON)
def suite(session: nox.Session) -> None:
    """The tests' jobs and the docs' jobs side by side: what `nox` runs after `lint`.

    Most of their time is spent waiting on workers, browsers and servers, so on two cores
    they take about the time of the longest, not the sum (`nox -s tests docs` takes the sum).
    """
    session.install(*TEMPLATE_TEST_REQUIREMENTS, "-r", str(DOCS / "requirements.txt"))
    run_side_by_side(session, [*test_jobs(session), *docs_jobs(session, [])])


@nox.session(python=PYTHON)
def lock(session: nox.Session) -> None:
    """Pin each option set's dependencies anew: `uv lock` in a fresh bake, kept in the
    template as uv-<database>.lock (uv-<database>-rq.lock for the RQ backend) with the
    project's name left to cookiecutter. `-- --upgrade` takes the newest versions; without
    it, only what pyproject.toml changed moves."""
    session.install("uv")
    slug = '{{ cookiecutter.project_slug | replace("_", "-") }}'
    for database in ("sqlite", "postgresql"):
        for backend, suffix in (("database", ""), ("rq", "-rq")):
            project = bake(session, f"lock-{database}{suffix}", database=database, backend=backend)
            template = ROOT / "{{cookiecutter.project_slug}}" / f"uv-{database}{suffix}.lock"
            with session.chdir(project):
                session.run("uv", "lock", "--quiet", *session.posargs)
            lock = (project / "uv.lock").read_text()
            name = f'name = "{project.name.replace("_", "-")}"\n'
            assert lock.count(name) == 1, "the project's name is not where the lock keeps it"
            template.write_text(lock.replace(name, f'name = "{slug}"\n'))


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Ruff on the template's own code (the baked code is linted by `tests`)."""
    session.install("ruff")
    paths = ["noxfile.py", "hooks", "tests", "benchmarks", "docs/conf.py", "docs/conftest.py"]
    paths += ["docs/_ext", "docs/_exec"]
    session.run("ruff", "check", *paths)
    session.run("ruff", "format", "--check", *paths)


def activated(bin_dir: Path) -> dict[str, str]:
    """The environment of a shell in which the project's virtualenv is activated."""
    env = {
        k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT"}
    }
    return env | {"PATH": f"{bin_dir}{os.pathsep}{env['PATH']}", "VIRTUAL_ENV": str(bin_dir.parent)}


LAB = ROOT / "benchmarks"


def install_lab(
    session: nox.Session,
    project: Path,
    bin_dir: Path,
    *requirements: str,
    rq_bake: Path | None = None,
) -> dict:
    """Copy the lab (benchmarks/) beside a baked project; install its `requirements` files.

    The requirements go into the project's .venv, never into its pyproject.toml.
    Returns the environment in which `python -m benchmarks` runs in the project:
    with `rq_bake`, a bake of the same database with backend=rq, whose backend the
    lab measures beside the project's (benchmarks/rqbake.py).
    """
    lab = project.parent / "lab"
    shutil.rmtree(lab, ignore_errors=True)
    shutil.copytree(LAB, lab / "benchmarks", ignore=shutil.ignore_patterns("__pycache__"))
    python = str(bin_dir / "python")
    for name in requirements:
        session.run("uv", "pip", "install", "-q", "--python", python, "-r", str(LAB / name))
    return {"PYTHONPATH": str(lab), **({"LAB_RQ_BAKE": str(rq_bake)} if rq_bake else {})}


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Bake each database and run the lab's benchmarks in each bake (~15 min); results to docs/.

    Each database is measured in a bake of its own (`python -m benchmarks measure`,
    benchmarks/), then both side by side go to docs/benchmarks/: results.md,
    results.csv, goals.csv, backends.csv, samples.json and PNG plots, which
    docs/benchmarks.md shows. Beside each, the template is baked with backend=rq
    (not installed): the lab runs that bake's RQ backend and worker in the same run
    (benchmarks/rqbake.py; Redis database LAB_REDIS_URL, default 15, must be empty).
    `nox -s bench -- --smoke` runs in a minute or two, `-- sqlite` (or `postgresql`)
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
        rq_bake = bake(session, f"bench-{database}-rq", database=database, backend="rq")
        bin_dir = install_project(session, project)
        requirements = ["requirements.txt", "requirements-rq.txt"]
        if database == "postgresql":  # and the references, which run on PostgreSQL only
            requirements = ["requirements-postgresql.txt", "requirements-rq.txt"]
        env = install_lab(session, project, bin_dir, *requirements, rq_bake=rq_bake)
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


DOCS_SCREENSHOTS = DOCS / "_generated" / "screenshots"
# The pages' directories, in the order they run; the tutorial's parts build on each other.
DOCS_PAGES = ["tutorial", "howto", "explanation", "reference"]
# A page that changes its project (`% docs: bake own`) runs alone, in a SQLite bake of its own.
# It may turn it into the RQ bake: Redis databases 2 and 3 (development, tests), which no
# test of the template uses (the RQ bake's tests use 1); the end-to-end suite takes longer
# than a command's default 60 s; its screenshots are not the pages' (no E2E_SCREENSHOT_DIR).
OWN_BAKE_ENV = {
    "DOCS_BAKE": "own",
    "REDIS_URL": os.environ.get("DOCS_REDIS_URL", "redis://127.0.0.1:6379/2"),
    "TEST_REDIS_URL": os.environ.get("DOCS_TEST_REDIS_URL", "redis://127.0.0.1:6379/3"),
    "DOCS_TIMEOUT": "240",
    "E2E_SCREENSHOT_DIR": "",
}


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Run the pages' shell sessions, take the screenshots, build docs/ into build/docs/html.

    Every console and Python session of the pages runs against a fresh bake of each
    database (docs/conftest.py, docs/_exec/README.md), its output compared with the
    page's: a page whose example no longer behaves as shown fails the session. Side by
    side, each in a bake of its own: the tutorial; the PostgreSQL pages; each page that
    changes its project (`% docs: bake own`: moving to Redis); the other
    pages, then the screenshots (the end-to-end scenarios that save one, and
    docs/_exec/screenshots.py), then Sphinx, which bakes again (docs/conf.py), includes
    the baked code and builds with warnings as errors. Their output goes to
    build/docs-logs/. `-- --no-exec` and `-- --no-screenshots` skip those steps (a page
    then says where its screenshot goes); other arguments choose the pages to run
    (`-- tutorial/02-first-task.md -x`, passed to pytest).
    """
    session.install("-r", str(DOCS / "requirements.txt"))
    run_side_by_side(session, docs_jobs(session, session.posargs))


def sphinx_build(session: nox.Session, posargs: list[str]) -> list[str]:
    """Where and how Sphinx builds the docs: the directory, then the command."""
    options = [] if "--no-screenshots" in posargs else ["-D", "screenshots_required=1"]
    html = str(BUILD / "docs" / "html")
    return [str(ROOT), str(Path(session.bin) / "sphinx-build"), "-E", "-W", "--keep-going",
            "-n", "-q", "-b", "html", *options, str(DOCS), html]  # fmt: skip


def docs_jobs(session: nox.Session, posargs: list[str]) -> list[Job]:
    """Start the jobs that `posargs` (the `docs` session's arguments) ask for: the pages', each
    in a bake of its own, and Sphinx's, which runs after the other pages and screenshots."""
    execute = "--no-exec" not in posargs
    screenshots = "--no-screenshots" not in posargs
    chosen = [arg for arg in posargs if arg not in {"--no-exec", "--no-screenshots"}]
    shutil.rmtree(BUILD / "docs-logs", ignore_errors=True)
    build = sphinx_build(session, posargs)
    jobs = []  # each in a bake of its own, side by side; the tutorial's is the longest
    if execute and (not chosen or of_bake(chosen, "sqlite")):
        shown = [page for page in of_bake(chosen, "sqlite") if not page.startswith("-")]
        # The tutorial's reader starts from the starter and writes the rest (tutorial/index.md).
        starter = all(page.startswith("tutorial") for page in shown)
        answers = {"tutorial_starter": "yes" if starter else "no"}
        tutorial = prepared(session, "docs-sqlite", "sqlite", **answers)
        name = "the pages" if chosen else "the tutorial"
        steps = [pages(tutorial, of_bake(chosen, "sqlite") or ["tutorial"])]
        jobs.append(start_docs_job(session, name, tutorial, steps))
    if execute and (not chosen or of_bake(chosen, "postgresql")):
        postgresql = prepared(session, "docs-postgresql", "postgresql")
        steps = [pages(postgresql, of_bake(chosen, "postgresql"))]
        jobs.append(start_docs_job(session, "the PostgreSQL pages", postgresql, steps))
    if execute:  # a page that changes its project (howto/moving-to-redis.md) has a bake alone
        for page in of_bake(chosen or DOCS_PAGES[1:], "own"):
            if page.startswith("-"):
                continue
            alone = prepared(session, f"docs-{Path(page).stem}", "sqlite")
            options = [arg for arg in chosen if arg.startswith("-")]
            steps = [pages(alone, [page, *options])]
            jobs.append(start_docs_job(session, page, alone, steps, env=OWN_BAKE_ENV))
    if screenshots or (execute and not chosen):  # the other pages, the screenshots, Sphinx
        other = prepared(session, "docs-pages", "sqlite")
        side = [pages(other, ["_exec", *DOCS_PAGES[1:]])] if execute and not chosen else []
        if screenshots:
            side += screenshot_steps(other)
        what = "the other pages, the screenshots and Sphinx"
        jobs.append(start_docs_job(session, what, other, [*side, build]))
    else:  # Sphinx alone
        jobs.append(start_job("Sphinx", log_of("Sphinx"), os.environ.copy(), [build]))
    return jobs


Bake = tuple[Path, Path]  # a baked project, and its virtualenv's bin/


def prepared(session: nox.Session, name: str, database: str, **answers: str) -> Bake:
    """Bake `database` into build/<name>, with its virtualenv and what runs the pages."""
    project = bake(session, name, database=database, **answers)
    bin_dir = install_project(session, project)
    requirements = str(DOCS / "requirements-exec.txt")
    python = str(bin_dir / "python")
    session.run("uv", "pip", "install", "-q", "--python", python, "-r", requirements)
    return project, bin_dir


def of_bake(chosen: list[str], database: str) -> list[str]:
    """The pages among `chosen` that run against a bake of `database`, with the options.

    A page runs against the PostgreSQL bake if it says `% docs: bake postgresql`, in a SQLite
    bake of its own if it says `% docs: bake own` (it changes its project). For "own", the
    pages themselves, found in the directories chosen, without the options.
    """
    page_options = [arg for arg in chosen if arg.startswith("-")]
    files = [arg for arg in chosen if not arg.startswith("-")]
    if database == "own":
        found = [page for name in files for page in pages_in(name)]
        return [page for page in found if page_bake(page.split("::")[0]) == "own"]
    selected = [
        name
        for name in files
        if not name.split("::")[0].endswith(".md") or page_bake(name.split("::")[0]) == database
    ]
    return [*selected, *page_options] if selected else []


def page_bake(page: str) -> str:
    """The bake a page asks for (`% docs: bake NAME`); "sqlite" when it asks for none."""
    for line in (DOCS / page).read_text().splitlines():
        if line.startswith("% docs: bake "):
            return line.removeprefix("% docs: bake ").strip()
    return "sqlite"


def pages_in(name: str) -> list[str]:
    """The pages `name` stands for: itself (a page), or the pages of a directory of docs/."""
    if name.split("::")[0].endswith(".md"):
        return [name]
    return [str(path.relative_to(DOCS)) for path in sorted((DOCS / name).glob("*.md"))]


def pages(baked: Bake, chosen: list[str]) -> list[str]:
    """Where and how to run `chosen` pages against `baked`: the directory, then the command."""
    bin_dir = baked[1]
    return [str(DOCS), str(bin_dir / "pytest"), "-c", "pytest.ini", *(chosen or DOCS_PAGES)]


def screenshot_steps(baked: Bake) -> list[list[str]]:
    """The steps that save the screenshots the pages show, with the bake's Chromium or ours.

    The end-to-end scenarios that take one (`screenshot(page, ...)`), then
    docs/_exec/screenshots.py for the admin's and the Debug Toolbar's.
    """
    project, bin_dir = baked
    shutil.rmtree(DOCS_SCREENSHOTS, ignore_errors=True)
    DOCS_SCREENSHOTS.mkdir(parents=True)
    scenarios = [
        str(path.relative_to(project))
        for path in sorted((project / "tests" / "e2e").glob("test_*.py"))
        if "screenshot(" in path.read_text()
    ]
    steps = [
        [str(project), str(bin_dir / "pytest"), "-m", "e2e", "-p", "no:cacheprovider", "-q",
         *scenarios],
        [str(project), str(bin_dir / "python"), str(DOCS / "_exec" / "screenshots.py"),
         str(DOCS_SCREENSHOTS)],
    ]  # fmt: skip
    if not os.environ.get("CHROMIUM_PATH"):
        steps.insert(0, [str(project), str(bin_dir / "playwright"), "install", "chromium"])
    return steps


def job_env(session: nox.Session, baked: Bake) -> dict[str, str]:
    """A shell in the bake's activated virtualenv, the session's uv on its PATH after it."""
    project, bin_dir = baked
    env = activated(bin_dir)
    return env | {
        "PATH": f"{env['PATH']}{os.pathsep}{session.bin}",  # the pages run `uv`
        "DOCS_PROJECT": str(project),
        "E2E_SCREENSHOT_DIR": str(DOCS_SCREENSHOTS),
    }


def log_of(what: str) -> Path:
    """Where a docs job's output goes: build/docs-logs/."""
    return BUILD / "docs-logs" / f"{what.replace(' ', '-').replace('/', '-')}.log"


def start_docs_job(
    session: nox.Session, what: str, baked: Bake, steps: list[list[str]], env: dict | None = None
) -> Job:
    """Start `steps` in a shell of `baked`'s virtualenv (with `env`)."""
    return start_job(what, log_of(what), job_env(session, baked) | (env or {}), steps)


def start_job(what: str, log: Path, env: dict[str, str], steps: list[list[str]]) -> Job:
    """Run `steps` (each: a directory, then a command) one after the other, in the background,
    in a process group of their own, with `env`; their output goes to `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    script = " && ".join(f"cd {shlex.quote(cwd)} && {shlex.join(run)}" for cwd, *run in steps)
    with log.open("wb") as output:
        job = subprocess.Popen(
            ["/bin/sh", "-c", script], env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    return what, job, log


def run_side_by_side(session: nox.Session, jobs: list[Job]) -> None:
    """Wait for the jobs and say how each went; the first failure stops the others and the
    session. A failed job's output is shown whole."""
    failed: list[str] = []
    running = list(jobs)
    while running:
        time.sleep(0.5)
        for what, job, log in [item for item in running if item[1].poll() is not None]:
            running.remove((what, job, log))
            output = log.read_text(errors="replace").strip()
            if job.returncode == 0:
                counts = [line.strip("= ") for line in output.splitlines() if " passed" in line]
                session.log(f"{what}: {'; '.join(counts) or 'done'}")
                continue
            failed.append(what)
            session.warn(f"{what} failed ({job.returncode}); their output ({log}):\n{output}")
            for _, other, _ in running:
                with contextlib.suppress(ProcessLookupError):  # it has just ended
                    os.killpg(other.pid, signal.SIGTERM)
    if failed:
        session.error(f"Failed: {' and '.join(failed)}")
