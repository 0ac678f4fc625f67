"""Reject answers that would bake a broken project, before any file is written.

Each check prints one line that says what to type instead and exits non-zero,
so `cookiecutter` stops with that message and leaves nothing behind.
"""

import keyword
import re
import sys

SLUG = "{{ cookiecutter.project_slug }}"
AUTHOR_EMAIL = "{{ cookiecutter.author_email }}"

# Top-level names the baked project imports or contains: a package named like
# one of them would shadow it (`import config` would find the wrong package).
TAKEN_NAMES = {
    "accounts",
    "config",
    "debug_toolbar",
    "django",
    "django_tasks_db",
    "environ",
    "gunicorn",
    "honcho",
    "manage",
    "psycopg",
    "pytest",
    "reports",
    "tasks",
    "taskstatus",
    "test",
    "tests",
    "whitenoise",
}

# Deliberately simple: one "@", no spaces, a dot in the domain. Django's
# EmailValidator is not importable here (the hook runs before Django exists).
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def slug_problem(slug: str) -> str | None:
    """Say why `slug` cannot be the project's Python package, or None."""
    if not slug.isidentifier() or keyword.iskeyword(slug):
        return (
            f"project_slug {slug!r} is not a valid Python identifier: "
            "use lowercase letters, digits and underscores, e.g. 'my_site'."
        )
    if slug in TAKEN_NAMES or slug in sys.stdlib_module_names:
        return (
            f"project_slug {slug!r} would shadow the module {slug!r} the project "
            f"imports: choose another name, e.g. '{slug}_site'."
        )
    return None


def email_problem(email: str) -> str | None:
    """Say why `email` is not a usable author email, or None."""
    if not EMAIL_PATTERN.match(email):
        return f"author_email {email!r} is not an email address: type one like 'you@example.com'."
    return None


def main() -> int:
    """Print the first problem found and return a non-zero exit code."""
    for problem in (slug_problem(SLUG), email_problem(AUTHOR_EMAIL)):
        if problem:
            print(f"ERROR: {problem}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
