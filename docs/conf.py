"""Sphinx configuration. Building bakes the template first, then documents what it baked.

Every block of project code in these pages is included from a project baked here
(see _ext/projectfile.py), never typed by hand: a page cannot drift from the code.
An include whose `:pyobject:` or `:start-at:` no longer matches is a warning, and
`nox -s docs` builds with warnings as errors. A plain `sphinx-build docs out`
works too: it bakes the same way.
"""

import shutil
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
TEMPLATE = DOCS.parent
BAKED = DOCS / "_baked"  # git-ignored, rebuilt on every build
DATABASES = ["sqlite", "postgresql"]
# Other bakes, by name: the answers they change (`:backend: rq` and `rq:` read the RQ one).
OTHER_BAKES = {"rq": ["backend=rq"]}

sys.path.insert(0, str(DOCS / "_ext"))


def bake(database: str, name: str = "", answers: tuple[str, ...] = ()) -> None:
    """Bake the template's defaults with `database` (and `answers`) into _baked/<name>/."""
    output = BAKED / (name or database)
    shutil.rmtree(output, ignore_errors=True)  # a file deleted from the template must go
    subprocess.run(
        [sys.executable, "-m", "cookiecutter", "--no-input", "-f",
         "--output-dir", str(output), str(TEMPLATE), f"database={database}", *answers],
        check=True,
    )  # fmt: skip


for database in DATABASES:
    bake(database)
for name, answers in OTHER_BAKES.items():
    bake("sqlite", name, tuple(answers))

project = "Django Tasks, end to end"
author = "the template's authors"
copyright = "the template's authors"

extensions = [
    "myst_parser",
    "sphinx.ext.extlinks",
    "projectfile",
    "screenshots",
    "settingsenv",
    "checkedby",
    "facts",
]

# Django's reference is linked with plain URLs, not intersphinx: intersphinx
# fetches objects.inv at build time, and this build must work offline (and
# must not fail with -W when docs.djangoproject.com cannot be reached).
# {django}`the Tasks framework <topics/tasks/>` links to the 6.1 docs.
extlinks = {
    "django": ("https://docs.djangoproject.com/en/6.1/%s", "%s"),
}
extlinks_detect_hardcoded_links = True

source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "_baked", "_generated", "_exec", "README.md"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
nitpicky = True
# Warn about every reference that does not resolve, and build nothing stale.
suppress_warnings: list[str] = []

html_theme = "furo"
html_title = project
html_static_path: list[str] = []
pygments_style = "friendly"
pygments_dark_style = "monokai"

# Includes come from the project baked with these answers (see `bake`).
project_file_root = "_baked"
project_file_slug = "tasks_demo"
project_file_default_database = "sqlite"
