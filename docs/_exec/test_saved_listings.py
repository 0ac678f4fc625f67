"""A listing that tells the reader to save it (`:save:`) is one the docs run saves too (`% docs:
write`), and the other way round: what the reader is told to type is what the run checks."""

import re
from pathlib import Path

DOCS = Path(__file__).parents[1]
LISTING = re.compile(r"^```\{project-file\}.*\n((?::[\w-]+:.*\n)*)", re.MULTILINE)


def test_every_listing_the_reader_saves_is_saved_by_the_docs_run():
    unmarked = []
    for page in sorted(DOCS.rglob("*.md")):
        text = page.read_text()
        for listing in LISTING.finditer(text):
            before = text[: listing.start()].rstrip("\n").rsplit("\n", 1)[-1]
            saved = re.search(r"^:save:\s*$", listing[1], re.MULTILINE) is not None
            if saved != (before.strip() == "% docs: write"):
                line = text.count("\n", 0, listing.start()) + 1
                unmarked.append(f"{page.relative_to(DOCS)}:{line}")
    assert unmarked == []
