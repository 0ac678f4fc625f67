"""Finish the baked project: a fresh secret key, only the files of the database chosen, and
for the tutorial's starting point (`tutorial_starter=yes`), none of the files its reader writes.

A file that serves one database option lives in the template under a name that
says so (`uv-sqlite.lock`, that option's pinned dependencies); this hook keeps the
chosen option's files (renamed where the project uses them under a common name:
`uv.lock`) and deletes the others, so a bake holds no file, dependency or branch
for the database it did not choose.
"""

import secrets
from pathlib import Path

DATABASE = "{{ cookiecutter.database }}"
TUTORIAL_STARTER = "{{ cookiecutter.tutorial_starter }}"
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


# The files the tutorial's reader writes, by copying its listings: path -> (the part that
# first writes it, the part that writes it as the finished project has it). The starter
# leaves them out; the docs run checks that the reader's project ends as the finished one
# (docs/_exec/docs_sessions/buildalong.py). Parts 3, 4, 6, 7, 9 and 10 add theirs here.
WRITTEN_BY_THE_READER = {
    f"{PACKAGE}/hello/tasks.py": (2, 2),
    "Procfile": (5, 9),  # part 5 runs django-tasks-db's db_worker; part 9, the project's worker
    f"{PACKAGE}/hello/tests/test_tasks.py": (8, 8),
    "tests/e2e/test_welcome_email.py": (8, 8),
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


def leave_out_what_the_reader_writes() -> None:
    """The tutorial's starting point: a running project without the reader's files."""
    for path in WRITTEN_BY_THE_READER:
        Path(path).unlink()


if __name__ == "__main__":
    write_local_env()
    keep_the_files_of_the_chosen_database()
    if TUTORIAL_STARTER == "yes":
        leave_out_what_the_reader_writes()
