"""Shells: one page per data-page layout, rendered by the site engine's theme with markers
where a page's own values go, which the generator then fills for every case and brand page.

The engine builds three pages (a case, a brand, a withdrawn case) instead of thousands, so
the theme's chrome is made once per layout and every data page costs a string join and a
write. A shell lies at the same depth as the pages it makes (`cases/<shell>/`), so every
relative link of the chrome is already right. What the engine printed for the shell itself
(its URL, its title, its description, its feed, its body) is found by markers and replaced;
a shell whose markers are not where they should be, or one the fill would leave a trace
of, stops the build, so no marker can reach a reader.
"""

from __future__ import annotations

import enum
import hashlib
import html
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from generator.errors import BuildFailed


class Layout(enum.Enum):
    """The data pages' layouts: each has one shell."""

    CASE = "case"
    BRAND = "brand"
    WITHDRAWN = "withdrawn"

    @property
    def source(self) -> str:
        """The shell's page under the docs folder, beside the pages it makes."""
        folder = "brands" if self is Layout.BRAND else "cases"
        return f"{folder}/{SHELL_PREFIX}{self.value}.md"

    @property
    def url(self) -> str:
        """The shell's URL, relative to the site root: what the fill replaces by a page's."""
        return self.source.removesuffix(".md") + "/"


SHELL_PREFIX = "_unkept_shell_"
"""Starts every shell's file name: `_` is in no case id or brand slug, so no page can be one."""
TITLE = "x-unkept-shell-title"
BRAND = "x-unkept-shell-brand"
DESCRIPTION = "x-unkept-shell-description"
FEED = "x-unkept-shell-feed"
BODY = "<h1>x-unkept-shell-body</h1>"
"""A heading, so that the theme adds none of its own above a body that brings its own."""
URL = "x-unkept-shell-url"
"""Stands for the shell's URL in the segments, once found (it is not printed as such)."""
TRACES = ("x-unkept-shell", SHELL_PREFIX)
"""What would betray a marker left in a filled page."""


def shell_source(layout: Layout) -> str:
    """The shell's Markdown: front matter carrying the markers, and the body's marker.

    The front matter says what the theme needs of the page (its title, description, brand,
    feed); `search: exclude` keeps the shell out of the engine's search index.
    """
    lines = [
        "---",
        f"title: {TITLE}",
        f"description: {DESCRIPTION}",
        "hide:",
        "  - navigation",
        "  - toc",
        "search:",
        "  exclude: true",
    ]
    if layout is Layout.CASE:
        lines.append(f"unkept_brand: {BRAND}")
    if layout is not Layout.WITHDRAWN:
        lines.append(f"unkept_feed: feeds/{FEED}.xml")
    return "\n".join([*lines, "---", "", BODY, ""])


@dataclass(frozen=True)
class Values:
    """One page's own values, as the fill puts them in its shell."""

    url: str
    """Relative to the site root: `cases/acme-refund/`."""
    title: str
    description: str
    body: str
    """The page's content, already escaped by its template."""
    brand: str = ""
    """For a case page's window title."""
    feed: str = ""
    """The page's own feed under feeds/, without `.xml`: `cases/acme-refund` or `acme`."""


_MARKER = re.compile(
    "("
    + "|".join(re.escape(m) for m in (BODY, TITLE, BRAND, DESCRIPTION, FEED + ".xml", URL))
    + ")"
)
_BLANK_OR_INDENT = re.compile(r"\n[ \t]*(?=\n)|(?<=\n)[ \t]+")
"""Blank lines and indentation of the theme's markup: a data page has no `<pre>` in its
chrome, so the space carries nothing a reader sees (the body keeps its own)."""


@dataclass(frozen=True)
class Shell:
    """A rendered shell, cut at its markers: text, marker, text, marker, ... text."""

    layout: Layout
    parts: tuple[str, ...]
    """Even indexes: the theme's text; odd indexes: the marker that goes there."""
    digest: str
    """Changes when any byte the shell gives a page changes: part of each page's key."""

    @classmethod
    def parse(cls, layout: Layout, text: str) -> Shell:
        """Cut a rendered shell at its markers; a shell that cannot be filled safely stops
        the build with what is wrong."""
        text = _BLANK_OR_INDENT.sub("", text.replace(layout.url, URL))
        parts = tuple(_MARKER.split(text))  # the capturing group keeps the markers
        markers = parts[1::2]
        where = f"the shell of {layout.value} pages ({layout.source})"
        if markers.count(BODY) != 1:
            raise BuildFailed(
                f"{where}: the theme printed the page's body {markers.count(BODY)} times, not once"
            )
        if TITLE not in markers:
            raise BuildFailed(f"{where}: the theme printed no page title")
        for text_part in parts[::2]:
            for trace in TRACES:
                if trace in text_part:
                    raise BuildFailed(
                        f"{where}: the theme printed {trace!r} where unkept cannot fill it "
                        "(changed by a filter?)"
                    )
        digest = hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()
        return cls(layout, parts, digest)

    def fill(self, values: Values) -> tuple[str, int]:
        """The page: the shell with every marker replaced by the page's value, escaped;
        with the character offset where its body starts."""
        replacements = {
            TITLE: html.escape(values.title),
            BRAND: html.escape(values.brand),
            DESCRIPTION: html.escape(values.description),
            FEED + ".xml": html.escape(values.feed) + ".xml",
            URL: html.escape(values.url),
        }
        parts = self.parts
        out = []
        start = 0
        for i, part in enumerate(parts):
            if i % 2 == 0:
                out.append(part)
            elif part == BODY:
                start = sum(map(len, out))
                out.append(values.body)
            else:
                out.append(replacements[part])
        return "".join(out), start


def take_shells(site: Path) -> dict[Layout, Shell]:
    """Read each layout's shell from the built site, then remove it from the site."""
    shells = {}
    for layout in Layout:
        folder = site / layout.url
        try:
            text = (folder / "index.html").read_text("utf-8")
        except OSError as exc:
            raise BuildFailed(
                f"the site engine did not build the shell of {layout.value} pages: {exc.strerror}"
            ) from None
        shells[layout] = Shell.parse(layout, text)
        shutil.rmtree(folder)
    return shells
