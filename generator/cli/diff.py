"""`unkept diff BASE`: what a change does to the tracker, as Markdown for a job summary."""

from __future__ import annotations

import datetime as dt

import click

from generator.cli.app import App, as_of_option, pass_app


@click.command(short_help="Report what a change does, as Markdown.")
@click.argument("base")
@as_of_option
@pass_app
def diff(app: App, base: str, as_of: dt.date | None) -> None:
    """Compare the cases with BASE (a git ref, like origin/main) at their merge base.

    Prints, as Markdown: cases added, changed or removed, promises that change status, and
    how the ranking moves.
    """
    from generator.review.report import compare, report

    app = app.at_base(base)  # the cases folder as the base has it, not as the change says
    old, new = compare(
        app.root,
        base,
        as_of=app.as_of(as_of),
        cases_dir=app.settings.cases_dir,
        stale_days=app.settings.stale_days,
        deadlines=app.settings.deadlines,
        confirm_days=app.settings.confirm_days,
    )
    click.echo(report(old, new, base=base), nl=False)
