"""A throwaway database for a lab run: made, migrated, and dropped at the end, even on failure.

    with throwaway_database("bench") as database:
        ...  # this process's queries go there; so do the processes started with database.env

The lab never touches the project's own database. The new one is of the bake's
engine: a file in a temporary directory (SQLite), or a database named
`lab_<label>_<pid>` on the server of the project's DATABASE_URL (PostgreSQL).
`database.env` (SQLITE_PATH or DATABASE_URL, which the project's settings read)
points the processes the lab starts at it; it is also put in this process's
environment, which they inherit. `database.clone(label)` gives a copy of a
SQLite database, for workers that must not queue for each other's write lock or
wake at each other's commits; `clone.used()` points this process at the copy.
"""

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.core.management import call_command
from django.db import connections


@dataclass(frozen=True)
class Database:
    """A database of the lab's: its name, and the environment that points a process at it."""

    vendor: str  # "sqlite" or "postgresql"
    name: str  # a file path (SQLite) or a database name (PostgreSQL)
    env: dict[str, str]

    @contextmanager
    def used(self) -> Iterator["Database"]:
        """Point this process's queries at this database for the block, then back.

        For one thread at a time: the lab's measurements run in one.
        """
        settings_dict = connections["default"].settings_dict
        previous = settings_dict["NAME"]
        if previous == self.name:
            yield self
            return
        connections["default"].close()
        settings_dict["NAME"] = self.name
        try:
            yield self
        finally:
            connections["default"].close()
            settings_dict["NAME"] = previous

    @contextmanager
    def clone(self, label: str) -> Iterator["Database"]:
        """A copy of this SQLite database (schema and rows), for the duration of the block."""
        if self.vendor != "sqlite":
            raise NotImplementedError("Only a SQLite database is copied.")
        path = Path(self.name).with_name(f"{label}.sqlite3")
        source, copy = sqlite3.connect(self.name), sqlite3.connect(path)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
        try:
            yield Database(self.vendor, str(path), {"SQLITE_PATH": str(path)})
        finally:
            path.unlink(missing_ok=True)


@contextmanager
def throwaway_database(label: str) -> Iterator[Database]:
    """A new, migrated database of the project's engine, for the duration of the block.

    Django must be set up, and must not have connected to the project's database yet.
    """
    settings_dict = connections["default"].settings_dict
    vendor = connections["default"].vendor
    if vendor == "sqlite":
        directory = Path(tempfile.mkdtemp(prefix=f"lab-{label}-"))
        path = str(directory / f"{label}.sqlite3")
        database = Database(vendor, path, {"SQLITE_PATH": path})
    else:
        directory = None
        # The process id keeps two runs on one server (two checkouts, CI jobs) apart.
        name = f"lab_{label}_{os.getpid()}"
        _on_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _on_server(f'CREATE DATABASE "{name}"')
        database = Database(vendor, name, {"DATABASE_URL": database_url(name)})
    project_name = settings_dict["NAME"]
    settings_dict["NAME"] = database.name  # every connection of this process, from now on
    os.environ.update(database.env)  # and every process it starts
    try:
        call_command("migrate", verbosity=0)
        yield database
    finally:
        connections.close_all()
        settings_dict["NAME"] = project_name
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)
        else:
            _on_server(f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE)')


def database_url(name: str) -> str:
    """A DATABASE_URL (as django-environ reads it) for database `name` on the project's server."""
    settings_dict = connections["default"].settings_dict
    user = quote(settings_dict["USER"] or "", safe="")
    password = f":{quote(settings_dict['PASSWORD'], safe='')}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{name}"


def _on_server(sql: str) -> None:
    """Run `sql` outside any database (CREATE/DROP DATABASE) on the project's server."""
    with connections["default"]._nodb_cursor() as cursor:
        cursor.execute(sql)
