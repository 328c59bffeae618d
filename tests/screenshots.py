"""`make screenshots`: PNGs of the home, ranking, one brand and one case page of a built site,
for a reviewer to look at. Usage: python -m tests.screenshots SITE_DIR OUT_DIR"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from tests.browser import chromium, serve

PAGES = {
    "home": "",
    "ranking": "ranking/",
    "brand": "brands/norteva-telecom/",
    "case": "cases/norteva-fibre-outage-callback/",
}


def main(site: Path, out: Path, browser: object = None) -> list[Path]:
    """Write one full-page screenshot per page; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    own = chromium() if browser is None else contextlib.nullcontext(browser)
    with serve(site) as url, own as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for name, path in PAGES.items():
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
            target = out / f"{name}.png"
            page.screenshot(path=str(target), full_page=True)
            written.append(target)
    return written


if __name__ == "__main__":
    for written in main(Path(sys.argv[1]), Path(sys.argv[2])):
        print(f"Wrote {written}")
