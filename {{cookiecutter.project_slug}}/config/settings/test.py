"""Tests: fast password hashing, a known secret, and email to the tests' SMTP server.

The worker processes that tests start (tests/support/workers.py) use them too, pointed
at the test database and SMTP server; pytest's own process keeps its mail in memory.
"""

import os
import tempfile

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "127.0.0.1",
            "port": env.int("SMTP_PORT", default=1025),
            "use_tls": False,
            "timeout": 10,
        },
    },
}

# Serve static files from the apps' folders, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The metrics of a test run in a directory of their own; the worker processes it starts
# find it in their environment (the monitoring app sets it).
PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(
    prefix="metrics-"
)
