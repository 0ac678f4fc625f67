"""`project-file`: a literalinclude from the project baked by conf.py, captioned with its path.

    ```{project-file} tasks_demo/hello/tasks.py
    :pyobject: say_hello
    ```

The path is relative to the baked project, and is the caption, so a caption
cannot disagree with the file shown. `:database: postgresql` reads the project
baked with PostgreSQL instead of SQLite; `:backend: rq` the SQLite project baked with
the RQ backend (conf.py's OTHER_BAKES). `:lines:` is refused: line numbers
drift silently when the file changes, while `:pyobject:`, `:start-at:` and
`:end-at:` fail the build (a warning, and the build runs with -W).

`:replace: OLD => NEW; OLD2 => NEW2` shows the file with those changes: a version the tutorial's
reader writes before the finished one (the Procfile's `db_worker` lines, until part 9). Each OLD
must be in the file. `:save:` captions a listing the reader saves "PATH: save this listing as
the file"; `% docs: write` before it saves it, so changed, in the reader's project, as the reader
does (docs/_exec/docs_sessions/buildalong.py), and requires `:save:`.

`template-file` is the same for a file of the template repository itself.
"""

from pathlib import PurePosixPath

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.directives.code import LiteralInclude
from sphinx.util.typing import ExtensionMetadata

LANGUAGES = {
    ".py": "python",
    ".html": "html+django",
    ".txt": "django",
    ".js": "javascript",
    ".toml": "toml",
    ".json": "json",
    ".css": "css",
    ".md": "markdown",
    ".sh": "bash",
}
BY_NAME = {"Procfile": "bash", ".env.example": "bash", ".env": "bash"}


def language_of(path: str) -> str:
    """The Pygments lexer for a file, from its name."""
    name = PurePosixPath(path)
    return BY_NAME.get(name.name) or LANGUAGES.get(name.suffix, "text")


class TemplateFile(LiteralInclude):
    """Include a file of the template repository; its path is the caption."""

    option_spec = {  # noqa: RUF012  docutils reads it from the class
        name: spec
        for name, spec in LiteralInclude.option_spec.items()
        if name not in {"lines", "caption", "language"}
    }

    def source_path(self, path: str) -> str:
        """Where the file is, for literalinclude: absolute from the docs' source directory."""
        return f"/../{path}"

    def caption(self, path: str) -> str:
        return path

    def run(self):
        path = self.arguments[0]
        self.arguments[0] = self.source_path(path)
        self.options["caption"] = self.caption(path)
        self.options["language"] = language_of(path)
        return super().run()


class ProjectFile(TemplateFile):
    """Include a file of the baked project; its path is the caption."""

    option_spec = {  # noqa: RUF012
        **TemplateFile.option_spec,
        "database": directives.unchanged,
        "backend": lambda value: directives.choice(value, ("rq",)),
        "replace": directives.unchanged,
        "save": directives.flag,
    }

    def run(self):
        shown = super().run()
        for old, new in replacements(self.options.get("replace", "")):
            for block in shown[0].findall(nodes.literal_block):
                text = block.astext()
                if old not in text:
                    raise self.error(f":replace: finds no {old!r} in {self.arguments[0]}")
                block.children = [nodes.Text(text.replace(old, new))]
                block.rawsource = text.replace(old, new)
        return shown

    def database(self) -> str:
        return self.options.get("database", self.env.config.project_file_default_database)

    def bake(self) -> str:
        """The bake's directory: the database's, or the other backend's (`rq`)."""
        return self.options.get("backend") or self.database()

    def source_path(self, path: str) -> str:
        config = self.env.config
        return f"/{config.project_file_root}/{self.bake()}/{config.project_file_slug}/{path}"

    def caption(self, path: str) -> str:
        """The path; and the database or backend option, when it is not the default one; or,
        for a file the tutorial's reader saves (`:save:`), that they save the listing as it."""
        if "save" in self.options:
            return f"{path}: save this listing as the file"
        if "backend" in self.options:
            return f"{path} (backend={self.options['backend']})"
        database = self.database()
        if database == self.env.config.project_file_default_database:
            return path
        return f"{path} (database={database})"


def replacements(option: str) -> list[tuple[str, str]]:
    """`OLD => NEW; OLD2 => NEW2` as pairs (docs/_exec/docs_sessions/buildalong.py: the same).
    `\\n` in either is a line break, and NEW may be empty (`OLD =>`): lines left out."""
    pairs = [pair.partition(" =>") for pair in option.split("; ") if pair]
    return [(old.replace("\\n", "\n"), new.removeprefix(" ").replace("\\n", "\n"))
            for old, _, new in pairs]  # fmt: skip


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("project_file_root", "_baked", "env")
    app.add_config_value("project_file_slug", "tasks_demo", "env")
    app.add_config_value("project_file_default_database", "sqlite", "env")
    app.add_directive("project-file", ProjectFile)
    app.add_directive("template-file", TemplateFile)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
