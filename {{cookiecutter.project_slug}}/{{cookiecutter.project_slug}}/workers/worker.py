"""The worker's loop: claim a task, run it within its time limit, retry or record it.

django-tasks-db's `db_worker` sleeps between polls and records each task's first
outcome. This loop keeps its claim, its order and its graceful SIGTERM, and adds:

- it waits for a wake-up (wakeup.py) instead of sleeping, and looks for tasks
  anyway every `interval` seconds, or when a deferred task becomes due;
- a task runs within its time limit (timelimits.py);
- a failed task whose policy says so (policies.py) goes back to READY with the
  same id, to run again after its backoff; every failed attempt is recorded
  (models.TaskAttempt), the last one also as the task's own error;
- a worker stopped by force (a second SIGTERM or Ctrl+C) puts its task back to
  READY for another worker, instead of leaving it half done.
"""

import logging
import time
from dataclasses import replace
from datetime import timedelta
from typing import Any

from django.db import DatabaseError, close_old_connections
from django.tasks import TaskContext, TaskResultStatus
from django.tasks.base import TaskError
from django.tasks.signals import task_started
from django.utils import timezone

from . import taskdb
from .models import TaskAttempt
from .policies import retry_delay, time_limit_of
from .timelimits import deadline
from .wakeup import Wakeup

logger = logging.getLogger(__name__)


class Worker(taskdb.DBWorker):
    """db_worker's worker with the loop above; `wakeup` tells it when to look for tasks."""

    def __init__(self, *, wakeup: Wakeup, **options: Any) -> None:
        super().__init__(**options)
        self.wakeup = wakeup
        # While a task runs: when (time.monotonic()) its time limit is up.
        self.task_deadline: float | None = None

    def run(self) -> None:
        """Run tasks until stopped (or, in batch mode, until none is ready)."""
        queues = ",".join(self.queue_names)
        logger.info("Starting worker worker_id=%s queues=%s", self.worker_id, queues)
        woken = False
        while self.running:
            # Replace a connection the database dropped or that aged; not when woken for a
            # task: its health check would cost a round trip before the claim.
            if not woken:
                close_old_connections()
            try:
                claimed = taskdb.claim(
                    self.worker_id, self.queue_names, self.excluded_queue_names, self.backend_name
                )
            except DatabaseError:
                if not woken:
                    raise
                woken = False  # the connection broke while the worker waited: check, retry
                continue
            if claimed is not None:
                self.run_task(claimed)
            done = (self.batch and claimed is None) or self._run_tasks == self.max_tasks
            if done:
                logger.info("Worker worker_id=%s ran %d task(s): exiting.", self.worker_id,
                            self._run_tasks)  # fmt: skip
                return
            woken = claimed is None and self.wakeup.wait(self.seconds_until_next_look())

    def seconds_until_next_look(self) -> float:
        """The poll interval, or less if a deferred task is due before then."""
        due = taskdb.next_due(self.queue_names, self.backend_name)
        if due is None:
            return self.interval
        return max(0.0, min(self.interval, (due - timezone.now()).total_seconds()))

    def run_task(self, db_task_result: taskdb.TaskRow) -> None:
        """Run one claimed task within its time limit; record, retry or requeue it."""
        row = db_task_result
        self.running_task = True
        try:
            task, result = row.task, row.task_result
            context: list[TaskContext]
            context = [TaskContext(task_result=result)] if task.takes_context else []
            limit = time_limit_of(task)
            task_started.send(sender=type(task.get_backend()), task_result=result)
            self.task_deadline = time.monotonic() + limit
            with deadline(limit):
                value = task.call(*context, *result.args, **result.kwargs)
            self.task_deadline = None
            # Inside the try, as db_worker does: a return value JSON cannot hold fails the task.
            taskdb.succeed(row, value)
        except BaseException as error:
            self.task_deadline = None
            self.record_failure(row, error)
            if isinstance(error, SystemExit | KeyboardInterrupt):
                raise
        finally:
            self.running_task = False
            self._run_tasks += 1

    def record_failure(self, row: taskdb.TaskRow, error: BaseException) -> None:
        """Record the failed attempt; then retry the task later, requeue it, or fail it."""
        TaskAttempt.record(row, error)
        if isinstance(error, SystemExit | KeyboardInterrupt):
            # This worker is being stopped by force; the task did nothing wrong.
            logger.warning("Task id=%s interrupted: READY again for another worker.", row.id)
            taskdb.requeue(row)
            return
        errors = [TaskError(exception_class_path=TaskAttempt.class_path(error), traceback="")]
        failed = replace(row.task_result, status=TaskResultStatus.FAILED, errors=errors)
        delay = retry_delay(row.task, error, failed)
        if delay is None:
            taskdb.fail(row, error)
            return
        logger.warning("Task id=%s attempt %d failed with %r: attempt %d in %g s.",
                       row.id, failed.attempts, error, failed.attempts + 1, delay)  # fmt: skip
        taskdb.requeue(row, run_after=timezone.now() + timedelta(seconds=delay))
