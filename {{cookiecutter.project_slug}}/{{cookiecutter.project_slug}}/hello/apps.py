from django.apps import AppConfig


class HelloConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.hello"
    label = "hello"
