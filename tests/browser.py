"""A real HTTP server on 127.0.0.1 for a built site, and Debian's Chromium driven by
Playwright (never a browser downloaded by Playwright)."""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """The system Chromium; a clear error when it is missing."""
    path = (
        os.environ.get("UNKEPT_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if not path:
        raise RuntimeError(
            "Chromium is not installed: run `make test` as root (it installs "
            "Debian's chromium), or `apt-get install chromium`, or set "
            "UNKEPT_CHROMIUM to a Chromium binary"
        )
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files as a static host does: gzip for text when the browser accepts it."""

    COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".csv")

    def log_message(self, format, *args):
        pass

    def handle(self):
        """A browser that leaves a page closes its connections: nothing to report."""
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()

    def send_error(self, code, message=None, explain=None):
        """A missing file gets the site's 404.html, as GitHub Pages serves it."""
        page = os.path.join(self.directory, "404.html")
        if code != 404 or not os.path.isfile(page):
            super().send_error(code, message, explain)
            return
        with open(page, "rb") as handle:
            body = handle.read()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?")[0].endswith("/"):
            path = os.path.join(path, "index.html")
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.endswith(self.COMPRESSIBLE) and os.path.isfile(path)):
            return super().send_head()
        with open(path, "rb") as handle:
            body = gzip.compress(handle.read(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on an ephemeral port of 127.0.0.1; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium browser (Playwright's Browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def search(page, words: str, has_text: str | None = None):
    """Type `words` into the theme's search box, as a reader does (Material reacts to key
    events); return the first result, or the first holding `has_text`, once shown."""
    page.locator("input.md-search__input").click()
    page.keyboard.type(words)
    result = page.locator(".md-search-result__item", has_text=has_text).first
    result.wait_for(timeout=15_000)
    return result


def failed(request) -> bool:
    """Whether a failed request is an error of the page, not one the browser cancelled
    because the test went on to another page (the search worker fetches as a page loads)."""
    return request.failure != "net::ERR_ABORTED"
