"""`unkept remind`: ask owners to confirm their open cases before they go stale."""

from __future__ import annotations

import datetime as dt

import click

from generator.cli.app import (
    App,
    as_of_option,
    github,
    max_requests_option,
    pass_app,
    repository_option,
)
from generator.errors import ExitStatus


@click.command(short_help="Remind owners of cases about to go stale.")
@as_of_option
@max_requests_option(100)
@click.option("--dry-run", is_flag=True, help="Say what would be done, and do nothing.")
@repository_option
@pass_app
def remind(
    app: App, as_of: dt.date | None, max_requests: int, dry_run: bool, repository: str | None
) -> int:
    """Open or update one GitHub issue per owner whose open cases will be stale within 14 days.

    Never opens a second one; closes it when nothing is left. Needs GITHUB_TOKEN.
    """
    from generator.github.reminders import remind as send_reminders

    day = app.as_of(as_of)
    corpus = app.load_valid(day)
    summary = send_reminders(
        github(app, repository, max_requests),
        corpus.cases,
        today=day,
        stale_days=app.settings.stale_days,
        dry_run=dry_run,
    )
    click.echo(summary.text())
    return ExitStatus.INVALID if summary.failed else ExitStatus.OK
