"""Build the site's report of a month and email it to the staff: the scheduler's job, by hand.

    python -m manage build_monthly_report                  # last month
    python -m manage build_monthly_report --month 2026-10

The scheduler enqueues the site report at 03:00 on the 1st (MONTHLY_REPORT_CRON).
If no scheduler ran at that moment, that month's report is not built: the
scheduler does not replay a tick it missed. This command enqueues the same task
on the `reports` queue, for its worker to run. Run it as often as you like: a
month has one site report, built once and emailed once.
"""

import datetime
from argparse import ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ...tasks import build_site_report, parse_month, previous_month


def month(value: str) -> datetime.date:
    """A command-line month, "YYYY-MM", as its first day."""
    try:
        return parse_month(value)
    except ValueError:
        raise ArgumentTypeError(f"{value!r} is not a month: give YYYY-MM, e.g. 2026-10.") from None


class Command(BaseCommand):
    help = (
        "Enqueue the site's report of a month (default: last month) on the reports queue: "
        "its worker builds it and emails it to the staff. The scheduler does this at "
        "MONTHLY_REPORT_CRON (03:00 on the 1st) but does not replay a 1st it was down for: "
        "run this then. Safe to repeat: a month's report is built once and emailed once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--month",
            type=month,
            help="The month, YYYY-MM; one that has ended (default: last month).",
        )

    def handle(self, *args: Any, month: datetime.date | None, **options: Any) -> None:
        month = month or previous_month(timezone.now())
        if month >= timezone.localdate().replace(day=1):
            raise CommandError(f"{month:%Y-%m} has not ended yet: its report would be partial.")
        result = build_site_report.enqueue(month=f"{month:%Y-%m}")
        self.stdout.write(
            f"Enqueued the site report of {month:%Y-%m} on the {result.task.queue_name} queue "
            f"(task {result.id}): its worker builds and emails it, unless that was done."
        )
