"""A database for one benchmark run: a temporary SQLite file, or a PostgreSQL database.

The benchmark never touches the project's own database. PostgreSQL's is created
on the server at BENCH_POSTGRES_URL (a maintenance database such as `postgres`)
and dropped at the end, even when the run fails.
"""

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
ENGINES = ("sqlite", "postgresql")


@dataclass(frozen=True)
class BenchDatabase:
    engine: str
    name: str
    postgres_url: str

    def environ(self) -> dict[str, str]:
        """What bench/settings.py reads to open this database."""
        return {
            "BENCH_DATABASE": self.engine,
            "BENCH_DATABASE_NAME": self.name,
            "BENCH_POSTGRES_URL": self.postgres_url,
        }


def postgres_unavailable(url: str) -> str | None:
    """Why PostgreSQL cannot be benchmarked at `url`, or None if it can."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (uv sync --group bench)"
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error as error:
        return f"cannot connect to {url}: {str(error).strip()}"
    return None


def admin_connection(url: str):
    """An autocommit connection to the maintenance database, for CREATE/DROP and statistics."""
    import psycopg

    return psycopg.connect(url, autocommit=True)


@contextmanager
def throwaway_database(engine: str, postgres_url: str, slug: str) -> Iterator[BenchDatabase]:
    """A new, empty database of `engine` for the duration of the block."""
    if engine == "sqlite":
        directory = Path(tempfile.mkdtemp(prefix="bench-sqlite-"))
        try:
            yield BenchDatabase(engine, str(directory / "bench.sqlite3"), postgres_url)
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        return
    # The process id keeps two runs on one server (two checkouts, CI jobs) apart.
    name = f"bench_{slug}_{os.getpid()}"
    with admin_connection(postgres_url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield BenchDatabase(engine, name, postgres_url)
    finally:
        with admin_connection(postgres_url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
