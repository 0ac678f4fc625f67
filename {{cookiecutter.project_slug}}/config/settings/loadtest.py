"""Production settings for the load test, with one change: a fast password hasher.

Production hashes each new password with PBKDF2, on purpose slowly: about 0.75 s
of CPU on a small CI machine. A load test of registrations would then measure
little but that, at about two registrations a second, while what it is for is
the rest: concurrent writes to the database from the web server and the
workers, and every welcome email sent exactly once. Everything else is
production's, configured from the environment. (`LOAD_SETTINGS=config.settings.production`
runs the load test with production's hasher.)
"""

from .production import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
