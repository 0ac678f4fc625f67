"""The references' tasks, as an app: django-task-psql's worker imports each app's tasks.py."""

from django.apps import AppConfig


class ReferencesConfig(AppConfig):
    name = "benchmarks.references"
    label = "lab_references"
    verbose_name = "The lab's references"
