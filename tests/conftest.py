"""Fixtures that bake the template and install the baked project, once per option set."""

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

DATABASES = ["sqlite", "postgresql"]


@dataclass
class BakedProject:
    """A project baked from the template, installed into its own .venv."""

    path: Path
    database: str

    def run(self, *command: str, env: dict[str, str] | None = None, check: bool = True):
        """Run a command of the project's .venv in the project; show its output on failure."""
        executable = self.path / ".venv" / "bin" / command[0]
        completed = subprocess.run(
            [str(executable), *command[1:]],
            cwd=self.path,
            env={**project_environment(), **(env or {})},
            capture_output=True,
            text=True,
        )
        if check and completed.returncode != 0:
            pytest.fail(
                f"`{' '.join(command)}` exited {completed.returncode}\n"
                f"--- stdout ---\n{completed.stdout}\n--- stderr ---\n{completed.stderr}"
            )
        return completed


def project_environment() -> dict[str, str]:
    """The environment a baked project runs in: ours, minus what belongs to our own venv."""
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "DJANGO_SETTINGS_MODULE"}}
    env.setdefault("UV_PYTHON_DOWNLOADS", "never")
    return env


def python_version() -> str:
    """The Python the baked projects use: the one running these tests."""
    import sys

    return f"{sys.version_info.major}.{sys.version_info.minor}"


@pytest.fixture(scope="session", params=DATABASES)
def baked(request, cookies_session) -> BakedProject:
    """A project baked with every default but `database`, installed with its dev group."""
    database = request.param
    result = cookies_session.bake(extra_context={"database": database})
    assert result.exit_code == 0, result.exception
    project = BakedProject(path=Path(result.project_path), database=database)
    subprocess.run(
        ["uv", "sync", "--quiet", "--python", python_version()],
        cwd=project.path,
        env=project_environment(),
        check=True,
    )
    return project
