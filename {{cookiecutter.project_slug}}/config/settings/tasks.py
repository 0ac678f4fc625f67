"""Background tasks: where they wait for a worker, and the queues they may use.

https://docs.djangoproject.com/en/6.1/topics/tasks/
"""

# Every queue here needs a worker in the Procfile, or its tasks wait forever.
{%- if cookiecutter.backend == "rq" %}
# On RQ, in Redis: workers/rq.py maps the tasks' policies onto RQ.
TASKS = {
    "default": {
        "BACKEND": "{{ cookiecutter.project_slug }}.workers.rq.RQBackend",
        "QUEUES": ["default", "emails", "reports"],
    }
}
{%- else %}
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "emails", "reports"],
    }
}
{%- endif %}
