"""Finish the baked project: a fresh secret key, and only the files of the database chosen.

A file that serves one database option lives in the template under a name that
says so (`uv-sqlite.lock`, that option's pinned dependencies); this hook keeps the
chosen option's files (renamed where the project uses them under a common name:
`uv.lock`) and deletes the others, so a bake holds no file, dependency or branch
for the database it did not choose.
"""

import secrets
from pathlib import Path

DATABASE = "{{ cookiecutter.database }}"
PACKAGE = Path("{{ cookiecutter.project_slug }}")

# For each option: its files, and the name each keeps in the project ("" = its own).
FILES_OF_DATABASE = {
    "sqlite": {
        "uv-sqlite.lock": "uv.lock",
        "tests/test_database_sqlite.py": "",
        "tests/support/sqlite_test_database.py": "",
        f"{PACKAGE}/workers/wakeup_sqlite.py": f"{PACKAGE}/workers/wakeup.py",
        f"{PACKAGE}/workers/ownership_sqlite.py": f"{PACKAGE}/workers/ownership.py",
    },
    "postgresql": {
        "uv-postgresql.lock": "uv.lock",
        "tests/test_database_postgresql.py": "",
        f"{PACKAGE}/workers/wakeup_postgresql.py": f"{PACKAGE}/workers/wakeup.py",
        f"{PACKAGE}/workers/ownership_postgresql.py": f"{PACKAGE}/workers/ownership.py",
        f"{PACKAGE}/workers/migrations/0002_notify_ready_tasks.py": "",
    },
}


def write_local_env() -> None:
    """Create the git-ignored `.env` from the example, with a fresh secret key."""
    example = Path(".env.example").read_text()
    key = secrets.token_urlsafe(50)
    Path(".env").write_text(example.replace("DJANGO_SECRET_KEY=", f"DJANGO_SECRET_KEY={key}", 1))


def keep_the_files_of_the_chosen_database() -> None:
    """Rename the chosen option's files to their common names; delete the other options'."""
    for database, files in FILES_OF_DATABASE.items():
        for path, name in files.items():
            if database != DATABASE:
                Path(path).unlink()
            elif name:
                Path(path).rename(name)


if __name__ == "__main__":
    write_local_env()
    keep_the_files_of_the_chosen_database()
