"""`settings-env`: a table of the environment variables a baked project's settings read.

    ```{settings-env}
    ```

Built from the settings modules of the projects conf.py baked, by finding every
`env(...)`, `env.int(...)`, `env.db(...)` etc. call, so the table lists exactly
the variables the code reads, with the defaults it gives them.
"""

import ast
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.typing import ExtensionMetadata

# The settings a project runs with (e2e.py only serves the end-to-end tests).
MODULES = ["base", "development", "production", "test"]


def env_calls(source: str) -> list[tuple[str, str, str]]:
    """(variable, reader, default) of each env(...) call in a settings module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "env":
            reader = "str"
        elif isinstance(func, ast.Attribute) and getattr(func.value, "id", None) == "env":
            reader = func.attr
        else:
            continue
        name = node.args[0]
        if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
            continue
        if reader == "read_env":
            continue
        default = next((ast.unparse(k.value) for k in node.keywords if k.arg == "default"), "")
        found.append((name.value, reader, default))
    return found


def literal(text: str) -> nodes.paragraph:
    paragraph = nodes.paragraph()
    if text:
        paragraph += nodes.literal(text=text)
    return paragraph


class SettingsEnv(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        config = self.env.config
        root = Path(self.env.srcdir) / config.project_file_root
        rows: dict[tuple[str, str], list] = {}  # (name, module): [reader, default, databases]
        for database in ("sqlite", "postgresql"):
            settings = root / database / config.project_file_slug / "config" / "settings"
            for module in MODULES:
                path = settings / f"{module}.py"
                self.env.note_dependency(str(path))
                for name, reader, default in env_calls(path.read_text()):
                    row = rows.setdefault((name, f"{module}.py"), [reader, default, set()])
                    row[2].add(database)
        table = nodes.table()
        group = nodes.tgroup(cols=4)
        table += group
        for width in (30, 15, 12, 43):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        group += head
        body = nodes.tbody()
        group += body
        header = nodes.row()
        for title in ("Variable", "Read in", "Type", "Default"):
            header += nodes.entry("", nodes.paragraph(text=title))
        head += header
        for (name, where), (reader, default, databases) in sorted(rows.items()):
            row = nodes.row()
            only = "" if len(databases) == 2 else f" ({next(iter(databases))} only)"
            row += nodes.entry("", literal(name))
            row += nodes.entry("", nodes.paragraph(text=where + only))
            row += nodes.entry("", nodes.paragraph(text=reader))
            row += nodes.entry(
                "", literal(default) if default else nodes.paragraph(text="none: required")
            )
            body += row
        return [table]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_directive("settings-env", SettingsEnv)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
