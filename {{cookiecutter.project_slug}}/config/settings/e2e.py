"""End-to-end tests: the settings of the db_worker processes the tests start.

pytest runs with the test settings and creates the test database; the workers
it starts (see tests/e2e/conftest.py) must use that same database, and send
their email to the SMTP server inside the test process. Both are given in the
environment. Unlike the test process, whose mail Django's test runner keeps in
memory, these processes send real SMTP.
"""

from .test import *  # noqa: F403
from .test import DATABASES, env

# The test database pytest created: a file for SQLite (an in-memory database
# would be invisible to other processes), test_<name> for PostgreSQL.
DATABASES["default"]["NAME"] = env("E2E_DATABASE_NAME")

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env("SMTP_HOST"),
            "port": env.int("SMTP_PORT"),
            "use_tls": False,
            "timeout": env.int("SMTP_TIMEOUT", default=10),
        },
    },
}

# A month's report takes about 3 s: long enough to watch its progress bar and to
# prove that welcome emails do not wait behind it.
REPORT_SECONDS_PER_DAY = env.float("REPORT_SECONDS_PER_DAY", default=0.1)
