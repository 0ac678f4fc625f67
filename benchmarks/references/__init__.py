"""The references the project's workers are measured against, on PostgreSQL only.

- django-task-psql: a PostgreSQL task backend whose worker waits on LISTEN/NOTIFY;
- django-ox: a database task backend whose workers hold a lease on each running
  task, renew it, and reclaim a task whose lease ran out (its worker died).

Each is a task backend of its own (settings.TASKS "psql" and "ox"), with its own
table and its own worker command; installed only in the lab's environment
(requirements-postgresql.txt), never in a baked project.
"""
