"""The apps depend on each other one way only, as [tool.importlinter] in pyproject.toml says:
an import against these contracts fails this test, as it fails `lint-imports`."""

from django.conf import settings
from importlinter.cli import lint_imports


def test_the_import_contracts_are_kept():
    pyproject = settings.BASE_DIR / "pyproject.toml"
    assert lint_imports(config_filename=str(pyproject), no_cache=True, no_logo=True) == 0
