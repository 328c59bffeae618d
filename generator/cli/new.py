"""`unkept new BRAND`: a new, valid case file from the template; never overwrites a file."""

from __future__ import annotations

import datetime as dt

import click

from generator.cli.app import COUNTRY, App, Pattern, as_of_option, pass_app
from generator.load.skeleton import new_case

HANDLE = Pattern(
    "HANDLE", r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?", "a GitHub user name like jane-doe"
)


@click.command(short_help="Write a new case file from the template.")
@click.argument("brand")
@click.option(
    "--by",
    type=HANDLE,
    default="your-github-handle",
    help="Your GitHub user name, recorded as submitted_by.",
)
@click.option("--country", type=COUNTRY, help="Your country (ISO 3166-1 alpha-2).")
@as_of_option
@pass_app
def new(app: App, brand: str, by: str, country: str | None, as_of: dt.date | None) -> None:
    """Write a new case file for BRAND (its folder name, like acme-telecom).

    Made from cases/_template.yml, with today's date; never overwrites a file.
    """
    path = new_case(
        app.root,
        app.settings.cases_dir,
        brand,
        today=app.as_of(as_of),
        by=by,
        country=country,
    )
    click.echo(f"Wrote {app.relative(path)}: fill it in, then run `unkept check` on it.")
