"""`unkept check`: validate brands and cases, and report every problem at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from generator.cli.app import App, as_of_option, pass_app, plural
from generator.errors import ExitStatus, UsageError
from generator.load.cache import CACHE_DIR, CHECK_INDEX, CheckCache
from generator.load.problems import render_problems, sort_problems


@click.command(short_help="Validate brands and cases; report every problem.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[PATH]...")
@as_of_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "github", "json"]),
    default="text",
    show_default=True,
    help="text for people, github for workflow annotations, json for programs.",
)
@click.option("--no-cache", is_flag=True, help=f"Read every file again, ignoring {CACHE_DIR}/.")
@click.option(
    "--author", metavar="LOGIN", help="Also apply the ownership rules to a pull request by LOGIN."
)
@click.option(
    "--base", metavar="REF", help="The branch the pull request goes into (with --author)."
)
@pass_app
def check(
    app: App,
    paths: tuple[Path, ...],
    as_of: dt.date | None,
    fmt: str,
    no_cache: bool,
    author: str | None,
    base: str | None,
) -> int:
    """Validate brands and cases (or those under PATH); report every problem.

    Exits 0 when all is valid, 1 when the data is invalid.
    """
    from generator.review.ownership import ownership_problems

    if bool(author) != bool(base):
        raise UsageError("--author and --base go together")
    if base:  # a pull request never judges itself: its settings are the base branch's
        app = app.at_base(base)
    cache = None if no_cache else CheckCache.load(app.root)
    if cache is not None and cache.ignored:
        click.echo(f"unkept: ignoring {CACHE_DIR}/{CHECK_INDEX}: {cache.ignored}", err=True)
    corpus = app.load(app.as_of(as_of), paths, keep_cases=False, cache=cache)
    if cache is not None:
        cache.save()
    problems = list(corpus.problems)
    if author and base:
        extra = ownership_problems(
            app.root, base, author, list(app.settings.maintainers), app.settings.cases_dir
        )
        problems = sort_problems([*problems, *extra])
    if fmt == "json" or problems:
        click.echo(render_problems(problems, fmt))
    if fmt != "json":
        verdict = plural(len(problems), "problem") if problems else "no problems"
        click.echo(
            f"Checked {plural(corpus.files_checked, 'file')} "
            f"({plural(len(corpus.brands), 'brand')}, {plural(corpus.valid_cases, 'valid case')}): "
            f"{verdict}.",
            err=bool(problems),
        )
    return ExitStatus.INVALID if problems else ExitStatus.OK
