"""`unkept today`: today's date in the tracker's time zone, the default as-of date."""

from __future__ import annotations

import click

from generator.cli.app import App, pass_app


@click.command(short_help="Print today's date in the tracker's time zone.")
@pass_app
def today(app: App) -> None:
    """Print today's date in the tracker's time zone (unkept.toml).

    It is the default as-of date of every command.
    """
    click.echo(app.settings.today().isoformat())
