"""The lab's tasks (tasks.py), declared on the RQ backend ("rq", settings.py).

A backend runs only the tasks declared on it, so RQ gets its own copy of what
the database backend is measured with; each does exactly what ours does. Only
importable when the lab has the RQ bake (rqbake.py).
"""

from django.tasks import task

from tasks_demo.accounts.tasks import send_welcome_email

from . import tasks


@task(backend="rq", queue_name="lab-rq")
def rq_noop() -> None:
    """As tasks.noop."""


@task(backend="rq", queue_name="lab-rq")
def rq_mark_start(tag: str) -> None:
    """As tasks.mark_start."""
    tasks.mark_start.call(tag)


@task(backend="rq", queue_name="lab-rq")
def rq_send_welcome_email(user_id: int) -> None:
    """The project's welcome email (its body: RQ runs it in a work horse of its own)."""
    send_welcome_email.call(user_id)


@task(backend="rq", queue_name="lab-rq")
def rq_sleep_marked(tag: str, seconds: float) -> None:
    """As tasks.sleep_marked."""
    tasks.sleep_marked.call(tag, seconds)
