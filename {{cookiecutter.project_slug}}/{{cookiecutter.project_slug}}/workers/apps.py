from django.apps import AppConfig


class WorkersConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.workers"
    label = "workers"
    verbose_name = "Workers"
