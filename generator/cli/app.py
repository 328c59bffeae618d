"""What every command shares: the project it runs on, typed parameters, and small helpers."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from generator.errors import UsageError
from generator.load.loader import Corpus, load_corpus
from generator.load.settings import Settings

if TYPE_CHECKING:
    from generator.github.api import GitHub

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class App:
    """The project a command runs on: its root folder and its settings (`unkept.toml`)."""

    root: Path
    """The project's root, absolute."""
    settings: Settings

    def as_of(self, given: dt.date | None) -> dt.date:
        """The day to compute for: `--as-of`, else today in the tracker's time zone."""
        return given or self.settings.today()

    def load(self, as_of: dt.date, paths: Sequence[Path] = (), **options: Any) -> Corpus:
        """Every brand and case (or those under `paths`), checked on `as_of`."""
        return load_corpus(
            self.root, cases_dir=self.settings.cases_dir, as_of=as_of, paths=paths, **options
        )

    def load_valid(self, as_of: dt.date) -> Corpus:
        """The valid cases; says on stderr how many files were skipped for their problems."""
        corpus = self.load(as_of)
        files = sorted({p.file for p in corpus.problems})
        if files:
            click.echo(
                f"unkept: skipping {plural(len(files), 'file')} with problems (see unkept "
                f"check): {', '.join(files)}",
                err=True,
            )
        return corpus

    def at_base(self, base: str) -> App:
        """This project with its settings as they are at `base` (maintainers, cases_dir):
        a pull request is never judged by the settings it brings."""
        from generator.load.settings import SETTINGS_FILE, parse_settings
        from generator.review.git import file_at

        return App(self.root, parse_settings(file_at(self.root, base, SETTINGS_FILE)))

    def relative(self, path: Path) -> str:
        """`path` as shown to the user: relative to the root, with forward slashes."""
        return path.relative_to(self.root).as_posix()


pass_app = click.make_pass_decorator(App)


def plural(count: int, noun: str) -> str:
    """`1 file`, `2 files`."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


class IsoDate(click.ParamType):
    """A calendar date written `2026-01-31`."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: Any, ctx: Any) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            if len(value) == 10:
                return dt.date.fromisoformat(value)
        except ValueError:
            pass
        self.fail(f"expected a date like 2026-01-31, got {value!r}", param, ctx)


class Pattern(click.ParamType):
    """Text that must match a pattern, like a GitHub login or a commit SHA."""

    def __init__(self, name: str, pattern: str, example: str) -> None:
        self.name = name
        self.pattern = re.compile(pattern)
        self.example = example

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        if isinstance(value, str) and self.pattern.fullmatch(value):
            return value
        self.fail(f"expected {self.example}, got {value!r}", param, ctx)


LOGIN = Pattern(
    "LOGIN", r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?(?:\[bot\])?", "a GitHub user name"
)
REPOSITORY = Pattern(
    "OWNER/NAME", r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", "a repository like owner/name"
)
SHA = Pattern("SHA", r"[0-9a-f]{40}", "a full 40-character SHA")
COUNTRY = Pattern("CC", r"[A-Z]{2}", "a code like FR")


def as_of_option(command: F) -> F:
    """`--as-of YYYY-MM-DD`: the day to compute for."""
    return click.option(
        "--as-of",
        type=IsoDate(),
        help="The day to compute for (default: today in the tracker's time zone).",
    )(command)


def max_requests_option(default: int) -> Callable[[F], F]:
    """`--max-requests N`: a bound on the requests one run makes."""
    return click.option(
        "--max-requests",
        type=click.IntRange(min=1),
        default=default,
        show_default=True,
        metavar="N",
        help="Requests allowed in this run, retries included.",
    )


def repository_option(command: F) -> F:
    """`--repository owner/name`: the GitHub repository (GITHUB_REPOSITORY in workflows)."""
    return click.option(
        "--repository",
        type=REPOSITORY,
        envvar="GITHUB_REPOSITORY",
        help="The GitHub repository, owner/name (default: GITHUB_REPOSITORY, else "
        "repository in unkept.toml).",
    )(command)


def github(app: App, repository: str | None, max_requests: int = 100) -> GitHub:
    """The repository's GitHub API client; the token comes from GITHUB_TOKEN only."""
    from generator.github.api import GitHub
    from generator.github.http import WebClient

    token = os.environ.get("GITHUB_TOKEN")
    if not token:
        raise UsageError("GITHUB_TOKEN is not set")
    repo = repository or app.settings.repository
    if not REPOSITORY.pattern.fullmatch(repo):
        raise UsageError("set GITHUB_REPOSITORY (or repository in unkept.toml) to owner/name")
    settings = app.settings
    api = os.environ.get("UNKEPT_GITHUB_API") or settings.github_api
    client = WebClient(
        api,
        token=token,
        max_requests=max_requests,
        timeout=settings.http_timeout,
        backoff=settings.http_backoff,
    )
    return GitHub(client, repo)
