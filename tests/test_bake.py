"""Every option bakes a project that is clean, lean, consistent and passes its own tests."""

import filecmp
import re
import shlex
import shutil
import subprocess
import zipfile
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
# At most this many lines of Python outside migrations, and at least this share of
# them in what a user keeps (the apps, config, manage.py): the rest is tests.
MAX_LINES = 4000
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


def test_nothing_of_the_other_database_is_baked(baked):
    """No file, dependency, code or comment of the database option not chosen."""
    other = OTHER_DATABASE[baked.database]
    found = [
        f"{path.relative_to(baked.path)}: {line.strip()}"
        for path in project_files(baked.path)
        if path.name != ".env" and not is_django_template(path)
        for line in [path.name, *path.read_text().splitlines()]
        if other.search(line)
    ]
    assert found == []


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


def test_ruff_is_clean(baked):
    baked.run("ruff check .")
    baked.run("ruff format --check .")


def test_mypy_is_clean(baked):
    baked.run("mypy .")


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
    assert f"{package}/workers/worker.py" in names
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


def test_the_pre_commit_config_is_valid(baked):
    baked.run("pre-commit validate-config .pre-commit-config.yaml")


def test_project_test_suite_passes(baked: BakedProject):
    result = baked.run("pytest -p no:cacheprovider -q")
    assert " passed" in result.stdout


def test_the_first_commit_passes_the_projects_own_hooks(baked, tmp_path):
    """A new owner's first day, in a fresh copy of the bake: install it, create a git
    repository, install the hooks, commit everything. The hooks pass and change no file."""
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
