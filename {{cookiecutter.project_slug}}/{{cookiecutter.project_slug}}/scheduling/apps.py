from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.scheduling"
    label = "scheduling"
