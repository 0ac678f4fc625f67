"""The lab as a Django app: its tasks, and the statement counter of the workers it watches."""

import os

from django.apps import AppConfig
from django.db.backends.signals import connection_created


class LabConfig(AppConfig):
    name = "benchmarks"
    label = "lab"
    verbose_name = "The template's lab"

    def ready(self) -> None:
        """In a worker told to (LAB_COUNT_STATEMENTS), count what it sends to the database."""
        if os.environ.get("LAB_COUNT_STATEMENTS"):
            from django.db import connection

            from .probes import count_driver_statements, count_statements

            connection_created.connect(count_statements, dispatch_uid="lab-count-statements")
            if connection.vendor == "postgresql":
                count_driver_statements()
