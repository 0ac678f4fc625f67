from django.apps import AppConfig


class TaskStatusConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.taskstatus"
    label = "taskstatus"
