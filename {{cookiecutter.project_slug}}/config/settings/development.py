"""Development: debug pages, the debug toolbar, and emails printed to the console."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, MIDDLEWARE, SECURE_CSP, env

DEBUG = True
# A key for this machine only: the post-generation hook wrote a fresh one to .env.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-development-only")
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

# The emails worker prints each message it sends to its own output.
MAILERS = {
    "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"},
}

# https://django-debug-toolbar.readthedocs.io/ (>= 7.1 has a Tasks panel)
INSTALLED_APPS = [*INSTALLED_APPS, "debug_toolbar"]
MIDDLEWARE = ["debug_toolbar.middleware.DebugToolbarMiddleware", *MIDDLEWARE]
INTERNAL_IPS = ["127.0.0.1"]
DEBUG_TOOLBAR_CONFIG = {
    # A tab at the edge: the pages stay readable while their tasks run.
    "SHOW_COLLAPSED": True,
}
# Django's debug pages and the toolbar's panels use inline styles and scripts: the browser's
# console reports what the policy would block, without blocking it (the tests enforce it).
SECURE_CSP_REPORT_ONLY, SECURE_CSP = SECURE_CSP, {}

# Make the monthly report slow enough to watch its progress bar move.
REPORT_SECONDS_PER_DAY = env.float("REPORT_SECONDS_PER_DAY", default=0.2)
