"""NOTIFY the workers whenever a task becomes READY (see workers/wakeup.py).

A trigger, not Python code in the enqueueing process: it fires for every way a
row becomes READY (enqueue, a retry, a crash recovered, a row written by hand),
and its notification is sent only when that transaction commits.
"""

from django.db import migrations

# django-tasks-db's table, as workers/taskdb.py's TaskRow maps it.
TABLE = "django_tasks_database_dbtaskresult"

NOTIFY_READY = f"""
CREATE FUNCTION workers_notify_ready_task() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('django_tasks', NEW.queue_name);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER workers_notify_ready_task
    AFTER INSERT OR UPDATE OF status ON {TABLE}
    FOR EACH ROW WHEN (NEW.status = 'READY')
    EXECUTE FUNCTION workers_notify_ready_task();
"""

DROP = f"""
DROP TRIGGER IF EXISTS workers_notify_ready_task ON {TABLE};
DROP FUNCTION IF EXISTS workers_notify_ready_task();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("workers", "0001_initial"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunSQL(NOTIFY_READY, reverse_sql=DROP)]
