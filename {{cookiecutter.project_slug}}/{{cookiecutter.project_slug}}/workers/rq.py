"""Tasks on Redis: a `django.tasks` backend for RQ that applies the tasks' policies.

Why not django-tasks-rq's own RQBackend: version 0.12 is written for the django-tasks
backport, not Django 6.1's `django.tasks`. Its results are the backport's TaskResult (so
`Task.get_result()` and the status page get objects of another class), it sends the backport's
signals (Django's task lifecycle log lines never appear), refuses any priority but the default,
keeps a result for RQ's default 500 s (the status page of an older task answers 404), and
ignores retries and time limits. This module keeps what it does well, its `Job` (what
`rqworker --job-class` is given) and django-rq's queues, and maps the project's policies
(policies.py) onto RQ's own mechanisms, here and nowhere else:

- retries: every job carries RQ's `Retry`. When an attempt fails, `attempt_failed` asks the
  task's backoff, with the real error and result, for the delay RQ's retry waits (RQ's own
  intervals are fixed when a job is enqueued; a backoff decides per error: None gives up);
- time limit: RQ's `job_timeout`; the work horse's parent kills a horse that outlives it;
- results: RQ keeps a job and its results (`result_ttl`, `failure_ttl`) for
  TASK_RESULTS_MAX_AGE_DAYS, the retention the database backend's pruning uses;
- priority: RQ has none within a queue (first in, first out). Priority orders the queues: each
  has a worker of its own (Procfile), so a queue never waits behind another; a task declaring
  a priority other than its queue's fails at import (InvalidTask), as any invalid task does;
- a dead worker's job: RQ's own recovery. A killed work horse is seen by its parent at once; a
  worker that died whole leaves its job in the StartedJobRegistry until its heartbeat lapses
  (RQ_JOB_MONITORING_SECONDS + 60 s) and a worker's maintenance (every RQ_MAINTENANCE_SECONDS
  to twice that) runs it again, at most MAX_LOST_WORKERS times. Delivery is at least once.
"""

import logging
import os
import socket
from collections.abc import Iterable
from contextlib import suppress
from datetime import UTC, datetime
from math import ceil
from traceback import format_exception
from types import TracebackType
from typing import Any, ClassVar, cast

import django_rq
from django.conf import settings
from django.core.checks import CheckMessage
from django.core.checks import Error as CheckError
from django.tasks import Task, TaskResult, TaskResultStatus
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import TaskContext, TaskError
from django.tasks.exceptions import InvalidTask, TaskResultDoesNotExist
from django.tasks.signals import task_enqueued, task_finished, task_started
from django.utils.crypto import get_random_string
from django.utils.json import normalize_json
from django_tasks_rq.backend import Job as TasksRQJob
from redis import Redis
from rq import Retry, Worker
from rq.exceptions import AbandonedJobError, NoSuchJobError
from rq.job import Callback, JobStatus
from rq.registry import ScheduledJobRegistry

from .policies import retry_delay, time_limit_of

logger = logging.getLogger(__name__)

MAX_LOST_WORKERS = 3  # a job that lost this many workers (a job that kills them) fails

STATUS = {
    JobStatus.QUEUED: TaskResultStatus.READY,
    JobStatus.SCHEDULED: TaskResultStatus.READY,  # waits for its retry, or for run_after
    JobStatus.DEFERRED: TaskResultStatus.READY,
    JobStatus.STARTED: TaskResultStatus.RUNNING,
    JobStatus.FINISHED: TaskResultStatus.SUCCESSFUL,
    JobStatus.FAILED: TaskResultStatus.FAILED,
    JobStatus.STOPPED: TaskResultStatus.FAILED,
    JobStatus.CANCELED: TaskResultStatus.FAILED,
}


class WorkerLost(Exception):
    """The worker running the task died (SIGKILL, out of memory, lost machine)."""


def class_path(error_class: type[BaseException]) -> str:
    """`module.Class` of an exception, as django.tasks records it."""
    return f"{error_class.__module__}.{error_class.__qualname__}"


class Job(TasksRQJob):
    """django-tasks-rq's job, giving Django's TaskResult and sending Django's signals.

    Each attempt's worker and each failure are kept in the job's meta (RQ keeps a result only
    for an attempt that ends the job)."""

    def perform(self) -> Any:
        """Record the attempt's worker, say it started, run it (in the work horse)."""
        self.meta.setdefault("worker_ids", []).append(self.worker_name or "")
        self.save_meta()
        task_started.send(type(self.backend), task_result=self.task_result)
        return super(TasksRQJob, self).perform()

    def _execute(self) -> Any:
        """Call the task, with its context (Django's) if it takes one."""
        if self.task.takes_context:
            context: TaskContext = TaskContext(task_result=self.task_result)
            return self.task.call(context, *self.args, **self.kwargs)
        return self.task.call(*self.args, **self.kwargs)

    @property
    def task(self) -> Task:
        """The job's `django.tasks` Task (django-tasks-rq types it as the backport's)."""
        return cast(Task, self.func)

    @property
    def backend(self) -> BaseTaskBackend:
        return self.task.get_backend()

    @property
    def attempts(self) -> int:
        return len(self.meta.get("worker_ids", []))

    @property
    def task_result(self) -> TaskResult:  # type: ignore[override]
        """The job as Django's TaskResult, read now."""
        task = self.task
        status = STATUS.get(self.get_status(), TaskResultStatus.READY)
        run_after = None
        if self.is_scheduled:
            queue = django_rq.get_queue(self.origin)
            # RQ's scheduler may have queued the job since its status was read: then it is due.
            with suppress(NoSuchJobError):
                run_after = ScheduledJobRegistry(queue=queue).get_scheduled_time(self)
        failures = self.meta.get("failures", [])
        finished = status in {TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED}
        result: TaskResult = TaskResult(
            task=task.using(run_after=run_after) if run_after else task,
            id=self.id,
            status=status,
            enqueued_at=aware(self.enqueued_at),
            started_at=aware(self.started_at) if self.attempts else None,
            last_attempted_at=aware(self.started_at) if self.attempts else None,
            finished_at=aware(self.ended_at) if finished else None,
            args=list(self.args),
            kwargs=dict(self.kwargs),
            backend=self.meta.get("backend_name", "default"),
            errors=[
                TaskError(exception_class_path=f["error"], traceback=f["traceback"])
                for f in failures
            ],
            worker_ids=list(self.meta.get("worker_ids", [])),
        )
        if status == TaskResultStatus.SUCCESSFUL:
            object.__setattr__(result, "_return_value", normalize_json(self.return_value()))
        return result


def aware(moment: datetime | None) -> datetime | None:
    """RQ's times are UTC, some without a time zone."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def attempt_failed(
    job: Job,
    connection: Redis | None,
    error_class: type[BaseException],
    error: BaseException,
    traceback: TracebackType | None,
) -> None:
    """RQ's failure callback: record the failed attempt; decide whether RQ retries it, when.

    Runs in the work horse when the task raised or hit its time limit, and in a worker's
    maintenance when the job's worker died (AbandonedJobError)."""
    job.meta = job.get_meta(refresh=True)
    lost = isinstance(error, AbandonedJobError | WorkerLost)
    if lost:  # the worker's process is gone: there is no traceback
        error = WorkerLost(f"The worker {job.worker_name} died.")
    trace = "".join(format_exception(type(error), error, None if lost else traceback))
    failures = job.meta.setdefault("failures", [])
    failures.append({
        "number": job.attempts,
        "worker": job.worker_name or "",
        "started_at": (aware(job.started_at) or datetime.now(UTC)).isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "error": class_path(type(error)),
        "traceback": trace,
    })  # fmt: skip
    job.save_meta()
    result = job.task_result
    if lost:
        times_lost = sum(f["error"] == class_path(WorkerLost) for f in failures)
        delay = 0.0 if times_lost < MAX_LOST_WORKERS else None
    else:
        delay = retry_delay(job.task, error, result)
    if delay is None:
        job.retries_left = 0  # RQ fails the job for good
        object.__setattr__(result, "status", TaskResultStatus.FAILED)
        object.__setattr__(result, "finished_at", datetime.now(UTC))
        task_finished.send(type(job.backend), task_result=result)
    else:
        job.retry_intervals = [ceil(delay * 1000) / 1000]  # type: ignore[list-item]
        logger.warning("Task id=%s failed (%s): run again in %g s.", job.id,
                       class_path(type(error)), delay)  # fmt: skip


def attempt_succeeded(job: Job, connection: Redis | None, value: Any) -> None:
    """RQ's success callback: say the task finished."""
    result = job.task_result
    object.__setattr__(result, "status", TaskResultStatus.SUCCESSFUL)
    object.__setattr__(result, "finished_at", datetime.now(UTC))
    task_finished.send(type(job.backend), task_result=result)


def unique_worker_id(name: str) -> str:
    """`name`, pid and a random tag ("emails@web-1:4242:x7Kq2b"): a restarted container keeps
    its hostname and pid, and RQ refuses a second live worker of the same name."""
    return f"{name}:{os.getpid()}:{get_random_string(6)}"


class RQWorker(Worker):
    """RQ's worker, named after its queues, host and process, and recovering in stated time:
    it heartbeats a running job every RQ_JOB_MONITORING_SECONDS, and runs the maintenance that
    recovers dead workers' jobs every RQ_MAINTENANCE_SECONDS to twice that (an idle RQ worker
    waits worker_ttl - 15 s for a job before it looks at its maintenance: 405 s by default)."""

    def __init__(self, queues: Any, *args: Any, **kwargs: Any) -> None:
        names = ",".join(getattr(queue, "name", str(queue)) for queue in queues)
        kwargs["name"] = kwargs.get("name") or unique_worker_id(f"{names}@{socket.gethostname()}")
        kwargs["job_monitoring_interval"] = settings.RQ_JOB_MONITORING_SECONDS
        kwargs["maintenance_interval"] = settings.RQ_MAINTENANCE_SECONDS
        kwargs["worker_ttl"] = settings.RQ_MAINTENANCE_SECONDS + 15
        super().__init__(queues, *args, **kwargs)

    def unsubscribe(self) -> None:
        """RQ's, waiting a second at most for its command listener: that thread waits up to 60 s
        for a message, and redis-py 8's stop() waits for the thread (a worker told to stop hung
        there for a minute, one stop in six under load). The thread is a daemon: the process
        exits next, and its connection closes with it."""
        if self.pubsub_thread:
            self.pubsub.unsubscribe()
            self.pubsub_thread.stop(timeout=1)

    def handle_work_horse_killed(self, job: Job, retpid: int, ret_val: int, rusage: Any) -> None:
        """The work horse died (out of memory, killed): its attempt failed with WorkerLost."""
        super().handle_work_horse_killed(job, retpid, ret_val, rusage)
        attempt_failed(job, self.connection, WorkerLost, WorkerLost(), None)


class RQBackend(BaseTaskBackend):
    """`django.tasks` on RQ: each task a django-rq queue's job of the class `Job`."""

    supports_defer = supports_async_task = supports_get_result = supports_priority = True
    # The priority of each queue: set by the first task seen on it.
    priorities: ClassVar[dict[str, int]] = {}

    def validate_task(self, task: Task) -> None:
        """Django's checks, and: a queue's tasks declare one priority (RQ orders queues only)."""
        super().validate_task(task)
        priority = self.priorities.setdefault(task.queue_name, task.priority)
        if task.priority != priority:
            raise InvalidTask(
                f"{task.name} has priority {task.priority}, another task of queue "
                f"{task.queue_name!r} {priority}: RQ runs a queue's jobs in order, without "
                "priorities. Give the task a queue (and a worker) of its own."
            )

    def enqueue(self, task: Task, args: Any, kwargs: Any) -> TaskResult:
        """Put a job on the task's queue (or schedule it for run_after), with its policies."""
        self.validate_task(task)
        keep = int(settings.TASK_RESULTS_MAX_AGE_DAYS * 24 * 60 * 60)
        max_attempts = getattr(task, "max_attempts", 1)
        queue = django_rq.get_queue(task.queue_name, job_class=Job)
        job = queue.create_job(
            task.module_path,
            args=list(args),
            kwargs=dict(kwargs),
            job_id=get_random_string(32),
            timeout=ceil(time_limit_of(task)),
            result_ttl=keep,
            failure_ttl=keep,
            # At most: attempt_failed decides each retry, and gives up when the policy does.
            retry=Retry(max=max_attempts - 1 + MAX_LOST_WORKERS),
            on_failure=Callback(attempt_failed),
            on_success=Callback(attempt_succeeded),
            meta={"backend_name": self.alias},
            status=JobStatus.SCHEDULED if task.run_after else JobStatus.QUEUED,
        )
        if task.run_after is None:
            job = queue.enqueue_job(job)
        else:
            job = queue.schedule_job(job, task.run_after)
        result = cast(Job, Job.fetch(job.id, connection=queue.connection)).task_result
        task_enqueued.send(type(self), task_result=result)
        return result

    def get_result(self, result_id: str) -> TaskResult:
        """The job's result, from Redis; TaskResultDoesNotExist once RQ let it expire."""
        try:
            job = cast(Job, Job.fetch(result_id, connection=django_rq.get_connection()))
        except NoSuchJobError:
            raise TaskResultDoesNotExist(result_id) from None
        return job.task_result

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        """Every queue of QUEUES is one of django-rq's."""
        missing = [name for name in self.queues if name not in settings.RQ_QUEUES]
        return [
            CheckError(f"Queue {name!r} is in TASKS but not in RQ_QUEUES.", id="workers.E001")
            for name in missing
        ]


def failed_attempts(task_id: str) -> list[tuple[int, str, datetime, datetime, str]]:
    """The task's failed attempts, oldest first: number, worker, start, end, error class."""
    try:
        job = cast(Job, Job.fetch(task_id, connection=django_rq.get_connection()))
    except NoSuchJobError:
        return []
    return [
        (f["number"], f["worker"], datetime.fromisoformat(f["started_at"]),
         datetime.fromisoformat(f["finished_at"]), f["error"])
        for f in job.meta.get("failures", [])
    ]  # fmt: skip


def existing(task_ids: Iterable[str]) -> set[str]:
    """Those of `task_ids` whose job RQ still keeps."""
    task_ids = list(task_ids)
    connection = django_rq.get_connection()
    with connection.pipeline() as pipeline:
        for task_id in task_ids:
            pipeline.exists(Job.key_for(task_id))
        found = pipeline.execute()
    return {task_id for task_id, exists in zip(task_ids, found, strict=True) if exists}
