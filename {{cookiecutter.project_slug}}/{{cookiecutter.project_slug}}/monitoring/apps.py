import os
from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class MonitoringConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.monitoring"

    def ready(self) -> None:
        # prometheus-client reads its directory when first imported: set it before.
        directory = Path(settings.PROMETHEUS_MULTIPROC_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
        from . import metrics  # noqa: F401  connects its signal receivers
