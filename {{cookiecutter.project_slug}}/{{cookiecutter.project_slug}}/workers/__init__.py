"""How tasks run: the worker process, and what keeps tasks moving when things fail.

django-tasks-db runs each task once and records how it ended. A worker killed
mid-task leaves its task RUNNING forever, nothing retries a task that failed
for a passing reason, nothing stops a task that hangs, and an idle worker polls
the database. This app's `worker` command (management/commands/worker.py)
extends db_worker with the missing pieces:

- policies.py: a task declares its retry policy and time limit beside it;
- worker.py: the loop that applies them, retrying a task under the same id;
- timelimits.py: stops a task at its time limit;
- wakeup.py: wakes an idle worker when a task is ready, instead of polling;
- heartbeat.py, recovery.py: a dead worker's task runs again within seconds;
- models.py: heartbeats, and every failed attempt of a task;
- taskdb.py: the one module that touches django-tasks-db's internals.

Together they give at-least-once delivery: a task may run twice, never zero
times. Tasks must therefore be safe to run again (see accounts/tasks.py).
"""
