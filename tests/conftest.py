"""Fixtures that bake the template and install the baked project, once per option set."""

import os
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The template's Jinja extension (hooks/naming.py) must be importable here too:
# pytest-cookies renders the context itself, outside the import path cookiecutter
# sets up for a template's local extensions.
sys.path.insert(0, str(ROOT))

DATABASES = ["sqlite", "postgresql"]
# The option sets baked and tested whole: each database on the database backend, and RQ on
# SQLite (where users and reports live changes nothing of what RQ does).
OPTION_SETS = {
    "sqlite": {"database": "sqlite"},
    "postgresql": {"database": "postgresql"},
    "sqlite-rq": {"database": "sqlite", "backend": "rq"},
}
# The evidence runs inside a bake (see test_evidence.py); pytest must not collect it here.
collect_ignore = ["evidence"]


@dataclass
class BakedProject:
    """A project baked from the template, installed into its own .venv."""

    path: Path
    database: str
    backend: str = "database"

    @property
    def package(self) -> str:
        """The project's Python package (its slug)."""
        return self.path.name

    def run(self, command: str, env: dict[str, str] | None = None, check: bool = True):
        """Run a command of the project's .venv in the project; show its output on failure."""
        program, *args = shlex.split(command)
        completed = subprocess.run(
            [str(self.path / ".venv" / "bin" / program), *args],
            cwd=self.path,
            env={**project_environment(), **(env or {})},
            capture_output=True,
            text=True,
            check=False,  # failures are reported below, with the command's output
        )
        if check and completed.returncode != 0:
            pytest.fail(
                f"`{command}` exited {completed.returncode}\n"
                f"--- stdout ---\n{completed.stdout}\n--- stderr ---\n{completed.stderr}"
            )
        return completed


def project_environment() -> dict[str, str]:
    """The environment a baked project runs in: ours, minus what belongs to our own venv."""
    ours = {"VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "DJANGO_SETTINGS_MODULE"}
    env = {key: value for key, value in os.environ.items() if key not in ours}
    env.setdefault("UV_PYTHON_DOWNLOADS", "never")
    # An RQ bake's tests use a Redis database of their own (its config/settings/test.py).
    env.setdefault("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
    return env


def python_version() -> str:
    """The Python the baked projects use: the one running these tests."""
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def install(project: BakedProject) -> BakedProject:
    """`uv sync` the baked project (dependencies and dev group) into its .venv.

    Without CHROMIUM_PATH, its end-to-end tests need Playwright's own browser, of
    the version the project's Playwright expects: the project installs it.
    """
    subprocess.run(
        ["uv", "sync", "--quiet", "--python", python_version()],
        cwd=project.path,
        env=project_environment(),
        check=True,
    )
    if not os.environ.get("CHROMIUM_PATH"):
        project.run("playwright install chromium")
    return project


def bake(cookies, **answers: str) -> BakedProject:
    """Bake the template with `answers` (the defaults otherwise) and install the project."""
    result = cookies.bake(extra_context=answers)
    assert result.exit_code == 0, result.exception
    database, backend = answers.get("database", "sqlite"), answers.get("backend", "database")
    project = BakedProject(path=Path(result.project_path), database=database, backend=backend)
    return install(project)


@pytest.fixture(scope="session", params=list(OPTION_SETS))
def baked(request, cookies_session) -> BakedProject:
    """A project baked with every default but those of an option set, installed with its dev
    group: each database, and the RQ backend."""
    return bake(cookies_session, **OPTION_SETS[request.param])
