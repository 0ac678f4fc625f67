"""Every option bakes a project that is clean, lean, consistent and passes its own tests."""

import filecmp
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT, BakedProject, project_environment, python_version

TEMPLATE = ROOT / "{{cookiecutter.project_slug}}"
JINJA = re.compile(r"\{\{|\{%|\{#")
SKIPPED_DIRS = {".venv", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", "dist"}
# What code of one database option looks like, found in a bake of the other.
OTHER_DATABASE = {
    "sqlite": re.compile(r"(?i:postgres|psycopg)|\bpg_\w|\bLISTEN\b|\bNOTIFY\b"),
    "postgresql": re.compile(r"(?i:sqlite|pragma|journal_mode)"),
}
# What code of one task backend looks like, found in a bake of the other.
OTHER_BACKEND = {
    "database": re.compile(r"\b(?i:rq)\b|django[-_]rq|rqworker|REDIS_URL|redis://"),
    "rq": re.compile(
        r"django[-_]tasks[-_]db|db_worker|TaskAttempt|TaskRow|taskdb|PausedQueue|\.monitoring\b"
        r"|manage worker\b|WORKER_\w+_SECONDS"
    ),
}
# At most this many lines of Python outside migrations, and at least this share of
# them in what a user keeps (the apps, config, manage.py): the rest is tests.
MAX_LINES = 7000  # 4,000 before the dashboard and metrics, login throttling and mail limits
MIN_SHARE_KEPT = 0.35


def project_files(project: Path):
    """The files of a baked project, without its virtualenv and caches."""
    for path in project.rglob("*"):
        if path.is_file() and not SKIPPED_DIRS.intersection(path.relative_to(project).parts):
            yield path


def is_django_template(path: Path) -> bool:
    """Django templates and static files are copied as they are: they may contain {{ }}."""
    return "templates" in path.parts or "static" in path.parts


def template_source(path: Path, project: Path) -> Path:
    """The template file that `path` of a baked `project` was copied from."""
    slug = project.name
    parts = path.relative_to(project).parts
    return TEMPLATE.joinpath(*("{{cookiecutter.project_slug}}" if p == slug else p for p in parts))


def test_no_jinja_left_in_rendered_files(baked):
    leftovers = [
        str(path.relative_to(baked.path))
        for path in project_files(baked.path)
        if not is_django_template(path) and JINJA.search(path.read_text())
    ]
    assert leftovers == []


def test_django_templates_are_copied_unrendered(baked):
    copied = [path for path in project_files(baked.path) if is_django_template(path)]
    assert copied, "the project has no templates"
    for path in copied:
        assert filecmp.cmp(path, template_source(path, baked.path), shallow=False), path


def lines_matching(project: Path, pattern: re.Pattern) -> list[str]:
    """The lines (and file names) of `project` that match `pattern`, `.env` and templates aside."""
    return [
        f"{path.relative_to(project)}: {line.strip()}"
        for path in project_files(project)
        if path.name != ".env" and not is_django_template(path)
        for line in [path.name, *path.read_text().splitlines()]
        if pattern.search(line)
    ]


def test_nothing_of_the_other_database_is_baked(baked):
    """No file, dependency, code or comment of the database option not chosen."""
    assert lines_matching(baked.path, OTHER_DATABASE[baked.database]) == []


def test_nothing_of_the_other_backend_is_baked(baked):
    """No file, dependency, code or comment of the task backend not chosen."""
    assert lines_matching(baked.path, OTHER_BACKEND[baked.backend]) == []


def test_the_tasks_are_the_same_files_on_the_database_and_on_rq(cookies):
    """One set of tasks: changing the backend changes no task's code."""
    bakes = [Path(cookies.bake(extra_context={"backend": backend}).project_path)
             for backend in ("database", "rq")]  # fmt: skip
    package = bakes[0].name
    tasks_of_the_apps = ["accounts/tasks.py", "accounts/notices.py", "accounts/mail.py",
                         "reports/tasks.py", "hello/tasks.py", "workers/policies.py"]  # fmt: skip
    for tasks in tasks_of_the_apps:
        assert filecmp.cmp(*(bake / package / tasks for bake in bakes), shallow=False), tasks


def test_the_bake_is_mostly_the_code_a_user_keeps(baked):
    python = [
        path
        for path in project_files(baked.path)
        if path.suffix == ".py" and "migrations" not in path.parts
    ]
    lines = {path: len(path.read_text().splitlines()) for path in python}
    kept = sum(
        count
        for path, count in lines.items()
        if path.name == "manage.py"
        or path.relative_to(baked.path).parts[0] == "config"
        or (path.relative_to(baked.path).parts[0] == baked.package and "tests" not in path.parts)
    )
    total = sum(lines.values())
    print(f"{baked.database}: {total} lines of Python, {kept} kept ({kept / total:.0%})")
    assert total <= MAX_LINES
    assert kept / total >= MIN_SHARE_KEPT


def test_the_readme_layout_names_every_folder(baked):
    readme = (baked.path / "README.md").read_text()
    layout = readme[readme.index("## Layout") :]
    top = [baked.path / name for name in ("config", "tests", baked.package)]
    inside = [path for folder in [*top, baked.path / ".github"] for path in folder.iterdir()]
    folders = [*top, *inside]
    unnamed = [
        relative
        for folder in folders
        if folder.is_dir()
        and folder.name not in SKIPPED_DIRS
        and f"`{(relative := folder.relative_to(baked.path).as_posix())}/`" not in layout
    ]
    assert unnamed == []


def test_django_check_is_clean(baked):
    result = baked.run("python -m manage check --fail-level WARNING")
    assert "no issues" in result.stdout


def test_migrations_match_models(baked):
    baked.run("python -m manage makemigrations --check --dry-run")


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x" * 64 + "a-long-random-production-secret-key",
    "DJANGO_ALLOWED_HOSTS": "example.com",
}


def test_deploy_check_is_clean_with_production_settings(baked):
    result = baked.run("python -m manage check --deploy --fail-level WARNING", env=PRODUCTION)
    assert "no issues" in result.stdout


@pytest.mark.parametrize("variable", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_a_required_variable(baked, variable):
    # The variable set but empty wins over the baked project's .env.
    result = baked.run(
        "python -c 'import django; django.setup()'", env={**PRODUCTION, variable: ""}, check=False
    )
    assert result.returncode != 0
    assert variable in result.stderr


def test_the_wheel_holds_the_apps_and_config_and_no_tests(baked, tmp_path):
    subprocess.run(
        ["uv", "build", "--wheel", "--quiet", "--out-dir", str(tmp_path)],
        cwd=baked.path,
        check=True,
    )
    [wheel] = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    print("\n".join(names))
    package = baked.package
    assert f"{package}/workers/{'rq' if baked.backend == 'rq' else 'worker'}.py" in names
    assert "config/settings/production.py" in names
    assert f"{package}/taskstatus/templates/taskstatus/status.html" in names
    assert f"{package}/taskstatus/static/taskstatus/poll.js" in names
    assert not [name for name in names if "tests/" in name or name.startswith("benchmarks")]


def test_the_ci_workflow_is_valid(baked):
    # check-jsonschema ships GitHub's workflow schema: nothing is downloaded.
    checker = shutil.which("check-jsonschema")
    assert checker, "check-jsonschema is not installed"
    workflow = ".github/workflows/ci.yml"
    schema = "vendor.github-workflows"
    subprocess.run([checker, "--builtin-schema", schema, workflow], cwd=baked.path, check=True)
    services = (baked.path / workflow).read_text()
    assert ("image: redis:" in services) == (baked.backend == "rq")


def test_the_pre_commit_config_is_valid(baked):
    baked.run("pre-commit validate-config .pre-commit-config.yaml")


def test_project_test_suite_passes(baked: BakedProject):
    result = baked.run("pytest -p no:cacheprovider -q")
    assert " passed" in result.stdout


def test_the_first_commit_passes_the_projects_own_hooks(baked, tmp_path):
    """A new owner's first day, in a fresh copy of the bake: install it, create a git
    repository, install the hooks, commit everything. The hooks pass and change no file.

    The hooks are ruff, ruff format, mypy and lint-imports on every file: this is the bake's
    lint test too (mypy, cold, is the costliest check of a bake: it runs here only)."""
    project = tmp_path / baked.package
    shutil.copytree(baked.path, project, ignore=shutil.ignore_patterns(*SKIPPED_DIRS))
    author = {f"GIT_{role}_{field}": value for role in ("AUTHOR", "COMMITTER")
              for field, value in (("NAME", "Ada"), ("EMAIL", "ada@example.com"))}  # fmt: skip
    commands = [
        f"uv sync --quiet --python {python_version()}",
        "git init --quiet",
        "git add --all",
        "uv run pre-commit install",
        "git commit --quiet --message 'First commit'",
        "uv run pre-commit run --all-files",
        "git status --porcelain",
    ]
    for command in commands:
        done = subprocess.run(
            shlex.split(command),
            cwd=project,
            env={**project_environment(), **author},
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, f"`{command}`:\n{done.stdout}\n{done.stderr}"
    assert done.stdout == "", "files changed by the hooks"


# The production deployment, as docs/howto/production.md and docs/howto/systemd.md run it.
SYSTEMD = ROOT / "docs" / "howto" / "systemd"
# Written at exit by every Python process that configured Django: which settings it ran.
SETTINGS_PROBE = """
import atexit, json, os, sys

def report():
    conf = sys.modules.get("django.conf")
    if conf is not None and conf.settings.configured:
        s = conf.settings
        facts = {"argv": sys.argv, "module": s.SETTINGS_MODULE, "debug": s.DEBUG,
                 "mailer": s.MAILERS["default"]["BACKEND"]}
        path = os.path.join(os.environ["SETTINGS_PROBE_DIR"], f"{os.getpid()}.json")
        with open(path, "w") as file:
            json.dump(facts, file)

atexit.register(report)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def systemd_environment() -> dict[str, str]:
    """What the docs' units give every process: their Environment= lines and the env file."""
    lines = (SYSTEMD / "env.example").read_text().splitlines()
    for unit in SYSTEMD.glob("*.service"):
        lines += [
            pair
            for line in unit.read_text().splitlines()
            if line.startswith("Environment=")
            for pair in shlex.split(line.removeprefix("Environment="))
        ]
    pairs = [line.split("=", 1) for line in lines if "=" in line and not line.startswith("#")]
    return {key: value for key, value in pairs}


@pytest.fixture
def production_environment(baked: BakedProject, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The docs' environment, pointed at a fresh database (dropped after) and a local SMTP
    server."""
    env = {
        **systemd_environment(),
        "DJANGO_SECRET_KEY": "production-" + "k" * 50,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(free_port()),
        "SMTP_USERNAME": "",
        "SMTP_PASSWORD": "",
        "SMTP_USE_TLS": "false",
        "PATH": f"{baked.path / '.venv' / 'bin'}:{os.environ['PATH']}",
    }
    if baked.backend == "rq":  # the tests' Redis database
        env["REDIS_URL"] = project_environment()["TEST_REDIS_URL"]
    if baked.database == "sqlite":
        yield env | {"SQLITE_PATH": str(tmp_path / "production.sqlite3")}
        return
    name = f"production_{os.getpid()}_{free_port()}"
    server = {"PGHOST": "127.0.0.1", "PGUSER": "postgres"}
    sql = "import psycopg, sys; psycopg.connect(autocommit=True).execute(sys.argv[1])"
    baked.run(f"python -c {shlex.quote(sql)} 'CREATE DATABASE {name}'", env=server)
    yield env | {"DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}"}
    baked.run(f"python -c {shlex.quote(sql)} 'DROP DATABASE {name} WITH (FORCE)'", env=server)


def procfile_lines(project: Path) -> dict[str, str]:
    lines = (project / "Procfile").read_text().splitlines()
    pairs = [line.split(":", 1) for line in lines if line and not line.startswith("#")]
    return {name: command.strip() for name, command in pairs}


def test_every_procfile_line_runs_the_production_settings_as_the_docs_start_it(
    baked, production_environment, tmp_path
):
    """Each Procfile line as its own service with the docs' environment, in a project whose
    .env selects the development settings and holds a key: every process runs production (DEBUG
    off, the SMTP mailer), the web serves no debug page, the emails worker sends over SMTP."""
    assert "config.settings.development" in (baked.path / ".env").read_text()
    env = production_environment
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    baked.run("python -m manage migrate --no-input", env=env)
    (probe := tmp_path / "probe").mkdir()
    (probe / "sitecustomize.py").write_text(SETTINGS_PROBE)
    probed = {**env, "PYTHONPATH": str(probe), "SETTINGS_PROBE_DIR": str(probe)}
    port = free_port()
    smtp_log = (tmp_path / "smtp.log").open("w")
    smtp = subprocess.Popen(
        [str(baked.path / ".venv/bin/python"), "-u", "-m", "aiosmtpd", "-n", "-c",
         "aiosmtpd.handlers.Debugging", "-l", f"127.0.0.1:{env['SMTP_PORT']}"],
        stdout=smtp_log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    processes = {
        name: subprocess.Popen(
            ["/bin/sh", "-c", f"exec {command}"],
            cwd=baked.path,
            env={**project_environment(), **probed, "PORT": str(port), "PYTHONUNBUFFERED": "1"},
            stdout=(tmp_path / f"{name}.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        for name, command in procfile_lines(baked.path).items()
    }
    try:
        url = f"http://127.0.0.1:{port}"
        headers = {"Host": "example.com", "X-Forwarded-Proto": "https"}  # as the proxy sends
        page = wait_for_page(f"{url}/no-such-page/", headers)
        body = page.read()
        assert page.status == 404 and b"DEBUG" not in body and b"djDebug" not in body
        shell = (
            f"from {baked.package}.accounts.models import User\n"
            f"from {baked.package}.accounts.tasks import send_welcome_email\n"
            "send_welcome_email.enqueue(User.objects.create_user('ops@example.com').pk)"
        )
        baked.run(f"python -m manage shell -c {shlex.quote(shell)}", env=env)
        wait_for(lambda: "ops@example.com" in (tmp_path / "smtp.log").read_text(), "the email")
    finally:
        for process in [*processes.values(), smtp]:
            process.send_signal(signal.SIGTERM)
        for process in [*processes.values(), smtp]:
            process.wait(30)
    logs = {name: (tmp_path / f"{name}.log").read_text() for name in processes}
    probes = [json.loads(path.read_text()) for path in probe.glob("*.json")]
    for name, command in procfile_lines(baked.path).items():
        ran = [p for p in probes if " ".join(p["argv"][1:4]) in command]
        assert ran, f"{name} ran no Django process:\n{logs[name]}"
        for facts in ran:
            assert facts["module"] == "config.settings.production", (name, facts)
            assert facts["debug"] is False, (name, facts)
            assert facts["mailer"] == "django.core.mail.backends.smtp.EmailBackend", (name, facts)


def wait_for(condition, waiting_for: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {waiting_for}"
        time.sleep(0.1)
    return value


def wait_for_page(url: str, headers: dict[str, str]):
    """The response to `url` once the server answers (an HTTP error is an answer too)."""

    def fetch():
        try:
            return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5)
        except urllib.error.HTTPError as error:
            return error
        except OSError:
            return None

    return wait_for(fetch, "the web server")


def test_production_never_takes_the_key_of_dot_env(baked):
    assert "DJANGO_SECRET_KEY=" in (baked.path / ".env").read_text()
    without_key = {key: value for key, value in PRODUCTION.items() if key != "DJANGO_SECRET_KEY"}
    result = baked.run("python -m manage check", env=without_key, check=False)
    assert result.returncode != 0
    assert "Set the DJANGO_SECRET_KEY environment variable" in result.stderr


def test_https_is_believed_from_a_proxy_only_when_one_is_declared(baked):
    """X-Forwarded-Proto from anyone is not HTTPS; with DJANGO_BEHIND_PROXY it is, and the
    answer carries the Content-Security-Policy and a short HSTS without preload."""
    request = (
        "from django.test import Client; r = Client().get('/nowhere/', HTTP_HOST='example.com', "
        "headers={'X-Forwarded-Proto': 'https'}); print(r.status_code, dict(r.headers))"
    )
    command = f"python -m manage shell --no-imports -c {shlex.quote(request)}"
    direct = baked.run(command, env=PRODUCTION).stdout
    proxied = baked.run(command, env={**PRODUCTION, "DJANGO_BEHIND_PROXY": "true"}).stdout
    assert direct.startswith("301 ") and "https://example.com/nowhere/" in direct
    assert proxied.startswith("404 ")
    assert "'Content-Security-Policy': \"default-src 'self'" in proxied
    assert "'Strict-Transport-Security': 'max-age=3600'" in proxied


@pytest.mark.parametrize("backend", ["database", "rq"])
@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_fresh_bake_installs_from_its_lock_and_production_gets_no_dev_tools(
    cookies, database, backend
):
    """`uv sync --locked` fails if uv.lock does not match the rendered pyproject.toml (regenerate
    with `nox -s lock`); `--no-dev`, as production installs, leaves out the dev groups."""
    answers = {"database": database, "backend": backend, "project_name": "Lock Check"}
    result = cookies.bake(extra_context=answers)
    assert result.exit_code == 0, result.exception
    project = BakedProject(path=Path(result.project_path), database=database, backend=backend)
    assert not list(project.path.glob("uv-*.lock"))
    sync = ["uv", "sync", "--locked", "--no-dev", "--quiet", "--python", python_version()]
    subprocess.run(sync, cwd=project.path, env=project_environment(), check=True)
    queue = ["django_tasks_rq", "django_rq"] if backend == "rq" else ["django_tasks_db"]
    production = ["django", "gunicorn", *queue]
    dev_tools = ["debug_toolbar", "playwright", "honcho"]
    # Found, not imported: django_rq reads the settings when imported.
    find = "import importlib.util, sys; print(*filter(importlib.util.find_spec, sys.argv[1:]))"
    found = project.run(f"python -c '{find}' {' '.join(production + dev_tools)}").stdout.split()
    assert found == production
    assert "--locked" in (project.path / ".github" / "workflows" / "ci.yml").read_text()
