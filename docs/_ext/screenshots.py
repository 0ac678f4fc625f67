"""`screenshot`: an image the end-to-end tests took, if this build has it.

    ```{screenshot} register.png
    :alt: The registration form
    ```

`nox -s docs` runs the end-to-end scenarios of a baked project that save what the
browser sees, and `_exec/screenshots.py` for the admin's and the Debug Toolbar's,
into `_generated/screenshots/`. It also sets `screenshots_required`, so a missing
image fails its build. A plain `sphinx-build` without them shows a note in the
image's place instead.
"""

from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.typing import ExtensionMetadata


class Screenshot(SphinxDirective):
    required_arguments = 1
    option_spec = {"alt": directives.unchanged_required}  # noqa: RUF012

    def run(self) -> list[nodes.Node]:
        config = self.env.config
        name = self.arguments[0]
        source = Path(self.env.srcdir) / config.screenshots_dir / name
        alt = self.options.get("alt", name)
        if source.is_file():
            uri = f"/{config.screenshots_dir}/{name}"
            self.env.note_dependency(str(source))
            return [nodes.image(uri=uri, alt=alt)]
        if config.screenshots_required:
            raise self.error(f"screenshot {name} missing from {config.screenshots_dir}/")
        note = nodes.note()
        note += nodes.paragraph(text=f"Screenshot: {alt}. Build with `nox -s docs` to see it.")
        return [note]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("screenshots_dir", "_generated/screenshots", "env")
    app.add_config_value("screenshots_required", False, "env", bool)
    app.add_directive("screenshot", Screenshot)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
