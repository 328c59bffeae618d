"""What the site engine would have done for the data pages, done once after it: their
entries in the search index and in the sitemap, and the shells taken out of both."""

from __future__ import annotations

import datetime as dt
import gzip
import html
import json
import re
from pathlib import Path

from generator.site.plan import Page
from generator.site.shells import SHELL_PREFIX, Layout

SEARCH_INDEX = "search/search_index.json"
CASE_INDEX = "search/cases.json"
"""Every case for search, compact: Unkept's search worker adds them to the theme's index
(site_templates/assets/javascripts/workers/unkept-search.js)."""
_URL_ENTRY = re.compile(r"\s*<url>\s*<loc>([^<]*)</loc>(?:\s*<lastmod>([^<]*)</lastmod>)?\s*</url>")


def search_entry(page: Page) -> dict[str, str]:
    """A data page in the search index: its URL, its title and its names. The index's text
    is HTML to the theme's search, so names are escaped (the title is safe already)."""
    return {"location": page.url, "title": page.title, "text": html.escape(page.search_text)}


def case_index(pages: list[Page]) -> dict[str, list]:
    """The searchable case pages in the compact form the search worker expands: each case as
    `[id, title, n]`, its entry being `{"location": "cases/<id>/", "title": title, "text":
    names[n]}`; a brand's names are written once, not once per case."""
    names: dict[str, int] = {}
    cases = []
    for page in pages:
        entry = search_entry(page)
        case_id = page.url.removeprefix("cases/").removesuffix("/")
        cases.append([case_id, entry["title"], names.setdefault(entry["text"], len(names))])
    return {"names": list(names), "cases": cases}


def add_to_search_index(site: Path, pages: list[Page]) -> None:
    """Put the searchable data pages into search, and take any shell out of it: brands into
    the engine's index, cases into the compact CASE_INDEX beside it.

    Both are written compact: at 100,000 cases every byte a case costs is a tenth of a
    megabyte each reader downloads. In the theme's format a case cost at least 121 bytes
    (14.8 MB at 100,000 cases); here about 90."""
    path = site / SEARCH_INDEX
    index = json.loads(path.read_text("utf-8"))
    docs = [d for d in index["docs"] if SHELL_PREFIX not in d.get("location", "")]
    searched = [p for p in pages if p.search]
    docs += [search_entry(p) for p in searched if p.layout is not Layout.CASE]
    index["docs"] = docs
    path.write_text(_compact(index), "utf-8")
    cases = case_index([p for p in searched if p.layout is Layout.CASE])
    (site / CASE_INDEX).write_text(_compact(cases), "utf-8")


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def add_to_sitemap(site: Path, pages: list[Page], shell_url: str, as_of: dt.date) -> None:
    """Rewrite sitemap.xml and its gzip copy with the data pages in place of the shells.

    The engine's entries are kept in their order, then the data pages follow in theirs; a
    page's address is made like the shell's (the site's URL, or the root when it has none).
    `as_of` dates the gzip copy, as the engine dated its own.
    """
    path = site / "sitemap.xml"
    if not path.is_file():  # an engine that writes none
        return
    entries = _URL_ENTRY.findall(path.read_text("utf-8"))
    shell = next(((loc, day) for loc, day in entries if loc.endswith(shell_url)), None)
    kept = [(loc, day) for loc, day in entries if SHELL_PREFIX not in loc]
    if shell is not None:
        prefix = html.unescape(shell[0]).removesuffix(shell_url)
        kept += [(html.escape(prefix + p.url), shell[1]) for p in pages]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for loc, day in kept:
        lines += ["    <url>", f"         <loc>{loc}</loc>"]
        if day:
            lines.append(f"         <lastmod>{day}</lastmod>")
        lines.append("    </url>")
    text = "\n".join([*lines, "</urlset>"]) + "\n"
    path.write_text(text, "utf-8")
    stamp = int(dt.datetime.combine(as_of, dt.time(), dt.UTC).timestamp())
    with (
        open(site / "sitemap.xml.gz", "wb") as raw,
        gzip.GzipFile(fileobj=raw, filename="sitemap.xml.gz", mode="wb", mtime=stamp) as gz,
    ):
        gz.write(text.encode("utf-8"))
