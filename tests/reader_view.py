"""What a reader gets from every page of a built site, read in Chromium: its window title,
visible text, links and the tags a link preview or a feed reader uses.

The snapshot in tests/data/reader-view.json was taken from the demo site as MkDocs built
every page of it (before the generator filled the case and brand pages into the theme's
shells); test_browser compares every build with it, so that a change a reader would notice
is a decision, not an accident. After such a decision, write it again:

    python -m tests.reader_view SITE_DIR tests/data/reader-view.json
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from tests.browser import chromium, serve

SNAPSHOT = Path(__file__).parent / "data" / "reader-view.json"
_COMMIT = re.compile(r"\b[0-9a-f]{12}\b")
"""The data's commit: each test project is a new repository, so its commit differs."""
_SEARCH_STATE = re.compile(
    "Initializing search|Type to start searching|Initialisation de la recherche|Taper pour d.marrer la recherche"
)
"""The search box's placeholder, which says whether the index has loaded yet: a race."""
_READ = """() => {
  const meta = (s) => [...document.querySelectorAll(s)].map((e) =>
    (e.getAttribute('content') || e.getAttribute('href') || '') +
    (e.getAttribute('title') ? ' | ' + e.getAttribute('title') : ''));
  return {
    title: document.title,
    text: document.body.innerText,
    links: [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')),
    head: [
      ...meta('meta[name=description]'), ...meta('link[rel=canonical]'),
      ...meta('meta[property^="og:"]'), ...meta('link[rel~=alternate]'),
    ],
  };
}"""


def normalised(view: dict) -> dict:
    """One page's view with the data's commit replaced and white space runs made one."""
    text = json.dumps(view, ensure_ascii=False)
    view = json.loads(_COMMIT.sub("<commit>", text))
    text = re.sub(r"\s+", " ", view["text"]).strip()
    view["text"] = _SEARCH_STATE.sub("<search box>", text)
    return view


def pages(site: Path) -> list[str]:
    """Every HTML page of the site, by URL path, sorted."""
    found = []
    for path in site.rglob("*.html"):
        relative = path.relative_to(site).as_posix()
        found.append(relative.removesuffix("index.html"))
    return sorted(found)


def read(site: Path, browser: object) -> dict[str, dict]:
    """Every page's reader view, by URL path."""
    views = {}
    with serve(site) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        for path in pages(site):
            page.goto(url + path)
            views[path] = normalised(page.evaluate(_READ))
        context.close()
    return views


if __name__ == "__main__":
    with chromium() as b:
        snapshot = read(Path(sys.argv[1]), b)
    Path(sys.argv[2]).write_text(
        json.dumps(snapshot, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8"
    )
    print(f"Wrote {len(snapshot)} pages to {sys.argv[2]}")
