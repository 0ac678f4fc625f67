"""The apps depend on each other one way only, as [tool.importlinter] in pyproject.toml says.

accounts, reports and hello use the task plumbing (taskstatus, then workers);
the plumbing never imports an app, and only workers/taskdb.py imports
django-tasks-db. An import against these contracts fails this test, with the
offending line (the same check as `lint-imports` on the command line).
"""

from django.conf import settings
from importlinter.cli import lint_imports


def test_the_import_contracts_are_kept():
    pyproject = settings.BASE_DIR / "pyproject.toml"
    assert lint_imports(config_filename=str(pyproject), no_cache=True, no_logo=True) == 0
