"""A project named with accents, punctuation and a leading digit bakes, installs and passes
its own tests, under a package name derived from the name. One bake holds all three: each
derivation alone is tests/test_hooks.py's (a bake and its tests take twenty seconds)."""

import pytest

from conftest import bake


@pytest.mark.parametrize(
    ("project_name", "package"),
    [("2nd Café O'Brien's Tâches!", "project_2nd_cafe_o_brien_s_taches")],
)
def test_a_project_with_an_unusual_name_works(cookies, project_name, package):
    project = bake(cookies, project_name=project_name)

    assert project.package == package
    project.run("python -m manage check --fail-level WARNING")
    result = project.run(f"pytest -p no:cacheprovider -q {package}")  # the apps' own tests
    assert " passed" in result.stdout
    assert (project.path / "README.md").read_text().startswith(f"# {project_name}\n")
