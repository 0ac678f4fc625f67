"""The notation of expected output (docs_sessions/patterns.py)."""

import pytest
from docs_sessions.patterns import compare, compare_any_order, compile_line


def lines(text: str, bindings: dict[str, str] | None = None):
    return [compile_line(line, bindings or {}) for line in text.splitlines()]


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        ("Task id=<uuid> state=READY", "Task id=ed473803-0715-4e65-b046-3372030fd642 state=READY"),
        ("<datetime> INFO started", "2026-11-21 11:07:58,350 INFO started"),
        ('"enqueued_at": "<datetime>"', '"enqueued_at": "2026-11-21T10:25:18.168Z"'),
        ("worker_id=default@<host>:<int>:<id>", "worker_id=default@vm:12656:DPGNtL"),
        (
            "Python <version> ... on linux",
            "Python 3.12.1 (main, May  9 2026) [GCC 12.2.0] on linux",
        ),
        ('File "<console>", line 1', 'File "<console>", line 1'),  # not a placeholder
        ("a\n...\nz", "a\nb\nc\nz"),
        ("a\n...\nz", "a\nz"),  # `...` stands for no line too
        ("trailing   ", "trailing"),
    ],
)
def test_matches(expected, actual):
    assert compare(lines(expected), actual.splitlines()).ok


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        ("Task id=<uuid>", "Task id=not-a-uuid"),
        ("a ... z", "a b\nz"),  # an inline `...` stays within its line
        ("<int>", "12a"),  # a placeholder matches a whole value
        ("a\nb", "a"),
    ],
)
def test_does_not_match(expected, actual):
    assert not compare(lines(expected), actual.splitlines()).ok


def test_a_label_stands_for_the_same_text_everywhere():
    expected = lines("id=<uuid:ada> RUNNING\nid=<uuid:ada> SUCCESSFUL")
    one, other = "ed473803-0715-4e65-b046-3372030fd642", "105c3e52-2557-4d4a-bb03-13a59b57e29e"
    same = compare(expected, [f"id={one} RUNNING", f"id={one} SUCCESSFUL"])
    assert same.ok and same.bindings == {"uuid:ada": one}
    different = compare(expected, [f"id={one} RUNNING", f"id={other} SUCCESSFUL"])
    assert not different.ok
    assert f"! id=<uuid:ada> SUCCESSFUL\n+ id={other} SUCCESSFUL" in different.diff


def test_a_label_bound_on_an_earlier_block_matches_its_text_only():
    expected = lines("id=<uuid:ada>", {"uuid:ada": "ed473803-0715-4e65-b046-3372030fd642"})
    assert not compare(expected, ["id=105c3e52-2557-4d4a-bb03-13a59b57e29e"]).ok


def test_the_diff_shows_the_expected_lines_and_what_differs():
    comparison = compare(
        lines("start <int>\n...\nstate=SUCCESSFUL"), ["start 1", "x", "state=FAILED"]
    )
    assert comparison.diff.splitlines() == [
        "  start <int>",
        "  ...",
        ". x",  # what the `...` stood for, shown because a difference follows
        ". state=FAILED",
        "- state=SUCCESSFUL",
    ]


def test_any_order():
    expected = lines("web.1 started (pid=<int>)\nemails.1 started (pid=<int>)")
    assert compare_any_order(expected, ["emails.1 started (pid=2)", "web.1 started (pid=1)"]).ok
    assert not compare_any_order(expected, ["web.1 started (pid=1)"]).ok
