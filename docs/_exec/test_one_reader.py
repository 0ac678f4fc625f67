"""The docs run plays the pages as one reader does: in real terminals, whose exports the Python
sessions started in them see, and which the tutorial's parts share in order.

Each test runs small pages through the same parsers as the real ones (docs_sessions.parsers),
against the run's bake. A test that shows a check passing also shows it failing where the
reader's state is not kept, so that the check cannot pass by accident.
"""

from pathlib import Path

import pytest
from docs_sessions.parsers import PARSERS, setup_page, teardown_page
from docs_sessions.runner import Project, Reader
from sybil import Document
from sybil.example import SybilFailure

SHELL_BANNER = """\
$ python -m manage shell
...
(InteractiveConsole)
"""

PRODUCTION_SETTINGS = """\
% docs: database empty
```console
$ export DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_ALLOWED_HOSTS=localhost
$ export DJANGO_SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
```
"""

SHELL_SEES_THEM = f"""\
```pycon
{SHELL_BANNER}>>> settings.SETTINGS_MODULE
'config.settings.production'
>>> settings.SECURE_SSL_REDIRECT
True
```
"""


def run_page(project: Project, reader: Reader, text: str, path: Path) -> list[str]:
    """Run `text` as a page continuing `reader`'s session: its failures' messages."""
    path.write_text(text)
    document = Document.parse(str(path), *PARSERS)
    setup_page(project, reader)(document.namespace)
    failures = []
    try:
        for example in document.examples():
            try:
                example.evaluate()
            except SybilFailure as failure:
                failures.append(str(failure))
    finally:
        teardown_page(document.namespace)
    return failures


@pytest.fixture
def reader(docs_project):
    reader = Reader(docs_project)
    yield reader
    reader.close()


def test_a_python_session_runs_the_settings_its_terminal_exported(docs_project, reader, tmp_path):
    """Part 9: the exported production settings are the Python session's."""
    page = PRODUCTION_SETTINGS + SHELL_SEES_THEM
    assert run_page(docs_project, reader, page, tmp_path / "part.md") == []


def test_a_python_session_in_another_terminal_does_not_see_them(docs_project, reader, tmp_path):
    page = PRODUCTION_SETTINGS + "% docs: terminal second\n" + SHELL_SEES_THEM
    [failure] = run_page(docs_project, reader, page, tmp_path / "part.md")
    assert "+ 'config.settings.development'" in failure


def test_a_part_runs_in_the_terminals_the_part_before_left(docs_project, reader, tmp_path):
    """Part 10 continues part 9's terminals: its Python session, exports, shell variables."""
    part_9 = (
        PRODUCTION_SETTINGS
        + "```console\n$ KEY_OF_PART_9=$DJANGO_SECRET_KEY\n```\n"
        + SHELL_SEES_THEM.replace("True\n```", "True\n>>> left_by_part_9 = 9\n```")
    )
    python_of_part_9 = "```pycon\n>>> left_by_part_9\n9\n>>> exit()\n```\n"
    terminal_of_part_9 = """\
```console
$ test "$KEY_OF_PART_9" = "$DJANGO_SECRET_KEY" && echo "$DJANGO_SETTINGS_MODULE"
config.settings.production
```
"""
    assert run_page(docs_project, reader, part_9, tmp_path / "09.md") == []
    part_10 = python_of_part_9 + terminal_of_part_9
    assert run_page(docs_project, reader, part_10, tmp_path / "10.md") == []

    # A reader per page, as a fresh process per page has, fails each of part 10's checks.
    for part_10, failed in [
        (python_of_part_9, "no Python session runs"),  # nor its names
        (terminal_of_part_9, "- config.settings.production"),
    ]:
        fresh = Reader(docs_project)
        try:
            [failure] = run_page(docs_project, fresh, part_10, tmp_path / "10.md")
        finally:
            fresh.close()
        assert failed in failure


def test_a_command_typed_where_a_python_shell_runs_fails(docs_project, reader, tmp_path):
    """A page must say which terminal a command goes to when its Python shell is open."""
    page = f"""\
% docs: database empty
```pycon
{SHELL_BANNER}```

```console
$ echo here
here
```
"""
    [failure] = run_page(docs_project, reader, page, tmp_path / "page.md")
    assert "the terminal 'first' runs a Python shell" in failure
