"""The notation of expected output in the docs' console and pycon blocks, and its matching.

Expected output is compared line by line with what the command or session printed,
trailing whitespace and trailing blank lines ignored. In an expected line:

- a line that is only `...` stands for any number of lines, none included;
- `...` inside a line stands for any text within that line;
- `<kind>`, for a kind in PLACEHOLDERS, stands for one value of that kind: `<uuid>`,
  `<datetime>`, `<int>`...; any other `<...>`, such as `<console>`, matches itself;
- `<kind:label>` also stands for a value of that kind, and every `<kind:label>` of the
  same page must stand for the same text: the first match binds the label (a label
  belongs to its kind: `<uuid:x>` and `<int:x>` are two labels).
"""

import re
from dataclasses import dataclass, field

PLACEHOLDERS = {
    "uuid": r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    "id": r"[A-Za-z0-9_-]+",  # a random token: ImmediateBackend's task ids
    # The project's worker ids: a name (`emails@host`, or a random token), pid and tag.
    "worker": r"[\w.@-]+:\d+:[A-Za-z0-9]+",
    "datetime": r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?",
    "date": r"\d{4}-\d\d-\d\d",
    "time": r"\d\d:\d\d:\d\d(?:[.,]\d+)?",
    "int": r"\d+",
    "number": r"-?\d+(?:\.\d+)?",
    "hex": r"[0-9a-f]+",
    "host": r"[\w.-]+",
    "path": r"[^\s\"']+",
    "version": r"\d+(?:\.\d+)+\S*",
}
TOKEN = re.compile(r"(\.\.\.)|<(" + "|".join(PLACEHOLDERS) + r")(?::([\w-]+))?>")
ELLIPSIS = "..."
CONTEXT = 3  # lines a `...` stood for, shown before a difference that follows it


@dataclass
class Line:
    """One expected line: its text as the page shows it, and the regex it stands for."""

    text: str
    regex: re.Pattern | None  # None: a `...` line
    labels: dict[str, str] = field(default_factory=dict)  # regex group -> label

    @property
    def is_ellipsis(self) -> bool:
        return self.regex is None


def compile_line(text: str, bindings: dict[str, str], literal: bool = False) -> Line:
    """The Line for `text`; a label already in `bindings` matches its bound value only.

    `literal` lines (commands and `>>>` input) match themselves, `...` included.
    """
    text = text.rstrip()
    if literal:
        return Line(text, re.compile(re.escape(text)))
    if text.strip() == ELLIPSIS:
        return Line(text, None)
    parts, labels, position = [], {}, 0
    for match in TOKEN.finditer(text):
        parts.append(re.escape(text[position : match.start()]))
        position = match.end()
        dots, kind, label = match.groups()
        if label is not None:
            label = f"{kind}:{label}"  # <uuid:x> and <int:x> are two labels
        if dots:
            parts.append(".*?")
        elif label is None:
            parts.append(f"(?:{PLACEHOLDERS[kind]})")
        elif label in bindings:
            parts.append(re.escape(bindings[label]))
        elif label in labels.values():  # twice in this line: the same text
            group = next(g for g, name in labels.items() if name == label)
            parts.append(f"(?P={group})")
        else:
            group = f"g{len(labels)}"
            labels[group] = label
            parts.append(f"(?P<{group}>{PLACEHOLDERS[kind]})")
    parts.append(re.escape(text[position:]))
    return Line(text, re.compile("".join(parts)), labels)


def trim(lines: list[str]) -> list[str]:
    """`lines` without trailing whitespace and trailing blank lines."""
    lines = [line.rstrip() for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    return lines


@dataclass
class Comparison:
    ok: bool
    diff: str  # the expected lines, with `- ` lines missing and `+ ` lines unexpected
    bindings: dict[str, str]  # labels bound by this output
    end: int  # index of the actual line after the last one matched by an expected line


def compare(expected: list[Line], actual: list[str]) -> Comparison:
    """Align `actual` with `expected` at the least number of differing lines.

    A `...` line absorbs any number of actual lines at no cost; an expected line
    matches an actual line its regex matches in full; every other line is a difference.
    The diff shows the expected lines; `- ` expected but missing, `+ ` not expected,
    `! ` a label bound to another text above; `. ` the last lines a `...` stood for.
    """
    n, m = len(expected), len(actual)
    matches: dict[tuple[int, int], re.Match | None] = {}

    def match(j: int, i: int) -> re.Match | None:
        if (j, i) not in matches:
            matches[j, i] = expected[j].regex.fullmatch(actual[i])
        return matches[j, i]

    # cost[j][i]: fewest differences aligning expected[j:] with actual[i:].
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(m + 1):
        cost[n][i] = m - i
    for j in range(n - 1, -1, -1):
        for i in range(m, -1, -1):
            if expected[j].is_ellipsis:
                best = cost[j + 1][i]
                if i < m:
                    best = min(best, cost[j][i + 1])
            else:
                best = cost[j + 1][i] + 1
                if i < m:
                    best = min(best, cost[j][i + 1] + 1)
                    if match(j, i):
                        best = min(best, cost[j + 1][i + 1])
            cost[j][i] = best

    # Walk the cheapest path: the diff, the labels bound, where the match ended.
    diff, found, conflicts, j, i, end = [], {}, 0, 0, 0, 0
    absorbed: list[str] = []  # the actual lines the last `...` stood for
    while j < n or i < m:
        line = expected[j] if j < n else None
        if line is not None and line.is_ellipsis:
            if i < m and cost[j + 1][i] > cost[j][i]:  # the `...` must stand for actual[i]
                absorbed.append(actual[i])  # not shown, unless a difference follows
                i += 1
                continue
            diff.append(f"  {line.text}")
            j += 1
            if cost[j][i] > 0:  # a difference follows: show what the `...` ended with
                diff += [f". {text}" for text in absorbed[-CONTEXT:]]
            absorbed = []
        elif line is not None and i < m and match(j, i) and cost[j][i] == cost[j + 1][i + 1]:
            clash = bind(line, match(j, i), found)
            conflicts += bool(clash)
            diff.append(f"! {line.text}\n+ {actual[i]}{clash}" if clash else f"  {line.text}")
            j, i, end = j + 1, i + 1, i + 1
        elif line is not None and cost[j][i] == cost[j + 1][i] + 1:
            diff.append(f"- {line.text}")
            j += 1
        else:
            diff.append(f"+ {actual[i]}")
            i += 1
    return Comparison(cost[0][0] == 0 and not conflicts, "\n".join(diff), found, end)


def bind(line: Line, match: re.Match, found: dict[str, str]) -> str:
    """Record the labels `line` bound in `found`; say how one differs from its first match."""
    for group, label in line.labels.items():
        if found.setdefault(label, match[group]) != match[group]:
            return f"  (label {label!r} matched {found[label]!r} above, {match[group]!r} here)"
    return ""


def compare_any_order(expected: list[Line], actual: list[str]) -> Comparison:
    """Each expected line (`...` lines aside) matches a different actual line, in any order.

    For the interleaved output of several processes (honcho), whose order varies.
    """
    used: set[int] = set()
    diff, found = [], {}
    for line in expected:
        if line.is_ellipsis:
            diff.append(f"  {line.text}")
            continue
        for i, text in enumerate(actual):
            found_match = None if i in used else line.regex.fullmatch(text)
            if found_match and not bind(line, found_match, found):
                used.add(i)
                diff.append(f"  {line.text}")
                break
        else:
            diff.append(f"- {line.text}")
    missing = sum(line.startswith("- ") for line in diff)
    if missing:
        diff += ["", "(any order) the output was:", *(f"+ {text}" for text in actual)]
    return Comparison(not missing, "\n".join(diff), found, max(used, default=-1) + 1)


@dataclass
class Step:
    """What the reader typed (a command, a statement), and what it printed.

    Steps are compared one by one: typed lines are anchors, which no `...` stands for.
    """

    typed: list[str]  # as the page shows it, prompts included
    shown: list[str]  # as the terminal showed it (the same, unless a prompt differs)
    expected: list[str]  # the output, in this notation
    actual: list[str]
    checked: bool = True  # False: a command the docs run does not run


def compare_steps(steps: list[Step], bindings: dict[str, str]) -> Comparison:
    """Compare each step's output; labels bound by a step hold in the steps after it."""
    diff, found, ok = [], {}, True
    for step in steps:
        if trim(step.typed) == trim(step.shown):
            diff += [f"  {line}" for line in trim(step.typed)]
        else:
            ok = False
            diff += [f"- {line}" for line in step.typed] + [f"+ {line}" for line in step.shown]
        if not step.checked:
            diff += [f"  {line}" for line in trim(step.expected)]
            continue
        lines = [compile_line(text, bindings | found) for text in trim(step.expected)]
        comparison = compare(lines, trim(step.actual))
        ok = ok and comparison.ok
        found |= comparison.bindings
        diff += comparison.diff.splitlines()
    return Comparison(ok, "\n".join(diff), found, 0)
