"""A db_worker run inside a transaction loses its database connection.

The worker calls close_old_connections() on every loop, and Django closes a
connection whose autocommit state is not the configured one: inside atomic(),
which is where every `django_db` test without `transaction=True` runs. Run
workers in tests marked `@pytest.mark.django_db(transaction=True)`.
"""

import pytest
from django.db import DatabaseError, connection, transaction

from tasks_demo.hello.tasks import say_hello

from .test_tasks_framework import run_worker


@pytest.mark.django_db(transaction=True)
def test_a_worker_inside_atomic_loses_the_connection():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("Django never closes an in-memory SQLite database, the test default")

    # PostgreSQL raises OperationalError, a SQLite file ProgrammingError: both say "closed".
    with pytest.raises(DatabaseError, match="closed"), transaction.atomic():
        say_hello.enqueue("Ada")
        run_worker()


@pytest.mark.django_db(transaction=True)
def test_a_worker_outside_any_transaction_runs_the_task():
    result = say_hello.enqueue("Ada")
    run_worker()
    result.refresh()
    assert result.status == "SUCCESSFUL"
