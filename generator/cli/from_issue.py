"""`unkept from-issue`: turn the answers of the new-case issue form into a checked case file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TextIO

import click

from generator.cli.app import LOGIN, App, as_of_option, github, pass_app, repository_option
from generator.errors import FormError, UsageError
from generator.site.templates import TEMPLATES_DIR


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
@click.option(
    "--new-brand",
    is_flag=True,
    help="The brand is new even if its name is close to a brand's (a maintainer's choice).",
)
@click.option(
    "--reply",
    is_flag=True,
    help="Say the outcome on the issue: the problems (and the needs-changes label), or that "
    "the case is ready. Needs GITHUB_TOKEN.",
)
@click.option(
    "--propose",
    is_flag=True,
    help="Write a valid case and open its pull request (the issue was accepted). Needs "
    "GITHUB_TOKEN.",
)
@as_of_option
@repository_option
@pass_app
def from_issue(
    app: App,
    body_file: TextIO,
    author: str,
    number: int,
    new_brand: bool,
    reply: bool,
    propose: bool,
    as_of: dt.date | None,
    repository: str | None,
) -> None:
    """Turn the answers of the new-case issue form into a case file, checked like any other.

    Prints the files written; writes nothing and lists every problem, in the words of the
    form's questions, when the answers cannot make a case.
    """
    from generator.github import intake
    from generator.github.issue_form import choose_form, draft, write_draft
    from generator.github.proposals import propose as open_pull_request
    from generator.i18n import Language

    cases_dir = app.root / app.settings.cases_dir
    api = github(app, repository) if reply or propose else None
    body = body_file.read()
    form = choose_form(app.root, body)
    lang = Language.load(app.root / TEMPLATES_DIR, form.language, where=form.path)
    try:
        made = draft(
            body,
            form,
            root=app.root,
            cases_dir=cases_dir,
            author=author,
            number=number,
            today=app.as_of(as_of),
            new_brand=new_brand,
        )
    except FormError as error:
        if api is None:
            raise
        intake.reply(api, number, intake.problems_comment(error.answers, lang), needs_changes=True)
        click.echo(f"issue #{number}: {len(error.answers)} problems, said on the issue")
        return
    if not propose and api is not None:
        intake.reply(api, number, intake.ready_comment(lang), needs_changes=False)
        click.echo(f"issue #{number}: ready, said on the issue")
        return
    try:
        written = write_draft(made, cases_dir)
    except FileExistsError as exc:
        raise UsageError(f"{app.relative(Path(exc.filename))}: already exists") from exc
    for path in written:
        click.echo(app.relative(path))
    if api is not None:
        result = open_pull_request(
            api,
            app.root,
            [app.relative(p) for p in written],
            branch=f"case/issue-{number}",
            base="main",
            title=f"New case from issue #{number}",
            body=f"Made from issue #{number} by unkept from-issue. Closes #{number}.",
        )
        intake.reply(
            api, number, intake.proposed_comment(result.pull_url, lang), needs_changes=False
        )
        click.echo(f"Opened {result.pull_url}")
