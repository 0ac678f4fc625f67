"""Tests: fast password hashing, a known secret, and email to the tests' SMTP server.

The worker processes that tests start (tests/support/workers.py) use them too, pointed
at the test database and SMTP server; pytest's own process keeps its mail in memory.
"""

{% if cookiecutter.backend == "database" -%}
import os
import tempfile

{% endif -%}
from .base import *  # noqa: F403
from .base import {% if cookiecutter.backend == "rq" %}TASKS, {% endif %}env

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
{%- if cookiecutter.backend == "rq" %}

# A Redis database of the tests' own, emptied when they start (tests/support/queues.py); the
# worker processes they start find it in their environment. Parallel test runs need one each.
REDIS_URL = env("TEST_REDIS_URL", default="redis://127.0.0.1:6379/1")
RQ_QUEUES = {name: {"URL": REDIS_URL} for name in TASKS["default"]["QUEUES"]}
{%- else %}

# The metrics of a test run in a directory of their own; the worker processes it starts
# find it in their environment (the monitoring app sets it).
PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(
    prefix="metrics-"
)
{%- endif %}
