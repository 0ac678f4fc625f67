"""The facts the docs cite, pinned by tests that run inside a bake of each option.

tests/evidence/ holds tests of how django.tasks and django-tasks-db behave
(the docs say "checked by" and name them). They are not part of a baked
project: each run copies them into a fresh bake and runs them there, with the
bake's settings, database and test support.
"""

import shutil

import pytest

from conftest import ROOT

EVIDENCE = ROOT / "tests" / "evidence"


def test_the_framework_behaves_as_the_docs_say(baked):
    if baked.backend == "rq":
        pytest.skip("The evidence pins django-tasks-db and the project's own workers: not baked.")
    copy = baked.path / "evidence"
    shutil.copytree(EVIDENCE, copy, dirs_exist_ok=True)
    try:
        result = baked.run("pytest -p no:cacheprovider -q evidence")
    finally:
        shutil.rmtree(copy)
    assert " passed" in result.stdout
