"""Fixtures for every test in the project."""

pytest_plugins = ["{{ cookiecutter.project_slug }}.testing.fixtures"]
