"""Finish the baked project: a fresh secret key, and no files of options not chosen."""

import secrets
import shutil
from pathlib import Path

DATABASE = "{{ cookiecutter.database }}"
SLUG = "{{ cookiecutter.project_slug }}"

# Files that only make sense for one database option.
FILES_OF_DATABASE = {
    "sqlite": ["tests/test_database_sqlite.py"],
    "postgresql": ["tests/test_database_postgresql.py"],
}


def write_local_env() -> None:
    """Create the git-ignored `.env` from the example, with a fresh secret key."""
    example = Path(".env.example").read_text()
    key = secrets.token_urlsafe(50)
    Path(".env").write_text(example.replace("DJANGO_SECRET_KEY=", f"DJANGO_SECRET_KEY={key}", 1))


def remove_files_of_other_databases() -> None:
    """Delete the files that belong to the database option not chosen."""
    for database, paths in FILES_OF_DATABASE.items():
        if database == DATABASE:
            continue
        for path in map(Path, paths):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)


if __name__ == "__main__":
    write_local_env()
    remove_files_of_other_databases()
