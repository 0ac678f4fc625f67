"""Settings of the lab: the baked project's own settings, and what the measurements add.

The lab's process and every worker it starts use these (DJANGO_SETTINGS_MODULE).
What decides the figures - the task backend, the workers' settings (safety-net
poll), connection reuse, SQLite's options, the task log lines - is the
project's, from config/settings/base.py. What the lab adds:

- the database is a throwaway one (databases.py points the connection at it,
  and SQLITE_PATH or DATABASE_URL at it for the processes it starts);
- email goes over SMTP to a server inside the lab's process (LAB_SMTP_PORT);
- the lab's own app (its tasks, its statement counter) and queues, one per
  worker compared, so that each one only ever runs its own tasks;
- on PostgreSQL, when installed (requirements-postgresql.txt), the two
  references: django-task-psql and django-ox, each a task backend of its own
  (django-ox with the lease OX_LOCK_TIMEOUT_SECONDS says why);
- when nox -s bench baked the template with backend=rq too (LAB_RQ_BAKE), the
  RQ bake's backend as a task backend of its own ("rq"), with that bake's RQ
  settings and its own queues in the lab's Redis database (rqbake.py);
- two registration views to compare the project's with (urls.py);
- a fast password hasher (see PASSWORD_HASHERS).
"""

import importlib.util
import warnings

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES, INSTALLED_APPS, LOGGING, TASKS, env

from . import rqbake

DEBUG = False
SECRET_KEY = "lab-only-not-secret"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
ROOT_URLCONF = "benchmarks.urls"

# Registration hashes the password. The project's hasher (PBKDF2) is slow on
# purpose, and every variant of the request would pay it alike, hiding what the
# comparison is about: the email. The lab times PBKDF2 on its own and reports it
# beside the requests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Every registration comes from 127.0.0.1: the limit of mail requests per client
# (accounts/limits.py) would refuse all but the first few.
MAIL_LIMIT_PER_CLIENT = 10**9

# No collectstatic here: WhiteNoise would warn, at every start, that STATIC_ROOT is missing.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

# One queue per worker compared, and one for the throughput's no-op tasks.
LAB_QUEUES = ["lab", "lab-polling", "lab-woken"]
TASKS = {"default": {**TASKS["default"], "QUEUES": [*TASKS["default"]["QUEUES"], *LAB_QUEUES]}}
INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]

POSTGRESQL = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
# django-ox learns that a worker died only when the lease of its task runs out: each worker
# renews the leases of its running tasks every LOCK_TIMEOUT / 3 s (one UPDATE), and a reaper
# looks for expired ones every LOCK_TIMEOUT / 2 s (at least 1 s). Without a lease nothing is
# recovered; with its default, 300 s, a dead worker's task waits minutes. 3 s is one renewal
# a second per running task: the write rate the project's workers paid for their heartbeat
# before they had none, at which this lab's last run compared both. Ours now write nothing
# to stay alive; a shorter lease would buy django-ox speed with more writes still.
OX_LOCK_TIMEOUT_SECONDS = 3.0
REFERENCES = POSTGRESQL and all(
    importlib.util.find_spec(name) for name in ("django_task_psql", "django_ox")
)
if REFERENCES:
    INSTALLED_APPS += ["django_task_psql", "django_ox", "benchmarks.references"]
    TASKS["psql"] = {
        "BACKEND": "django_task_psql.backend.PostgresBackend",
        "QUEUES": ["lab-psql"],
        # The tasks it runs here fail for good at their first error, as ours do.
        "OPTIONS": {"max_attempts": 1},
    }
    TASKS["ox"] = {
        "BACKEND": "django_ox.backend.OxBackend",
        "QUEUES": ["lab-ox"],
        "OPTIONS": {
            "LOCK_TIMEOUT": OX_LOCK_TIMEOUT_SECONDS,
            # A task whose worker died runs again (its second attempt).
            "MAX_ATTEMPTS": 3,
        },
    }
    # Their workers say when they are ready, and django-ox when it reclaims a task.
    LOGGING = {
        **LOGGING,
        "loggers": {
            **LOGGING["loggers"],
            "django_task_psql": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "django_ox": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }

# The RQ backend, from the RQ bake (rqbake.py): the backends measurement compares it with ours.
RQ_BAKE = rqbake.configured()
if RQ_BAKE:
    rqbake.install(RQ_BAKE)
    _rq_settings = rqbake.settings_of(RQ_BAKE)
    RQ = _rq_settings["RQ"]  # its job and worker classes
    RQ_JOB_MONITORING_SECONDS = _rq_settings["RQ_JOB_MONITORING_SECONDS"]
    RQ_MAINTENANCE_SECONDS = _rq_settings["RQ_MAINTENANCE_SECONDS"]
    INSTALLED_APPS += ["django_rq"]
    # One queue for latency and throughput, one per recovery trial (each with two workers).
    RQ_LAB_QUEUES = ["lab-rq", *(f"lab-rq-crash-{n}" for n in range(16))]
    # And "default": the backend reads results through django-rq's default connection.
    RQ_QUEUES = {name: {"URL": rqbake.REDIS_URL} for name in ["default", *RQ_LAB_QUEUES]}
    TASKS["rq"] = {"BACKEND": f"{rqbake.MODULE}.RQBackend", "QUEUES": RQ_LAB_QUEUES}

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "127.0.0.1",
            "port": env.int("LAB_SMTP_PORT", default=1025),
            "use_tls": False,
            "timeout": 10,
        },
    },
}
