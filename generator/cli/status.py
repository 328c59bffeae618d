"""`unkept status`: every promise's status on a day, as a table or JSON."""

from __future__ import annotations

import datetime as dt

import click

from generator.cli.app import App, as_of_option, pass_app, plural
from generator.errors import InvalidData, UsageError
from generator.export.status_report import status_json, status_table
from generator.model.statuses import case_statuses


@click.command(short_help="Show every promise's status on a day.")
@click.argument("cases", nargs=-1, metavar="[CASE]...")
@as_of_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@pass_app
def status(app: App, cases: tuple[str, ...], as_of: dt.date | None, fmt: str) -> None:
    """Show the status of every promise (or of the cases named) on a day.

    Refuses when any file is invalid: fix what `unkept check` reports first.
    """
    day = app.as_of(as_of)
    corpus = app.load(day)
    if corpus.problems:
        raise InvalidData(
            f"{plural(len(corpus.problems), 'problem')}; fix them (see unkept check) to see "
            "statuses",
            corpus.problems,
        )
    known = {c.id for c in corpus.cases}
    unknown = [c for c in cases if c not in known]
    if unknown:
        raise UsageError(f"no case with id {', '.join(map(repr, unknown))}")
    wanted = set(cases) or known
    statuses = [
        s
        for case in corpus.cases
        if case.id in wanted
        for s in case_statuses(
            case,
            day,
            stale_days=app.settings.stale_days,
            confirm_days=app.settings.confirm_days,
            rules=app.settings.deadlines,
        )
    ]
    if fmt == "json":
        click.echo(status_json(statuses, as_of=day.isoformat()))
    else:
        click.echo(f"Promise statuses as of {day.isoformat()}")
        click.echo(status_table(statuses))
