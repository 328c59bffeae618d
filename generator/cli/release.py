"""`unkept release`: tag the month's first publish and attach its open data to a release."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from generator.cli.app import SHA, App, as_of_option, github, pass_app, repository_option
from generator.errors import UsageError


@click.command(short_help="Tag the month's first publish with its data.")
@as_of_option
@click.option("--commit", type=SHA, required=True, help="The published commit's full SHA.")
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("site/data"),
    show_default=True,
    help="The built site's open data.",
)
@repository_option
@pass_app
def release(
    app: App, as_of: dt.date | None, commit: str, data_dir: Path, repository: str | None
) -> None:
    """On the first publish of a month, tag the commit ranking-YYYY-MM-DD.

    Attaches the day's open data to a GitHub release. Needs GITHUB_TOKEN.
    """
    from generator.github.releases import DATA_FILES, release_snapshot

    day = app.as_of(as_of)
    missing = [n for n in DATA_FILES if not (data_dir / n).is_file()]
    if missing:
        raise UsageError(f"{data_dir}: missing {', '.join(missing)}; run unkept build")
    tag = release_snapshot(github(app, repository), data_dir, as_of=day, commit=commit)
    click.echo(f"Released {tag}" if tag else f"{day:%Y-%m} already has its snapshot; nothing to do")
