"""gunicorn's settings, read by the Procfile's web line (`gunicorn -c config/gunicorn.py`).

https://docs.gunicorn.org/en/stable/settings.html
"""

import re

from gunicorn.glogging import Logger

# Threads, not sync workers: a client that sends its request slowly holds one thread, not a
# whole process, so a few slow clients cannot stall the site (tests/test_slow_clients.py).
worker_class = "gthread"
workers = 2
threads = 8
# An access log line per request, to standard output.
accesslog = "-"
# gunicorn's control socket is one per user ($HOME/.gunicorn): two sites would share it.
control_socket_disable = True

# A password-reset link's path holds the token that sets the password: keep it out of the log.
RESET_TOKEN = re.compile(r"(/reset/[^/\s?\"]+/)(?!set-password/)[^/\s?\"]+")


class RedactingLogger(Logger):
    """gunicorn's logger, with password-reset tokens replaced wherever a line would show them
    (the request line, the path, the Referer of the page after)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: RESET_TOKEN.sub(r"\1<token>", value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }


logger_class = RedactingLogger
