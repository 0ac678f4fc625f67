"""What keeps tasks moving when a worker, the mail server or the database fails.

django-tasks-db runs each task once and records how it ended, nothing more: a
worker killed mid-task leaves its task RUNNING forever, and nothing retries a
task that failed for a passing reason. This app adds the missing pieces:

- heartbeat.py: each worker, started with `heartbeat_db_worker`, tells the
  database every few seconds that it is alive;
- recovery.py: a RUNNING task whose worker stopped beating is run again (or,
  after too many lost workers, marked FAILED);
- retries.py: a task can schedule its own retry, and the status page follows it.

Together they give at-least-once delivery: a task may run twice, never zero
times. Tasks must therefore be safe to run again (see accounts/tasks.py).
"""
