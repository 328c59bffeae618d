"""`unkept from-issue`: turn the answers of the new-case issue form into a checked case file."""

from __future__ import annotations

import datetime as dt
from typing import TextIO

import click

from generator.cli.app import LOGIN, App, as_of_option, pass_app
from generator.errors import FormError, InvalidData, UsageError


@click.command("from-issue", short_help="Turn a new-case issue into a case file.")
@click.option(
    "--body-file",
    type=click.File("r", encoding="utf-8"),
    required=True,
    help="The issue's body (- for standard input).",
)
@click.option(
    "--author", type=LOGIN, required=True, help="The issue's author, recorded as submitted_by."
)
@click.option("--number", type=click.IntRange(min=1), required=True, help="The issue's number.")
@as_of_option
@pass_app
def from_issue(
    app: App, body_file: TextIO, author: str, number: int, as_of: dt.date | None
) -> None:
    """Turn the answers of the new-case issue form into a case file, checked like any other.

    Prints the files written; writes nothing when the case has problems.
    """
    from generator.github.issue_form import draft, sections, write_draft

    day = app.as_of(as_of)
    cases_dir = app.root / app.settings.cases_dir
    try:
        made = draft(
            sections(body_file.read()), cases_dir=cases_dir, author=author, today=day, number=number
        )
        written = write_draft(made, cases_dir, number)
    except FormError as exc:
        raise FormError(f"issue #{number}: {exc}") from None
    except FileExistsError as exc:
        raise UsageError(f"{exc.filename}: already exists") from exc
    corpus = app.load(day, written)
    if corpus.problems:
        for path in reversed(written):
            path.unlink()
        if not any(written[-1].parent.iterdir()):
            written[-1].parent.rmdir()
        raise InvalidData(f"issue #{number}: the case was not written", corpus.problems)
    for path in written:
        click.echo(app.relative(path))
