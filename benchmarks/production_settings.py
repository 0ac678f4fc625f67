"""Production's settings, but for a fast password hasher: the load test's site and workers.

Production hashes every new password with PBKDF2, slowly on purpose: a load
test of registrations would measure little else. Run `python -m benchmarks load
--settings config.settings.production` to keep it.
"""

from config.settings.production import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Every visitor of the load test comes from 127.0.0.1: the limit of mail requests per
# client (accounts/limits.py) would refuse all but the first few registrations.
MAIL_LIMIT_PER_CLIENT = 10**9
