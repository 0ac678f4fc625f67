"""Finish the baked project: a fresh secret key, only the files of the options chosen, and
for the tutorial's starting point (`tutorial_starter=yes`), none of the files its reader writes
(or the starter's own version of them, from the template's `_starter/`).

A file that serves one database option lives in the template under a name that
says so (`wakeup_sqlite.py`); this hook keeps the chosen option's files (renamed
where the project uses them under a common name: `wakeup.py`) and deletes the
others, so a bake holds no file, dependency or branch for the database it did not
choose. The task backend's files go the same way; the pinned dependencies depend on
both options: `uv-<database>.lock` (the database backend), `uv-<database>-rq.lock`.
"""

import secrets
import shutil
from pathlib import Path

DATABASE = "{{ cookiecutter.database }}"
BACKEND = "{{ cookiecutter.backend }}"
TUTORIAL_STARTER = "{{ cookiecutter.tutorial_starter }}"
PACKAGE = Path("{{ cookiecutter.project_slug }}")

# For each option: its files, and the name each keeps in the project ("" = its own).
FILES_OF_DATABASE = {
    "sqlite": {
        "tests/test_database_sqlite.py": "",
        "tests/support/sqlite_test_database.py": "",
        f"{PACKAGE}/workers/wakeup_sqlite.py": f"{PACKAGE}/workers/wakeup.py",
        f"{PACKAGE}/workers/ownership_sqlite.py": f"{PACKAGE}/workers/ownership.py",
    },
    "postgresql": {
        "tests/test_database_postgresql.py": "",
        f"{PACKAGE}/workers/wakeup_postgresql.py": f"{PACKAGE}/workers/wakeup.py",
        f"{PACKAGE}/workers/ownership_postgresql.py": f"{PACKAGE}/workers/ownership.py",
        f"{PACKAGE}/workers/migrations/0002_notify_ready_tasks.py": "",
    },
}

# For each task backend: its files and folders (by their names after the database's are kept).
FILES_OF_BACKEND = {
    # django-tasks-db and the project's own worker: the database is the queue.
    "database": {
        f"{PACKAGE}/monitoring": "",
        f"{PACKAGE}/workers/admin.py": "",
        f"{PACKAGE}/workers/management": "",
        f"{PACKAGE}/workers/migrations": "",
        f"{PACKAGE}/workers/models.py": "",
        f"{PACKAGE}/workers/ownership.py": "",
        f"{PACKAGE}/workers/recovery.py": "",
        f"{PACKAGE}/workers/taskdb.py": "",
        f"{PACKAGE}/workers/timelimits.py": "",
        f"{PACKAGE}/workers/wakeup.py": "",
        f"{PACKAGE}/workers/worker.py": "",
        f"{PACKAGE}/workers/tests/helpers.py": "",
        f"{PACKAGE}/workers/tests/test_recovery.py": "",
        f"{PACKAGE}/workers/tests/test_worker.py": "",
        "tests/e2e/test_operating_the_queues.py": "",  # the monitoring app's dashboard
        "tests/support/queues_database.py": "tests/support/queues.py",
    },
    # RQ on Redis: django-tasks-rq's jobs, run by RQ's workers, seen through django-rq.
    "rq": {
        f"{PACKAGE}/workers/rq.py": "",
        f"{PACKAGE}/workers/tests/test_rq.py": "",
        f"{PACKAGE}/workers/tests/test_rq_recovery.py": "",
        "tests/test_queues_in_the_admin.py": "",
        "tests/support/queues_rq.py": "tests/support/queues.py",
    },
}


# The files the tutorial's reader writes, by copying its listings: path -> (the part that
# first writes it, the part that writes it as the finished project has it). The starter
# leaves them out, or has its own version of them (STARTER); the docs run checks that the
# reader's project ends as the finished one (docs/_exec/docs_sessions/buildalong.py).
WRITTEN_BY_THE_READER = {
    f"{PACKAGE}/hello/tasks.py": (2, 2),
    "config/settings/tasks.py": (2, 2),  # TASKS
    f"{PACKAGE}/accounts/tasks.py": (3, 9),  # part 9 adds its retries and time limit
    f"{PACKAGE}/accounts/views.py": (3, 6),  # part 6 enqueues on commit
    f"{PACKAGE}/taskstatus/views.py": (4, 4),
    "Procfile": (5, 9),  # part 5 runs django-tasks-db's db_worker; part 9, the project's worker
    f"{PACKAGE}/reports/tasks.py": (7, 11),  # part 9 adds its time limit; part 11, schedules
    f"{PACKAGE}/hello/tests/test_tasks.py": (8, 8),
    "tests/e2e/test_welcome_email.py": (8, 8),
    f"{PACKAGE}/scheduling/tasks.py": (11, 11),  # the nightly clean-up
}


# The starter's own versions of files that its reader rewrites, where the starter must run
# without the reader's version (the URLs import the views): `_starter/PATH` becomes PATH in
# the starter, and is deleted from every other bake.
STARTER = Path("_starter")


def write_local_env() -> None:
    """Create the git-ignored `.env` from the example, with a fresh secret key."""
    example = Path(".env.example").read_text()
    key = secrets.token_urlsafe(50)
    Path(".env").write_text(example.replace("DJANGO_SECRET_KEY=", f"DJANGO_SECRET_KEY={key}", 1))


def keep_the_files_of(chosen: str, files_of: dict[str, dict[str, str]]) -> None:
    """Rename the chosen option's files to their common names; delete the other options'."""
    for option, files in files_of.items():
        for path, name in files.items():
            if option == chosen:
                if name:
                    Path(path).rename(name)
            elif Path(path).is_dir():
                shutil.rmtree(path)
            else:
                Path(path).unlink()


def keep_the_lock_of_the_chosen_options() -> None:
    """uv.lock: the dependencies pinned for this database and this backend."""
    chosen = f"uv-{DATABASE}.lock" if BACKEND == "database" else f"uv-{DATABASE}-{BACKEND}.lock"
    for lock in Path().glob("uv-*.lock"):
        if lock.name == chosen:
            lock.rename("uv.lock")
        else:
            lock.unlink()


def leave_out_what_the_reader_writes() -> None:
    """The tutorial's starting point: a running project without the reader's files."""
    for path in WRITTEN_BY_THE_READER:
        Path(path).unlink()
    for version in [path for path in STARTER.rglob("*") if path.is_file()]:
        version.replace(version.relative_to(STARTER))


if __name__ == "__main__":
    write_local_env()
    keep_the_files_of(DATABASE, FILES_OF_DATABASE)
    keep_the_files_of(BACKEND, FILES_OF_BACKEND)
    keep_the_lock_of_the_chosen_options()
    if TUTORIAL_STARTER == "yes":
        leave_out_what_the_reader_writes()
    shutil.rmtree(STARTER)
