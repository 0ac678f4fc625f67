"""Settings shared by every environment.

https://docs.djangoproject.com/en/6.1/ref/settings/
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from django.utils.csp import CSP

from .tasks import TASKS as TASKS  # a setting: where tasks wait, the queues they may use

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# .env is one developer's machine (development settings, a local key): only the development
# settings read it, so production and the tests see their own environment and nothing else.
# Values already in the environment win over the file.
if os.environ.get("DJANGO_SETTINGS_MODULE") == "config.settings.development":
    env.read_env(BASE_DIR / ".env")

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = False
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

# Applications
# https://docs.djangoproject.com/en/6.1/ref/applications/
INSTALLED_APPS = [
{%- if cookiecutter.backend == "rq" %}
    # The queues' pages in the admin, /metrics, and the `rqworker` command.
    "django_rq",
{%- else %}
    "django_tasks_db",
    # After django_tasks_db, whose admin of task results it replaces; before the admin,
    # whose index page its own template extends with a link to the queues' dashboard.
    "{{ cookiecutter.project_slug }}.monitoring",
{%- endif %}
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "{{ cookiecutter.project_slug }}.accounts",
    "{{ cookiecutter.project_slug }}.hello",
    "{{ cookiecutter.project_slug }}.reports",
    "{{ cookiecutter.project_slug }}.scheduling",
    "{{ cookiecutter.project_slug }}.taskstatus",
{%- if cookiecutter.backend == "database" %}
    "{{ cookiecutter.project_slug }}.workers",
{%- endif %}
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(), for the admin
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last: it answers a locked-out login with the lockout page (django-axes).
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy: the pages load scripts, styles and images from the site only, and
# no inline script or style runs (the templates have none; the status page's script is a file).
# https://docs.djangoproject.com/en/6.1/ref/csp/
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "{{ cookiecutter.project_slug }}" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database
# https://docs.djangoproject.com/en/6.1/ref/databases/
{%- if cookiecutter.database == "sqlite" %}
# The web server and several workers write to this file at once. SQLite's
# defaults make many of those writes fail with "database is locked":
# - transaction_mode IMMEDIATE takes the write lock when a transaction starts,
#   so a writer waits (up to `timeout` seconds) instead of failing midway;
# - WAL lets readers (pages, the workers' wake-up checks) run while someone writes.
DATABASES: dict[str, dict[str, Any]] = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": Path(env("SQLITE_PATH", default=BASE_DIR / "db.sqlite3")),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}
{%- else %}
DATABASES: dict[str, dict[str, Any]] = {
    "default": env.db(
        "DATABASE_URL",
        default="postgres://postgres@127.0.0.1:5432/{{ cookiecutter.project_slug }}",
    )
}
{%- endif %}
# Keep connections open between requests and a worker's polls (with 0, a worker
# reconnects for every task: see the docs' benchmarks page); health checks replace
# a connection the server dropped instead of failing the next query.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background tasks: TASKS is in tasks.py; here, what runs them.
{%- if cookiecutter.backend == "rq" %}
# https://github.com/rq/django-rq
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
RQ_QUEUES = {name: {"URL": REDIS_URL} for name in TASKS["default"]["QUEUES"]}
# Any `rqworker` runs the jobs as the backend made them (the Procfile names them too).
RQ = {
    "JOB_CLASS": "{{ cookiecutter.project_slug }}.workers.rq.Job",
    "WORKER_CLASS": "{{ cookiecutter.project_slug }}.workers.rq.RQWorker",
}
# A worker that died whole (SIGKILL, a lost machine) leaves its job "started" until the job's
# heartbeat lapses, RQ_JOB_MONITORING_SECONDS + 60 s (RQ's own margin), and the next worker
# maintenance, every RQ_MAINTENANCE_SECONDS to twice that, runs it again: 75 to 85 s after its
# death by default. A killed work horse is seen by its worker at once.
RQ_JOB_MONITORING_SECONDS = env.int("RQ_JOB_MONITORING_SECONDS", default=5)
RQ_MAINTENANCE_SECONDS = env.int("RQ_MAINTENANCE_SECONDS", default=10)

# Monitoring: django-rq's pages in the admin (admin/queues/), and its Prometheus metrics at
# /metrics, which answer only a request with "Authorization: Bearer <METRICS_TOKEN>".
METRICS_TOKEN = env("METRICS_TOKEN", default="")
RQ_API_TOKEN = METRICS_TOKEN
{%- else %}
# The workers (`python -m manage worker`, the workers app)
# A worker owns its running task by a lock that dies with it ({% if cookiecutter.database == "postgresql" %}a PostgreSQL advisory lock{% else %}a file lock{% endif %}):
# another worker runs the task again within a second of its death, never before.
{%- if cookiecutter.database == "postgresql" %}
# A worker whose host stops answering loses its lock (and its task) after this long
# (TCP keepalive on its session, both ends).
WORKER_UNREACHABLE_AFTER_SECONDS = env.float("WORKER_UNREACHABLE_AFTER_SECONDS", default=10.0)
# An idle worker is woken when a task is ready (LISTEN/NOTIFY); it also looks for one this
# often, in case notifications stop arriving: a silent listener costs what db_worker's
# default polling does.
WORKER_POLL_SECONDS = env.float("WORKER_POLL_SECONDS", default=1.0)
{%- else %}
# An idle worker is woken when another process commits; it also looks for a task this often.
WORKER_POLL_SECONDS = env.float("WORKER_POLL_SECONDS", default=10.0)
{%- endif %}
# Told to stop (SIGTERM, Ctrl+C), a worker lets its task run this long, then puts it back to
# READY and exits. Keep it well below the supervisor's wait before SIGKILL: honcho 5 s, systemd's
# TimeoutStopSec 90 s, Kubernetes' terminationGracePeriodSeconds 30 s.
WORKER_STOP_GRACE_SECONDS = env.float("WORKER_STOP_GRACE_SECONDS", default=3.0)
{%- endif %}
# How long a task may run unless it declares its own @time_limit.
TASK_TIME_LIMIT_SECONDS = env.float("TASK_TIME_LIMIT_SECONDS", default=300.0)

{%- if cookiecutter.backend == "database" %}

# Monitoring (the monitoring app): the staff dashboard and Prometheus metrics
# /metrics answers only a request with "Authorization: Bearer <METRICS_TOKEN>";
# with no token set, it refuses every request.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
# Every process (the site's, each worker's) writes its counters to files here, and
# /metrics adds them up (prometheus-client's multiprocess mode): one directory per machine.
PROMETHEUS_MULTIPROC_DIR = env.path(
    "PROMETHEUS_MULTIPROC_DIR", default=BASE_DIR / "var" / "metrics"
)
{%- endif %}

# Email
# https://docs.djangoproject.com/en/6.1/topics/email/
# Each environment defines MAILERS["default"]; development prints to the console.
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default={{ cookiecutter.author_email | tojson }})
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A welcome email the mail server could not take (unreachable, or "try again
# later") is retried after each of these delays in seconds, then given up on
# (see accounts/tasks.py).
EMAIL_RETRY_DELAYS = env.list("EMAIL_RETRY_DELAYS", cast=float, default=[60, 300, 900, 3600])

# Authentication
# https://docs.djangoproject.com/en/6.1/topics/auth/customizing/
AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out login before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Logins and mail abuse
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
# After AXES_FAILURE_LIMIT failed logins in a row from one client, or to one
# account, both are refused (429, registration/locked_out.html), the admin's login
# included, until LOGIN_LOCKOUT_MINUTES after the last failure, or until an operator
# runs `python -m manage axes_reset` (or axes_reset_username, axes_reset_ip).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
LOGIN_LOCKOUT_MINUTES = env.float("LOGIN_LOCKOUT_MINUTES", default=15)
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_USERNAME_FORM_FIELD = "username"  # the login forms' name for the email field
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "{{ cookiecutter.project_slug }}.accounts.clients.client_address"
AXES_DISABLE_ACCESS_LOG = True  # failed logins count; successful ones are not kept
# How many proxies in front of the site append the client's address to
# X-Forwarded-For: 0 if clients connect directly, 1 behind nginx or Caddy. The
# limits count per client: behind a proxy, REMOTE_ADDR is the proxy's.
PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)
# Staff sign in to the admin with a one-time password too (django-otp, from an
# authenticator app) when this is on (accounts/admin_site.py).
# https://django-otp-official.readthedocs.io/
ADMIN_REQUIRES_OTP = env.bool("ADMIN_REQUIRES_OTP", default=False)
OTP_TOTP_ISSUER = {{ cookiecutter.project_name | tojson }}  # the name authenticator apps show
# Registration and password reset send mail. Each client may ask for either
# MAIL_LIMIT_PER_CLIENT times, and each address be sent it MAIL_LIMIT_PER_ADDRESS
# times, per MAIL_LIMIT_WINDOW_SECONDS; past that the form answers 429, "try again
# later" (accounts/limits.py).
MAIL_LIMIT_PER_CLIENT = env.int("MAIL_LIMIT_PER_CLIENT", default=10)
MAIL_LIMIT_PER_ADDRESS = env.int("MAIL_LIMIT_PER_ADDRESS", default=3)
MAIL_LIMIT_WINDOW_SECONDS = env.int("MAIL_LIMIT_WINDOW_SECONDS", default=3600)

# Internationalization
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files, served by WhiteNoise in every environment.
# https://whitenoise.readthedocs.io/
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "{{ cookiecutter.project_slug }}" / "static"]

# Logging
# https://docs.djangoproject.com/en/6.1/topics/logging/
# django.tasks logs each task's start and finish at INFO (a failure at ERROR, with its
# traceback); its enqueue line is DEBUG, so INFO leaves it out.
# Without a handler those lines vanish when DEBUG is off; give them one.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # Django's own "django" logger is replaced: it would print every line twice. The
        # project's logs workers starting, tasks retried, recovered or stopped.
        name: {"handlers": ["console"], "level": "INFO", "propagate": False}
        for name in ["django", "django.tasks", {% if cookiecutter.backend == "rq" %}"rq.worker"{% else %}"django_tasks_db"{% endif %}, "{{ cookiecutter.project_slug }}"]
    },
}

# Monthly reports: seconds of simulated work per day of the month, so the
# progress bar has something to show. 0 in production.
REPORT_SECONDS_PER_DAY = env.float("REPORT_SECONDS_PER_DAY", default=0.0)
# A user may request this many reports an hour, so that nobody fills the reports
# queue (asking again for a report still in flight shows it, and does not count).
REPORTS_PER_USER_PER_HOUR = env.int("REPORTS_PER_USER_PER_HOUR", default=10)

# The scheduler (`python -m manage scheduler`, the scheduling app)
# https://django-crontask.readthedocs.io/
# Tasks declared with @cron are enqueued at these times, in TIME_ZONE: a crontab,
# optionally with a seconds field first, days of the week by name (Mon-Sun). A
# tick missed while no scheduler ran is made up once when one starts.
MONTHLY_REPORT_CRON = env("MONTHLY_REPORT_CRON", default="0 3 1 * *")
TASK_RESULTS_PRUNE_CRON = env("TASK_RESULTS_PRUNE_CRON", default="30 2 * * *")
# Task results finished more days ago than this are pruned, with the project's rows about them.
TASK_RESULTS_MAX_AGE_DAYS = env.int("TASK_RESULTS_MAX_AGE_DAYS", default=14)
# Expired sessions are deleted (Django's clearsessions) at this time every night.
SESSIONS_CLEAR_CRON = env("SESSIONS_CLEAR_CRON", default="15 2 * * *")
# One scheduler per database: it holds a lease of LOCK_TIMEOUT seconds, renewed
# every LOCK_REFRESH_INTERVAL; another is a standby that waits for it (a crashed
# one's runs out) up to LOCK_BLOCKING_TIMEOUT seconds, by default for ever.
CRONTASK = {
    "LOCK_TIMEOUT": env.float("CRONTASK_LOCK_TIMEOUT", default=10.0),
    "LOCK_REFRESH_INTERVAL": env.float("CRONTASK_LOCK_REFRESH_INTERVAL", default=5.0),
    "LOCK_BLOCKING_TIMEOUT": env.float("CRONTASK_LOCK_BLOCKING_TIMEOUT", default=float("inf")),
}
