"""Settings of the benchmarks: the project's own settings, on a throwaway database.

The benchmark process and the db_worker processes it starts both use these.
What decides the numbers - connection reuse (CONN_MAX_AGE, read from the
environment by base.py), SQLite's options, the task backend, the logging of
each task - is the project's, from config/settings/base.py. What changes:

- the database, one the benchmark creates and drops (`bench/databases.py`);
- email goes over SMTP to a server inside the benchmark process;
- a `bench` queue for the no-op tasks of the throughput measurement;
- bench/urls.py adds the two registration views the enqueueing one is compared with;
- a fast password hasher (see PASSWORD_HASHERS).
"""

import warnings

import environ

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES as PROJECT_DATABASES
from config.settings.base import TASKS, env

DEBUG = False
SECRET_KEY = "bench-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"

# Registration hashes the password. The project's hasher (PBKDF2) is slow on
# purpose, and every variant of the request would pay it alike, hiding what the
# comparison is about: the email. The benchmark measures PBKDF2 on its own and
# reports it beside the requests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The SQLite options of a SQLite bake (config/settings/base.py), so that a
# PostgreSQL bake compares itself with the same SQLite setup.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
ENGINE = env("BENCH_DATABASE", default="sqlite")
NAME = env("BENCH_DATABASE_NAME", default="bench.sqlite3")
project_database = PROJECT_DATABASES["default"]
if ENGINE == "sqlite":
    database = {"ENGINE": "django.db.backends.sqlite3", "OPTIONS": SQLITE_OPTIONS}
    if project_database["ENGINE"] == "django.db.backends.sqlite3":
        database = {**project_database}
else:
    database = environ.Env.db_url_config(
        env("BENCH_POSTGRES_URL", default="postgres://postgres@127.0.0.1:5432/postgres")
    )
DATABASES = {
    "default": {
        **database,
        "NAME": NAME,
        "CONN_MAX_AGE": project_database["CONN_MAX_AGE"],
        # The throughput measurement turns them off once, to show what they cost.
        "CONN_HEALTH_CHECKS": env.bool(
            "BENCH_CONN_HEALTH_CHECKS", default=project_database["CONN_HEALTH_CHECKS"]
        ),
    }
}

# No collectstatic here: WhiteNoise would warn, at every start, that STATIC_ROOT is missing.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

TASKS = {"default": {**TASKS["default"], "QUEUES": [*TASKS["default"]["QUEUES"], "bench"]}}

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env("BENCH_SMTP_HOST", default="127.0.0.1"),
            "port": env.int("BENCH_SMTP_PORT", default=1025),
            "use_tls": False,
            "timeout": 10,
        },
    },
}
