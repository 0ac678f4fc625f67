"""A project named with accents, punctuation or a leading digit bakes, installs and passes
its own tests, under a package name derived from the name."""

import pytest

from conftest import bake


@pytest.mark.parametrize(
    ("project_name", "package"),
    [
        ("Café Tâches", "cafe_taches"),
        ("Mr. O'Brien's Shop!", "mr_o_brien_s_shop"),
        ("2nd Site", "project_2nd_site"),
    ],
)
def test_a_project_with_an_unusual_name_works(cookies, project_name, package):
    project = bake(cookies, project_name=project_name)

    assert project.package == package
    project.run("python -m manage check --fail-level WARNING")
    result = project.run(f"pytest -p no:cacheprovider -q {package}")  # the apps' own tests
    assert " passed" in result.stdout
    assert (project.path / "README.md").read_text().startswith(f"# {project_name}\n")
