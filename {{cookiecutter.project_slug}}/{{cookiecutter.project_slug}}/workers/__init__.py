{%- if cookiecutter.backend == "rq" -%}
"""How tasks run: on RQ's workers (`python -m manage rqworker`), with the tasks' policies.

policies.py declares retries and time limits beside each task; rq.py is the `django.tasks`
backend that maps them onto RQ. Delivery is at least once: a task may run twice, never zero
times, so tasks must be safe to run again (see accounts/tasks.py).
"""
{%- else -%}
"""How tasks run: the `worker` command, and what keeps tasks moving when things fail.

Retries, time limits, wake-ups and crash recovery, added to django-tasks-db's
db_worker, one module each. Delivery is at least once: a task may run twice,
never zero times, so tasks must be safe to run again (see accounts/tasks.py).
"""
{%- endif %}
