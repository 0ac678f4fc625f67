"""The worker's loop: claim a task, run it within its limits, retry or record it.

django-tasks-db's `db_worker` sleeps between polls and records each task's first outcome.
This loop keeps its claim, its order and its signals, and adds:

- it holds an ownership lock while it lives (ownership.py), and about once a second runs
  the tasks of dead workers again (recovery.py);
- it waits for a wake-up (wakeup.py) instead of sleeping, and looks for tasks anyway every
  `interval` seconds;
- a task runs within its time limit (timelimits.py); one that cannot be loaded fails;
- a failed task whose policy says so (policies.py) goes back to READY with the same id, to
  run again after its backoff; every failed attempt is recorded (models.TaskAttempt);
- every write that ends an attempt is fenced (taskdb.py): a worker that lost its task
  cannot overwrite the next attempt;
- told to stop (SIGTERM, Ctrl+C), it lets the running task finish for WORKER_STOP_GRACE_SECONDS,
  then interrupts it and puts it back to READY; a second signal interrupts it at once.
"""

import inspect
import logging
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, transaction
from django.tasks import TaskContext, TaskResultStatus
from django.tasks.base import TaskError
from django.tasks.signals import task_started
from django.utils import timezone

from . import taskdb
from .models import TaskAttempt
from .ownership import Ownership
from .policies import retry_delay, time_limit_of
from .recovery import recover_dead_workers
from .timelimits import Limits, WorkerStopped
from .wakeup import Wakeup

logger = logging.getLogger(__name__)

RECOVERY_CHECK_SECONDS = 1.0  # how often a worker looks for dead workers' tasks
HEALTH_CHECK_SECONDS = 60.0  # how often an idle worker checks its connection before a claim


class Worker(taskdb.DBWorker):
    """db_worker's worker with the loop above."""

    def __init__(self, *, ownership: Ownership, wakeup: Wakeup, **options: Any) -> None:
        super().__init__(**options)
        self.ownership, self.wakeup = ownership, wakeup
        self.limits = Limits()
        self.due: datetime | None = None  # when the next deferred task may run, if known
        self.next_health_check = 0.0  # time.monotonic() of the next look at the connection

    def run(self) -> None:
        """Run tasks until stopped (or, in batch mode, until none is ready)."""
        logger.info("Starting worker worker_id=%s queues=%s", self.worker_id,
                    ",".join(self.queue_names))  # fmt: skip
        look, next_look, next_check = True, 0.0, 0.0
        while self.running:
            if time.monotonic() >= next_check:
                look = bool(self.idle_query(recover_dead_workers, self.ownership)) or look
                next_check = time.monotonic() + RECOVERY_CHECK_SECONDS
            if look or time.monotonic() >= next_look:
                self.running_task = True  # from the claim on: a signal must not exit mid-way
                claimed = self.claim()
                next_look = time.monotonic() + self.seconds_until_next_look(claimed, woken=look)
                if claimed is not None:
                    self.run_task(claimed)
                self.running_task = False
                done = (self.batch and claimed is None) or self._run_tasks == self.max_tasks
                if done:
                    logger.info("Worker worker_id=%s ran %d task(s): exiting.", self.worker_id,
                                self._run_tasks)  # fmt: skip
                    return
                if claimed is not None:
                    look = True  # look again at once: more may be ready
                    continue
            look = self.wakeup.wait(max(0.0, min(next_look, next_check) - time.monotonic()))

    def seconds_until_next_look(self, claimed: taskdb.TaskRow | None, *, woken: bool) -> float:
        """The poll interval, or less if a deferred task (a retry) is due before then. Only a
        wake-up tells of a new one: a poll reuses what the last wake-up learnt."""
        if claimed is not None:
            return self.interval
        if woken:
            self.due = self.idle_query(taskdb.next_due, self.queue_names,
                                       self.excluded_queue_names, self.backend_name)  # fmt: skip
        if self.due is None:
            return self.interval
        # Never 0: a due task this worker could not claim (taken meanwhile) costs a pause.
        return max(0.01, min(self.interval, (self.due - timezone.now()).total_seconds()))

    def claim(self) -> taskdb.TaskRow | None:
        """Claim the next task; a task readied from now on wakes the next wait."""
        # Replace a connection that aged, once a minute at most: its health check costs a
        # round trip, which an idle worker would otherwise send at every poll.
        if time.monotonic() >= self.next_health_check:
            close_old_connections()
            self.next_health_check = time.monotonic() + HEALTH_CHECK_SECONDS
        self.wakeup.arm()
        return self.idle_query(
            taskdb.claim,
            self.worker_id, self.queue_names, self.excluded_queue_names, self.backend_name,
        )  # fmt: skip

    @staticmethod
    def idle_query[T](query: Callable[..., T], *args: Any) -> T:
        """`query(*args)`, run while no task runs. If the connection broke while the worker
        waited (a server restart, a failover: any of these queries may be the first to meet
        it), it is replaced and the query runs once more; a second failure stops the worker."""
        try:
            return query(*args)
        except DatabaseError:
            close_old_connections()  # closes the broken connection: the next query opens one
            return query(*args)

    def run_task(self, db_task_result: taskdb.TaskRow) -> None:
        """Run one claimed task within its limits; record, retry or requeue it."""
        row = db_task_result
        self.running_task = True
        try:
            task, result = row.task, row.task_result
            context: list[TaskContext]
            context = [TaskContext(task_result=result)] if task.takes_context else []
            task_started.send(sender=type(task.get_backend()), task_result=result)
            value = self.limits.run(
                lambda: task.func(*context, *result.args, **result.kwargs),
                seconds=time_limit_of(task),
                is_async=inspect.iscoroutinefunction(task.func),
            )
            # Inside the try, as db_worker does: a return value JSON cannot hold fails the task.
            taskdb.succeed(row, value)
        except BaseException as error:
            self.record_failure(row, error)
            if isinstance(error, SystemExit | KeyboardInterrupt):
                raise
        finally:
            self.running_task = False
            self._run_tasks += 1

    def record_failure(self, row: taskdb.TaskRow, error: BaseException) -> None:
        """Record the failed attempt; then retry the task later, requeue it, or fail it."""
        with transaction.atomic(using=taskdb.TaskRow.objects.db):
            if taskdb.still_running(row.pk, row.started_at) is None:
                logger.warning("Task id=%s failed (%r) after this worker lost it: not recorded.",
                               row.id, error)  # fmt: skip
                return
            TaskAttempt.record(row, error)
            if isinstance(error, WorkerStopped | SystemExit | KeyboardInterrupt):
                logger.warning("Task id=%s interrupted: READY again for a worker.", row.id)
                taskdb.requeue(row)
                return
            try:
                delay = self.retry_delay(row, error)
            except Exception as load_error:  # the task cannot be loaded: it fails, we go on
                logger.error("Task id=%s cannot run: %r", row.id, load_error)
                taskdb.fail(row, error)
                return
            if delay is None:
                taskdb.fail(row, error)
                return
            attempt = len(row.worker_ids)
            logger.warning("Task id=%s attempt %d failed with %r: attempt %d in %g s.",
                           row.id, attempt, error, attempt + 1, delay)  # fmt: skip
            taskdb.requeue(row, run_after=timezone.now() + timedelta(seconds=delay))

    @staticmethod
    def retry_delay(row: taskdb.TaskRow, error: BaseException) -> float | None:
        """Seconds until the task's next attempt per its policy, or None to fail it now."""
        errors = [TaskError(exception_class_path=TaskAttempt.class_path(error), traceback="")]
        failed = replace(row.task_result, status=TaskResultStatus.FAILED, errors=errors)
        return retry_delay(row.task, error, failed)

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        """First signal: stop taking tasks, and give the running one a grace to finish; a
        second: interrupt it now. Either way it goes back to READY, never counted as lost."""
        name = signal.strsignal(signum)
        if not self.running_task:
            logger.warning("Received %s: stopping.", name)
            self.running = False
            sys.exit(0)
        grace = 0.0 if not self.running else settings.WORKER_STOP_GRACE_SECONDS
        logger.warning("Received %s: the running task has %g s to finish.", name, grace)
        self.running = False
        self.limits.interrupt(after=grace, message=f"The worker received {name}.")
