"""How a project name becomes the project's Python package name, and when a name is refused.

Loaded by cookiecutter as a local Jinja extension (`_extensions` in cookiecutter.json),
so the same rules serve twice:

- `{{ cookiecutter.project_name | package_name }}` derives `project_slug` from any name a
  person types: "Café Tâches" gives `cafe_taches`, "2nd Site" `project_2nd_site`;
- `{{ cookiecutter.project_slug | package_name_problem }}` is what pre_gen_project.py
  checks, so a slug typed by hand gets a one-line message saying what to type instead.

A package name must be an ASCII Python identifier (it is imported), a valid distribution
name (pyproject's `name`, which `uv` and pip check), not a keyword, and must not shadow a
module the project imports.
"""

import keyword
import re
import sys

from jinja2 import Environment
from jinja2.ext import Extension
from slugify import slugify  # python-slugify: cookiecutter's own dependency

# Top-level names the baked project imports or contains: a package named like one
# of them would shadow it (`import config` would find the wrong package).
TAKEN_NAMES = {
    "accounts",
    "apscheduler",
    "config",
    "crontask",
    "debug_toolbar",
    "django",
    "django_rq",
    "django_tasks",
    "django_tasks_db",
    "django_tasks_rq",
    "environ",
    "gunicorn",
    "honcho",
    "manage",
    "psycopg",
    "pytest",
    "redis",
    "reports",
    "rq",
    "scheduling",
    "tasks",
    "taskstatus",
    "test",
    "tests",
    "tzlocal",
    "whitenoise",
    "workers",
}
# PEP 508 distribution names: letters, digits and ._- , starting and ending with a letter
# or digit. Identifiers add: no leading digit, no dot or hyphen.
PACKAGE_NAME = re.compile(r"^[a-z][a-z0-9_]*[a-z0-9]$|^[a-z]$", re.IGNORECASE)


def is_taken(name: str) -> bool:
    """Whether `name` is a keyword or a module the project imports (the stdlib included)."""
    return keyword.iskeyword(name) or name in TAKEN_NAMES or name in sys.stdlib_module_names


def package_name(project_name: str) -> str:
    """The package name derived from a project name; always one package_name_problem accepts."""
    # ASCII words joined by "_": accents and other scripts are transliterated.
    name = slugify(project_name, separator="_") or "project"
    if name[0].isdigit():
        name = f"project_{name}"
    if is_taken(name):
        name = f"{name}_site"
    return name


def package_name_problem(name: str) -> str:
    """Why `name` cannot be the project's package, saying what to type instead; "" if it can."""
    if not name.isascii() or not PACKAGE_NAME.match(name) or keyword.iskeyword(name):
        return (
            f"project_slug {name!r} is not a valid Python package name: use ASCII "
            f"letters, digits and underscores, starting with a letter, e.g. "
            f"{package_name(name)!r}."
        )
    if is_taken(name):
        return (
            f"project_slug {name!r} would shadow the module {name!r} the project "
            f"imports: choose another name, e.g. '{name}_site'."
        )
    return ""


class PackageNameExtension(Extension):
    """Adds the `package_name` and `package_name_problem` filters."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["package_name"] = package_name
        environment.filters["package_name_problem"] = package_name_problem
