"""The tutorial's first task: enqueue it from `python -m manage shell`."""

from django.tasks import task


@task
def say_hello(name: str) -> str:
    """Return a greeting; runs on the `default` queue."""
    return f"Hello, {name}!"
