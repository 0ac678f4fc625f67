"""pytest's setup for the whole project: the plugins in tests/support."""

pytest_plugins = [
    "tests.support.plugin",
{%- if cookiecutter.database == "sqlite" %}
    "tests.support.sqlite_test_database",
{%- endif %}
]
