"""Indexes on django-tasks-db's table that keep the dashboard and /metrics fast on a big table.

- Unfinished tasks by queue and status: the per-queue READY and RUNNING counts and the oldest
  READY task read a few index entries, not every finished row. Partial: a task leaves it
  when it finishes.
- Finished tasks by finish time: "failed in the last 24 h" and the per-minute chart read
  the window only. Partial: a READY task (no finish time yet) costs it nothing at enqueue.

The benchmarks page gives what they cost per enqueue. The SQL is the same on either database;
the table is django-tasks-db's, so its own migrations do not know them.
"""

from django.db import migrations

TABLE = "django_tasks_database_dbtaskresult"


class Migration(migrations.Migration):
    dependencies = [("django_tasks_database", "0021_conditional_partial_index_ordering")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX monitoring_unfinished_idx ON {TABLE} (queue_name, status, enqueued_at)"
            " WHERE status IN ('READY', 'RUNNING')",
            "DROP INDEX monitoring_unfinished_idx",
        ),
        migrations.RunSQL(
            f"CREATE INDEX monitoring_finished_idx ON {TABLE} (finished_at, queue_name, status)"
            " WHERE finished_at IS NOT NULL",
            "DROP INDEX monitoring_finished_idx",
        ),
    ]
