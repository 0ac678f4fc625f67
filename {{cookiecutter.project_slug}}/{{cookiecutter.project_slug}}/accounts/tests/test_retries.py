"""The emails are retried while the mail server may take them later (the tutorial's part 9)."""

import smtplib
from dataclasses import replace

import pytest
from django.tasks import TaskResult

from ..mail import email_backoff
from ..notices import send_account_exists_email, send_password_reset_email
from ..tasks import send_welcome_email


def after_attempts(attempts: int) -> TaskResult:
    """The task's result as the backoff sees it after `attempts` runs (needs captured_tasks)."""
    return replace(send_welcome_email.enqueue(1), worker_ids=["a-worker"] * attempts)


@pytest.mark.parametrize(
    "error",
    [ConnectionRefusedError(111, "refused"), smtplib.SMTPDataError(451, b"later"), TimeoutError()],
    ids=["unreachable", "4xx", "timeout"],
)
def test_what_may_work_later_is_retried_after_each_configured_delay(captured_tasks, error):
    delays = [email_backoff(error, after_attempts(n)) for n in range(1, 5)]
    assert delays == [60, 300, 900, 3600]


def test_a_refusal_is_not_retried(captured_tasks):
    assert email_backoff(smtplib.SMTPDataError(554, b"refused"), after_attempts(1)) is None


@pytest.mark.parametrize(
    "task", [send_welcome_email, send_password_reset_email, send_account_exists_email]
)
def test_every_email_is_tried_five_times_at_most_within_a_minute_each(task):
    assert (task.max_attempts, task.backoff) == (5, email_backoff)  # then it fails for good
    assert task.time_limit == 60
