"""Facts in prose, read from the code when the pages are built, never typed by hand.

    A stopped worker's task has {setting}`WORKER_STOP_GRACE_SECONDS` s.  -> 4
    The queues are {setting}`TASKS.default.QUEUES`.                  -> default, emails, reports
    In development each day takes {setting}`development:REPORT_SECONDS_PER_DAY` s.
    On PostgreSQL a worker polls every {setting}`postgresql:WORKER_POLL_SECONDS` s.   -> 1
    The emails worker runs {procfile}`emails`.             -> python -m manage worker --queue...
    An enqueue adds {bench}`request cost|sqlite|enqueued minus no email` to a request.
    A waiting worker reads it every {constant}`tasks_demo/workers/wakeup.py CHECK_SECONDS` s.

`setting` reads a settings module of the project conf.py baked (`base` unless
`module:` is given; the SQLite bake unless `postgresql:` or `postgresql/module:`
(`rq:`, the RQ bake) is): the default of `env.float("X", default=...)` and friends, a literal or
`float("inf")` (shown as "infinite"), found by name; `A.b.c` looks up keys of a
dictionary setting, however it is assigned (`TASKS = {...}`,
`DATABASES["default"]["CONN_MAX_AGE"] = ...`).
`procfile` gives the command of a Procfile line; `constant` a module-level constant
of a file of the project (`path NAME`). `bench` gives a figure of the
committed benchmark results (docs/benchmarks/results.csv): measurement, database
and case, then optionally the column (value, p95, p99, ratio, ratio_low, ratio_high;
default value).
A fact that cannot be found is an error, and the build fails.

    ```{queues-matrix}
    ```

is the table of which queue names `@task` accepts for each value of QUEUES, read
from the test that pins it (tests/evidence/test_gotcha_queues.py, QUEUES_MATRIX);
`{nox-sessions}` the template's nox sessions, each with its docstring's first
paragraph and its parameters, read from noxfile.py.
"""

import ast
import csv
import math
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective, SphinxRole
from sphinx.util.typing import ExtensionMetadata

READERS = {"str", "int", "float", "bool", "list", "db"}  # env(...), env.int(...), ...
DATABASES = {"sqlite", "postgresql", "rq"}  # the bakes conf.py makes (rq: backend=rq)


class Unknown(LookupError):
    pass


def env_default(node: ast.expr) -> ast.expr:
    """The default of an `env...(NAME, default=...)` call, or the node itself."""
    if isinstance(node, ast.Call):
        func = node.func
        is_env = isinstance(func, ast.Name) and func.id == "env"
        is_env = is_env or (
            isinstance(func, ast.Attribute)
            and getattr(func.value, "id", None) == "env"
            and func.attr in READERS
        )
        if is_env:
            for keyword in node.keywords:
                if keyword.arg == "default":
                    return keyword.value
            raise Unknown(f"{ast.unparse(node)} has no default")
    return node


def target_path(target: ast.expr) -> list[str] | None:
    """`A` -> ["A"]; `A["b"]["c"]` -> ["A", "b", "c"]; anything else None."""
    keys = []
    while isinstance(target, ast.Subscript):
        if not isinstance(target.slice, ast.Constant):
            return None
        keys.insert(0, str(target.slice.value))
        target = target.value
    return [target.id, *keys] if isinstance(target, ast.Name) else None


def lookup(node: ast.expr, keys: list[str]) -> ast.expr:
    """The value at `keys` in a dictionary display."""
    for key in keys:
        node = env_default(node)
        if not isinstance(node, ast.Dict):
            raise Unknown(f"{ast.unparse(node)} is not a dictionary")
        for k, v in zip(node.keys, node.values, strict=True):
            if isinstance(k, ast.Constant) and str(k.value) == key:
                node = v
                break
        else:
            raise Unknown(f"no key {key!r}")
    return env_default(node)


def setting_value(source: str, path: list[str]) -> object:
    """The value a settings module gives `path` (its last assignment wins)."""
    found, missing = None, Unknown("not assigned in this module")
    for statement in ast.parse(source).body:
        targets = []
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets = [statement.target]
        for target in targets:
            assigned = target_path(target)
            if assigned and path[: len(assigned)] == assigned:
                try:
                    found = lookup(statement.value, path[len(assigned) :])
                except Unknown as error:  # a later assignment may set the key
                    missing = error
    if found is None:
        raise missing
    if (  # float("inf"): no limit
        isinstance(found, ast.Call)
        and ast.unparse(found.func) == "float"
        and [type(arg) for arg in found.args] == [ast.Constant]
    ):
        return float(found.args[0].value)
    return ast.literal_eval(found)


def render(value: object) -> list[nodes.Node]:
    """Numbers as text (10.0 -> 10), strings as code, lists item by item."""
    if isinstance(value, bool):
        return [nodes.literal(text=str(value))]
    if isinstance(value, float) and math.isinf(value):
        return [nodes.Text("infinite")]
    if isinstance(value, int | float):
        return [nodes.Text(f"{value:,g}")]
    if isinstance(value, str):
        return [nodes.literal(text=value)]
    if isinstance(value, list | tuple):
        rendered: list[nodes.Node] = []
        for index, item in enumerate(value):
            if index:
                rendered.append(nodes.Text(", "))
            rendered += render(item)
        return rendered
    return [nodes.literal(text=repr(value))]


def figure(value: float, unit: str) -> str:
    """A measured figure, to three significant digits."""
    text = f"{value:.3g}"
    if "e" in text:
        text = f"{value:.0f}"
    return f"{text} {unit}" if unit and unit not in {"x"} else f"{text}{unit}"


class FactRole(SphinxRole):
    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        try:
            return self.fact(self.text.strip()), []
        except (Unknown, OSError, ValueError, SyntaxError) as error:
            message = f"{self.name}: cannot find {self.text!r}: {error}"
            return [], [self.inliner.reporter.error(message, line=self.lineno)]

    def baked(self, path: str, database: str = "") -> Path:
        config = self.config
        root = Path(self.env.srcdir) / config.project_file_root
        database = database or config.project_file_default_database
        file = root / database / config.project_file_slug / path
        self.env.note_dependency(str(file))
        return file


class SettingRole(FactRole):
    def fact(self, text: str) -> list[nodes.Node]:
        where, _, name = text.rpartition(":")
        database, _, module = where.rpartition("/")
        if where in DATABASES:
            database, module = where, ""
        source = self.baked(f"config/settings/{module or 'base'}.py", database).read_text()
        path = name.split(".")
        if sibling := imported_from(source, path[0]):  # `from .tasks import TASKS`
            source = self.baked(f"config/settings/{sibling}.py", database).read_text()
        return render(setting_value(source, path))


def imported_from(source: str, name: str) -> str | None:
    """The sibling settings module that `source` imports `name` from, if it does."""
    for statement in ast.parse(source).body:
        if (
            isinstance(statement, ast.ImportFrom)
            and statement.level == 1
            and statement.module
            and any(alias.name == name for alias in statement.names)
        ):
            return statement.module
    return None


class ProcfileRole(FactRole):
    def fact(self, text: str) -> list[nodes.Node]:
        for line in self.baked("Procfile").read_text().splitlines():
            name, _, command = line.partition(":")
            if name == text and not line.startswith("#"):
                return [nodes.literal(text=command.strip())]
        raise Unknown("no such line")


class ConstantRole(FactRole):
    def fact(self, text: str) -> list[nodes.Node]:
        path, name = text.split()
        for statement in ast.parse(self.baked(path).read_text()).body:
            if isinstance(statement, ast.Assign) and ast.unparse(statement.targets[0]) == name:
                return render(ast.literal_eval(statement.value))
        raise Unknown(f"no constant {name} in {path}")


class BenchRole(FactRole):
    def fact(self, text: str) -> list[nodes.Node]:
        measurement, database, case, *column = (part.strip() for part in text.split("|"))
        path = Path(self.env.srcdir) / "benchmarks" / "results.csv"
        self.env.note_dependency(str(path))
        with path.open(newline="") as file:
            for row in csv.DictReader(file):
                if (row["measurement"], row["database"], row["case"]) == (
                    measurement,
                    database,
                    case,
                ):
                    key = column[0] if column else "value"
                    unit = "x" if key.startswith("ratio") else row["unit"]
                    return [nodes.Text(figure(float(row[key]), unit))]
        raise Unknown("no such row in docs/benchmarks/results.csv")


MATRIX_TEST = "tests/evidence/test_gotcha_queues.py"


def queues_matrix(source: str) -> list[tuple[str, bool, bool]]:
    """QUEUES_MATRIX of the test: (the QUEUES value as code, @task() ok, emails ok)."""
    for statement in ast.parse(source).body:
        if (
            isinstance(statement, ast.Assign)
            and ast.unparse(statement.targets[0]) == "QUEUES_MATRIX"
        ):
            rows = []
            for row in statement.value.elts:
                queues, default_ok, emails_ok = row.elts
                shown = "absent" if isinstance(queues, ast.Name) else ast.unparse(queues)
                rows.append((shown, ast.literal_eval(default_ok), ast.literal_eval(emails_ok)))
            return rows
    raise Unknown(f"no QUEUES_MATRIX in {MATRIX_TEST}")


def cell(content: nodes.Node | str) -> nodes.entry:
    paragraph = nodes.paragraph()
    paragraph += nodes.Text(content) if isinstance(content, str) else content
    return nodes.entry("", paragraph)


class QueuesMatrix(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        path = Path(self.env.srcdir).parent / MATRIX_TEST
        self.env.note_dependency(str(path))
        refused = "InvalidTask when tasks.py is imported"
        table = nodes.table()
        group = nodes.tgroup(cols=3)
        table += group
        for width in (30, 35, 35):
            group += nodes.colspec(colwidth=width)
        head, body = nodes.thead(), nodes.tbody()
        group += head
        group += body
        header = nodes.row()
        for title in ("QUEUES", "@task", '@task(queue_name="emails")'):
            header += cell(nodes.literal(text=title) if title != "QUEUES" else title)
        head += header
        for shown, default_ok, emails_ok in queues_matrix(path.read_text()):
            row = nodes.row()
            row += cell(shown if shown == "absent" else nodes.literal(text=shown))
            row += cell("accepted" if default_ok else refused)
            row += cell("accepted" if emails_ok else refused)
            body += row
        return [table]


def nox_sessions(source: str) -> list[tuple[str, str, list[str]]]:
    """(name, first paragraph of the docstring, parameter values) of each @nox.session."""
    sessions = []
    for function in ast.parse(source).body:
        if not isinstance(function, ast.FunctionDef):
            continue
        decorators = [ast.unparse(decorator) for decorator in function.decorator_list]
        if not any(decorator.startswith("nox.session") for decorator in decorators):
            continue
        parameters = []
        for decorator in function.decorator_list:
            if ast.unparse(decorator).startswith("nox.parametrize"):
                parameters = [str(value) for value in ast.literal_eval(decorator.args[1])]
        summary = (ast.get_docstring(function) or "").split("\n\n")[0].replace("\n", " ")
        sessions.append((function.name, summary, parameters))
    return sessions


class NoxSessions(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        path = Path(self.env.srcdir).parent / "noxfile.py"
        self.env.note_dependency(str(path))
        items = nodes.definition_list()
        for name, summary, parameters in nox_sessions(path.read_text()):
            term = nodes.term()
            term += nodes.literal(text=f"nox -s {name}")
            if parameters:
                term += nodes.Text(f" (one per {', '.join(parameters)})")
            definition = nodes.definition()
            definition += nodes.paragraph(text=summary)
            items += nodes.definition_list_item("", term, definition)
        return [items]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_directive("nox-sessions", NoxSessions)
    app.add_directive("queues-matrix", QueuesMatrix)
    app.add_role("setting", SettingRole())
    app.add_role("procfile", ProcfileRole())
    app.add_role("bench", BenchRole())
    app.add_role("constant", ConstantRole())
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
