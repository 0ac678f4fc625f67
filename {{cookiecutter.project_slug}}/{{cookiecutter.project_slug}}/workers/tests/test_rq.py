"""The RQ backend: the tasks' policies become RQ's own settings of each job, in real Redis
(the tests' database); a worker process runs them in tests/e2e/."""

from typing import cast

import django_rq
import pytest
from django.conf import settings
from django.tasks import task
from django.tasks.exceptions import InvalidTask

from ...accounts.tasks import send_welcome_email
from ...hello.tasks import say_hello
from ...reports.tasks import generate_monthly_report
from ..rq import MAX_LOST_WORKERS, Job, WorkerLost, attempt_failed


def job_of(result_id: str) -> Job:
    """The task's job, as RQ keeps it in Redis."""
    return cast(Job, Job.fetch(result_id, connection=django_rq.get_connection()))


def test_a_job_carries_the_time_limit_the_retries_and_the_retention_of_its_task():
    result = send_welcome_email.enqueue(1)
    job = job_of(result.id)

    assert job.timeout == 60  # @time_limit(seconds=60)
    assert job.retries_left == len(settings.EMAIL_RETRY_DELAYS) + MAX_LOST_WORKERS
    days = settings.TASK_RESULTS_MAX_AGE_DAYS
    assert job.result_ttl == job.failure_ttl == days * 24 * 60 * 60
    assert say_hello.get_result(say_hello.enqueue("Ada").id).status == "READY"
    assert job_of(say_hello.enqueue("Ada").id).timeout == (settings.TASK_TIME_LIMIT_SECONDS)


def test_a_failed_attempt_is_recorded_and_retried_after_the_backoff_of_its_error():
    result = send_welcome_email.enqueue(1)
    job = job_of(result.id)
    job.worker_name = "emails@test"
    job.meta["worker_ids"] = ["emails@test"]  # as the worker records an attempt
    job.save_meta()

    attempt_failed(job, None, ConnectionRefusedError, ConnectionRefusedError(), None)

    assert job.retry_intervals == [settings.EMAIL_RETRY_DELAYS[0]]
    assert job.retries_left > 0
    [failure] = job.get_meta()["failures"]
    assert (failure["number"], failure["worker"]) == (1, "emails@test")
    assert failure["error"] == "builtins.ConnectionRefusedError"
    assert send_welcome_email.get_result(result.id).errors[0].exception_class_path == (
        "builtins.ConnectionRefusedError"
    )


def test_an_error_the_backoff_refuses_fails_the_job_for_good():
    job = job_of(send_welcome_email.enqueue(1).id)
    job.meta["worker_ids"] = ["emails@test"]
    job.save_meta()

    attempt_failed(job, None, ValueError, ValueError("a bug"), None)

    assert job.retries_left == 0  # RQ moves it to the failed registry


def test_a_job_whose_worker_died_runs_again_until_it_lost_three_workers():
    job = job_of(say_hello.enqueue("Ada").id)
    for lost in range(1, MAX_LOST_WORKERS + 1):
        job.meta["worker_ids"] = ["default@test"] * lost
        job.save_meta()
        job.retries_left = 3
        attempt_failed(job, None, WorkerLost, WorkerLost(), None)
        assert job.retries_left == (0 if lost == MAX_LOST_WORKERS else 3), lost


def test_a_queue_has_one_priority_said_when_a_task_is_defined():
    assert send_welcome_email.priority > generate_monthly_report.priority  # their own queues
    with pytest.raises(InvalidTask, match="RQ runs a queue's jobs in order"):
        task(queue_name="emails", priority=0)(say_hello.func)
