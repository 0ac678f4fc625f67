"""Fail the build when a page names a test that does not exist.

Pages back their claims with tests, named in MyST comments and in the gotchas
list: `% checked by tests/evidence/test_tasks_framework.py::test_a_task_is_enqueued_not_called`,
then `::another_test` for another test of the same file. Every such name is
looked up in the projects conf.py baked (`tasks_demo/...`, `tests/...`), then in
the template repository (`tests/evidence/...`, the evidence that runs against
bakes, and the template's own tests): a test renamed or deleted without updating
the page is a warning, and the build runs with -W.
"""

import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

# tests/test_x.py::test_name, ::test_name (same file as the last one), or a bare test file;
# not the tail of another path (`../pg/tasks_demo/tests/test_x.py`, a listing of other files).
REFERENCE = re.compile(
    r"(?<![\w./-])(?P<path>[\w-]+(?:/[\w.-]+)*/test_\w+\.py)?(?:::(?P<name>test_\w+))?"
)


def candidates(app: Sphinx, path: str) -> list[Path]:
    """Where a test file named in the docs may be: a baked project (from its root or its
    package), or the template."""
    slug = app.config.project_file_slug
    baked = Path(app.srcdir) / app.config.project_file_root
    projects = [baked / database / slug for database in ("sqlite", "postgresql", "rq")]
    return [
        *(project / path for project in projects),
        *(project / slug / path for project in projects),
        Path(app.srcdir).parent / path,
    ]


def check_references(app: Sphinx, docname: str, source: list[str]) -> None:
    current = None
    for number, line in enumerate(source[0].splitlines(), start=1):
        for match in REFERENCE.finditer(line):
            path, name = match["path"], match["name"]
            if not path and not name:
                continue
            if path:
                current = path
            where = (docname, number)
            if current is None:
                logger.warning(f"test {name} named before any test file", location=where)
                continue
            files = [file for file in candidates(app, current) if file.is_file()]
            for file in files:  # read this page again when the test file changes
                app.env.note_dependency(str(file))
            if not files:
                logger.warning(f"no test file {current}", location=where)
            elif name and not any(
                re.search(rf"^\s*def {name}\(", file.read_text(), re.MULTILINE) for file in files
            ):
                logger.warning(f"no test {name} in {current}", location=where)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("source-read", check_references)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
