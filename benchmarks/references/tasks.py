"""The lab's tasks (tasks.py), declared on the references' backends.

A backend runs only the tasks declared on it, so each reference gets its own
copy of what it is measured with; each does exactly what ours does.
"""

from django.tasks import task

from tasks_demo.accounts.tasks import send_welcome_email

from .. import tasks


@task(backend="psql", queue_name="lab-psql")
def psql_mark_start(tag: str) -> None:
    """As tasks.mark_start."""
    tasks.mark_start.call(tag)


@task(backend="psql", queue_name="lab-psql")
def psql_send_welcome_email(user_id: int) -> None:
    """The project's welcome email (its body, without the project's retry policy)."""
    send_welcome_email.call(user_id)


@task(backend="ox", queue_name="lab-ox")
def ox_sleep_marked(tag: str, seconds: float) -> None:
    """As tasks.sleep_marked."""
    tasks.sleep_marked.call(tag, seconds)
