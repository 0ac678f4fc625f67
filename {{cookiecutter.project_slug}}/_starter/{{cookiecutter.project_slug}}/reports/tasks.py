"""The monthly report's task. (The tutorial's starting point: part 7 of the tutorial has you
write this file. Until then a report can be requested, and its task fails.)
"""

from django.tasks import task


@task(queue_name="reports")
def generate_monthly_report(report_id: int) -> int:
    """Build the report `report_id`: part 7 of the tutorial writes this task."""
    raise NotImplementedError("Part 7 of the tutorial writes this task.")
