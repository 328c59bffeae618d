"""`unkept archive`: keep a Wayback Machine copy of every evidence and source link."""

from __future__ import annotations

import datetime as dt
import time

import click

from generator.cli.app import App, as_of_option, max_requests_option, pass_app
from generator.errors import ExitStatus


@click.command(short_help="Archive evidence links in the Wayback Machine.")
@as_of_option
@max_requests_option(200)
@click.option(
    "--max-minutes",
    type=click.IntRange(min=1),
    default=40,
    show_default=True,
    help="Start no request after this many minutes; the rest waits for the next run.",
)
@pass_app
def archive(app: App, as_of: dt.date | None, max_requests: int, max_minutes: int) -> int:
    """Archive every evidence and source link not yet archived.

    Also checks that the originals still answer. Results go to archive/evidence.json, never
    into the case files. Exits 1 when some links failed (what succeeded is kept).
    """
    from generator.github.http import WebClient
    from generator.github.wayback import Endpoints, archive_links
    from generator.load.archive_records import ARCHIVE_FILE

    stop_at = time.monotonic() + 60 * max_minutes
    day = app.as_of(as_of)
    corpus = app.load_valid(day)
    settings = app.settings

    def client(base_url: str, retries: int = 4) -> WebClient:
        return WebClient(
            base_url,
            max_requests=max_requests,
            retries=retries,
            timeout=settings.http_timeout,
            backoff=settings.http_backoff,
            stop_at=stop_at,
        )

    summary = archive_links(
        corpus.cases,
        path=app.root / ARCHIVE_FILE,
        today=day,
        wayback=client(settings.wayback_availability),
        originals=client("", retries=1),
        endpoints=Endpoints.of(settings),
    )
    click.echo(summary.text())
    return ExitStatus.INVALID if summary.failed else ExitStatus.OK
