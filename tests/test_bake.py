"""Every option combination bakes a project that is clean, consistent and passes its own tests."""

import filecmp
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "{{cookiecutter.project_slug}}"
JINJA = re.compile(r"\{\{|\{%|\{#")
SKIPPED_DIRS = {".venv", "__pycache__", ".pytest_cache", ".ruff_cache"}


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


def test_files_of_other_databases_are_removed(baked):
    tests_dir = baked.path / "tests"
    other = "postgresql" if baked.database == "sqlite" else "sqlite"
    assert (tests_dir / f"test_database_{baked.database}.py").exists()
    assert not (tests_dir / f"test_database_{other}.py").exists()


def test_local_env_file_has_a_fresh_secret_key(baked):
    env = (baked.path / ".env").read_text()
    [key] = re.findall(r"^DJANGO_SECRET_KEY=(.*)$", env, re.MULTILINE)
    assert len(key) >= 50
    assert ".env" in (baked.path / ".gitignore").read_text().splitlines()


def test_ruff_is_clean(baked):
    baked.run("ruff check .")
    baked.run("ruff format --check .")


def test_django_check_is_clean(baked):
    result = baked.run("python -m manage check --fail-level WARNING")
    assert "no issues" in result.stdout


def test_migrations_match_models(baked):
    baked.run("python -m manage makemigrations --check --dry-run")


def test_deploy_check_is_clean_with_production_settings(baked):
    result = baked.run(
        "python -m manage check --deploy --fail-level WARNING",
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "x" * 64 + "a-long-random-production-secret-key",
            "DJANGO_ALLOWED_HOSTS": "example.com",
        },
    )
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(baked):
    # The variable set but empty wins over the key in the baked project's .env.
    result = baked.run(
        "python -c 'import django; django.setup()'",
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "",
            "DJANGO_ALLOWED_HOSTS": "example.com",
        },
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_project_test_suite_passes(baked):
    result = baked.run("pytest -p no:cacheprovider -q")
    assert " passed" in result.stdout
