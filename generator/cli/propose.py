"""`unkept propose`: put files on a work branch and open (or reuse) a pull request."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import click

from generator.cli.app import App, github, pass_app, repository_option
from generator.errors import UsageError


@click.command(short_help="Propose files as a pull request.")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="PATH..."
)
@click.option("--branch", required=True, help="The work branch (never the base branch).")
@click.option("--base", default="main", show_default=True, help="The branch to merge into.")
@click.option("--title", required=True, help="The pull request's title.")
@click.option(
    "--body-file",
    type=click.File("r", encoding="utf-8"),
    help="The pull request's description (default: its title).",
)
@repository_option
@pass_app
def propose(
    app: App,
    paths: tuple[Path, ...],
    branch: str,
    base: str,
    title: str,
    body_file: TextIO | None,
    repository: str | None,
) -> None:
    """Put PATH... on a work branch through GitHub's API and open a pull request.

    Never pushes to the base branch. Needs GITHUB_TOKEN.
    """
    from generator.github.proposals import propose as open_pull_request

    for path in paths:
        if path.is_absolute() or ".." in path.parts or not (app.root / path).is_file():
            raise UsageError(f"{path}: expected a file inside the project")
    result = open_pull_request(
        github(app, repository),
        app.root,
        [p.as_posix() for p in paths],
        branch=branch,
        base=base,
        title=title,
        body=body_file.read() if body_file else title,
    )
    verb = "Opened" if result.created else "Updated"
    click.echo(f"{verb} {result.pull_url} from {result.branch}")
