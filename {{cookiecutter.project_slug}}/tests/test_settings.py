"""Invariants between the tasks, the TASKS setting and the Procfile: a task whose queue is not
in QUEUES cannot be imported; a queue without a worker keeps its tasks READY forever, silently."""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.tasks import Task
from django.utils.module_loading import module_has_submodule

from .support import procfile


def project_tasks() -> list[Task]:
    """Every task defined in a `tasks` module of the project's apps."""
    tasks = []
    for app in apps.get_app_configs():
        in_project = app.name.startswith("{{ cookiecutter.project_slug }}.")
        if in_project and module_has_submodule(app.module, "tasks"):
            module = import_module(f"{app.name}.tasks")
            tasks += [value for value in vars(module).values() if isinstance(value, Task)]
    return tasks


def test_the_project_defines_the_tasks_the_tutorial_uses():
    names = {task.name for task in project_tasks()}
    assert {"send_welcome_email", "generate_monthly_report", "say_hello"} <= names


def test_every_task_queue_is_declared_in_tasks_queues():
    queues = settings.TASKS["default"]["QUEUES"]
    assert {task.queue_name for task in project_tasks()} <= set(queues)


def test_every_queue_has_exactly_one_dedicated_worker_in_the_procfile():
    served = [queue for line in procfile.workers().values() for queue in line.queues]
    assert sorted(served) == sorted(settings.TASKS["default"]["QUEUES"])
    assert "*" not in served


def test_welcome_emails_outrank_reports():
    by_name = {task.name: task for task in project_tasks()}
    assert by_name["send_welcome_email"].priority > by_name["generate_monthly_report"].priority


{% if cookiecutter.backend == "rq" -%}
def test_workers_run_the_backends_jobs_and_the_retries_when_due():
    job, worker = settings.RQ["JOB_CLASS"], settings.RQ["WORKER_CLASS"]
    for line in procfile.workers().values():  # plain RQ jobs fail: "'Task' is not callable"
        assert f"--job-class {job} --worker-class {worker}" in line.command
        assert "--with-scheduler" in line.command  # retries wait in RQ's scheduled registry
{% else -%}
def test_workers_have_unique_meaningful_ids():
    for name, line in procfile.workers().items():
        assert f'--worker-id "{name}@$(hostname)"' in line.command
{% endif %}

def test_task_lifecycles_are_logged_and_connections_reused_between_polls():
    assert settings.DEBUG is False and settings.LOGGING["loggers"]["django.tasks"]["handlers"]
    database = settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] > 0 and database["CONN_HEALTH_CHECKS"] is True


{% if cookiecutter.backend == "rq" -%}
def test_a_dead_workers_job_runs_again_within_a_stated_time():
    # Its heartbeat lapses (RQ adds 60 s), then the next maintenance recovers it
    # (workers/tests/test_rq_recovery.py measures it).
    lapse = settings.RQ_JOB_MONITORING_SECONDS + 60 + 2 * settings.RQ_MAINTENANCE_SECONDS
    assert lapse <= 90
{%- else -%}
def test_a_stopped_worker_gives_its_task_back_before_honcho_kills_it():
    # honcho sends SIGKILL 5 s after SIGTERM; the grace leaves the worker 2 s to requeue and exit.
    assert settings.WORKER_STOP_GRACE_SECONDS <= 3
{%- endif %}
{%- if cookiecutter.database == "postgresql" %}


def test_a_silent_wakeup_costs_no_more_than_db_workers_default_polling():
    # A pooler or a half-open connection can stop notifications without an error.
    assert settings.WORKER_POLL_SECONDS <= 1
    # A worker's host that stops answering gives its tasks up within ten seconds.
    assert settings.WORKER_UNREACHABLE_AFTER_SECONDS <= 10
{%- endif %}


def test_one_scheduler_renews_its_lease_in_time_and_a_second_outwaits_a_crashed_one():
    lock = settings.CRONTASK
    assert lock["LOCK_REFRESH_INTERVAL"] < lock["LOCK_TIMEOUT"] < lock["LOCK_BLOCKING_TIMEOUT"]
    [scheduler] = [line for line in procfile.processes().values() if " scheduler" in line.command]
    assert "--no-heartbeat" in scheduler.command  # no crontask heartbeat task every minute
