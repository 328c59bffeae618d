"""Blocks held back from the site engine: large generated HTML (the ranking's tables, the
lists of deadlines) that a document's template marks, which the engine would only parse.

The engine gets a placeholder where each block was, and the generator puts the block back,
byte for byte, into the page the engine built. Measured at 10,000 cases: the engine's build
went from 1.2 s to 0.3 s, most of it Python-Markdown and the theme's search plugin reading
the ranking's 400 table rows. A held-back block never goes through Markdown and is not in
the engine's search index (each brand and case has its own entry there).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from generator.errors import BuildFailed

HOLD = "<!--unkept:held-->"
"""Opens a block a template holds back from the engine; what follows, up to END, is HTML."""
END = "<!--/unkept:held-->"
"""Closes it."""
PLACEHOLDER = '<div data-unkept-held="{n}"></div>'
"""What the engine gets instead of block n: an empty element, which Markdown passes through
and search finds no text in."""
_MARKERS = re.compile(f"({re.escape(HOLD)}|{re.escape(END)})")
TRACES = ("unkept:held", "data-unkept-held")
"""What would betray a marker or a placeholder left in a built page."""


def hold_back(body: str, where: str) -> tuple[str, tuple[str, ...]]:
    """The body with each marked block replaced by its placeholder, and the blocks (without
    their markers), in order. Markers that do not pair stop the build, naming `where`."""
    parts = _MARKERS.split(body)
    if len(parts) == 1:
        return body, ()
    out = [parts[0]]
    blocks: list[str] = []
    for i in range(1, len(parts), 4):
        opening, block = parts[i], parts[i + 1]
        closing = parts[i + 2] if i + 2 < len(parts) else None
        if opening != HOLD or closing != END:
            raise BuildFailed(
                f"{where}: {HOLD} and {END} must come in pairs, one block after another "
                "(in this template or the macros it imports)"
            )
        out += [PLACEHOLDER.format(n=len(blocks)), parts[i + 3]]
        blocks.append(block)
    return "".join(out), tuple(blocks)


def put_back(site: Path, held: Mapping[str, tuple[str, ...]]) -> None:
    """Put each page's held-back blocks in place of their placeholders, in the pages the
    engine built (`held` by page file, relative to the site). A placeholder the theme did not
    print exactly once stops the build: a block must reach the reader, and only once."""
    for output, blocks in sorted(held.items()):
        path = site / output
        try:
            text = path.read_bytes().decode()  # as written: text mode would turn CRLF into LF
        except OSError as exc:
            raise BuildFailed(f"the site engine did not build {output}: {exc.strerror}") from None
        for n, block in enumerate(blocks):
            placeholder = PLACEHOLDER.format(n=n)
            count = text.count(placeholder)
            if count != 1:
                raise BuildFailed(
                    f"{output}: the theme printed block {n + 1} of the page {count} times, "
                    "not once (changed by a filter?)"
                )
            text = text.replace(placeholder, block)
        path.write_bytes(text.encode())
