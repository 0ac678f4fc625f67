"""Reject answers that would bake a broken project, before any file is written.

Each check prints one line that says what to type instead and exits non-zero,
so `cookiecutter` stops with that message and leaves nothing behind. The rules
for package names live in naming.py, which also derives the default slug.
"""

import json
import re
import sys

# Rendered by cookiecutter, as JSON (any answer is safe inside a raw string):
# SLUG_PROBLEM is naming.py's verdict on the slug, "" when it is fine.
# fmt: off
SLUG_PROBLEM = json.loads(r'{{ cookiecutter.project_slug | package_name_problem | tojson }}')
AUTHOR_EMAIL = json.loads(r'{{ cookiecutter.author_email | tojson }}')
# fmt: on

# Deliberately simple: one "@", no spaces, a dot in the domain. Django's
# EmailValidator is not importable here (the hook runs before Django exists).
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email_problem(email: str) -> str:
    """Say why `email` is not a usable author email, or ""."""
    if not EMAIL_PATTERN.match(email):
        return f"author_email {email!r} is not an email address: type one like 'you@example.com'."
    return ""


def main() -> int:
    """Print the first problem found and return a non-zero exit code."""
    for problem in (SLUG_PROBLEM, email_problem(AUTHOR_EMAIL)):
        if problem:
            print(f"ERROR: {problem}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
