"""A database of their own for tests whose workers or web server run in other processes.

pytest-django's test database does not suit them: SQLite keeps it in memory,
where no other process can see it, and the end-to-end suite's workers, which
live as long as the test session, poll it and would run these tests' tasks.

    with scratch_database("crash", tmp_dir) as database, database.routed():
        env = database.env        # SQLITE_PATH or DATABASE_URL, for the subprocesses
        User.objects.count()      # this process's queries go there too

The database is migrated on entry and dropped on exit. Tests must allow
database access (pytest-django's `django_db_blocker.unblock()`).
"""

import copy
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.core.management import call_command
from django.db import connections
from django.tasks import TaskResultStatus
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

ALIAS = "scratch"


@dataclass(frozen=True)
class ScratchDatabase:
    """A migrated database, reachable from this process as `alias` and from others by `env`."""

    alias: str
    env: dict[str, str]

    @contextmanager
    def routed(self) -> Iterator[None]:
        """Send every ORM query of this process to this database (DATABASE_ROUTERS)."""
        with override_settings(DATABASE_ROUTERS=[_Router(self.alias)]):
            yield

    def unfinished_tasks(self) -> list[DBTaskResult]:
        """The tasks still READY or RUNNING."""
        return list(
            DBTaskResult.objects.using(self.alias).filter(
                status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
            )
        )

    def clear(self) -> None:
        """Delete the rows the tests create: tasks, users (and what they own), heartbeats."""
        from django.contrib.auth import get_user_model

        from ..workers.models import TaskRetry, WorkerHeartbeat

        for model in (DBTaskResult, TaskRetry, WorkerHeartbeat, get_user_model()):
            model.objects.using(self.alias).all().delete()


class _Router:
    """Reads and writes of every model go to one database."""

    def __init__(self, alias: str) -> None:
        self.alias = alias

    def db_for_read(self, model: type, **hints: object) -> str:
        return self.alias

    def db_for_write(self, model: type, **hints: object) -> str:
        return self.alias


@contextmanager
def scratch_database(label: str, directory: Path) -> Iterator[ScratchDatabase]:
    """Create and migrate a database like the default one; drop it afterwards.

    SQLite: a file in `directory`. PostgreSQL: a database named after `label` on
    the default database's server.
    """
    settings_dict = copy.deepcopy(connections.settings["default"])
    postgresql = settings_dict["ENGINE"] == "django.db.backends.postgresql"
    if postgresql:
        settings_dict["NAME"] = f"{label}_{uuid.uuid4().hex[:8]}"
        _on_server(f'CREATE DATABASE "{settings_dict["NAME"]}"')
        env = {"DATABASE_URL": database_url(settings_dict)}
    else:
        settings_dict["NAME"] = str(directory / f"{label}.sqlite3")
        env = {"SQLITE_PATH": settings_dict["NAME"]}
    connections.settings[ALIAS] = settings_dict
    database = ScratchDatabase(alias=ALIAS, env=env)
    try:
        with database.routed():  # data migrations query the default alias
            call_command("migrate", database=ALIAS, verbosity=0)
        yield database
    finally:
        connections[ALIAS].close()
        del connections[ALIAS]
        del connections.settings[ALIAS]
        if postgresql:
            _on_server(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}" WITH (FORCE)')


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL (as django-environ reads it) for a PostgreSQL settings dict."""
    user = quote(settings_dict["USER"] or "", safe="")
    password = f":{quote(settings_dict['PASSWORD'], safe='')}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{settings_dict['NAME']}"


def _on_server(sql: str) -> None:
    """Run `sql` outside any database (CREATE/DROP DATABASE) on the default one's server."""
    with connections["default"]._nodb_cursor() as cursor:
        cursor.execute(sql)
