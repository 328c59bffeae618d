"""The `unkept` command: a thin click layer over the library.

Each command is a module of its own here. This one holds the group and the edge where every
`UnkeptError` becomes a message and an exit status: 0 when all is well, 1 when the data is
invalid or the work failed, 2 when the command itself is wrong.
"""

from __future__ import annotations

import atexit
import gc
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from generator import __version__
from generator.cli.app import App
from generator.cli.archive import archive
from generator.cli.build import build
from generator.cli.check import check
from generator.cli.diff import diff
from generator.cli.from_issue import from_issue
from generator.cli.new import new
from generator.cli.propose import propose
from generator.cli.release import release
from generator.cli.remind import remind
from generator.cli.status import status
from generator.cli.today import today
from generator.errors import ExitStatus, UnkeptError, os_error_text
from generator.load.problems import render_problems
from generator.load.settings import load_settings


def report(error: UnkeptError) -> ExitStatus:
    """Print an error (and the problems it carries) on stderr; its exit status."""
    problems = getattr(error, "problems", ())
    if problems:
        click.echo(render_problems(list(problems), "text"), err=True)
    for answer in getattr(error, "answers", ()):  # a FormError's, in the form's words
        click.echo(answer, err=True)
    click.echo(f"unkept: error: {error}", err=True)
    return error.exit_status


class _Warnings(logging.Handler):
    """Shows the library's warnings on stderr, as `unkept: warning: ...`."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"unkept: warning: {record.getMessage()}", err=True)


_LOG = logging.getLogger("unkept")
_LOG.addHandler(_Warnings(logging.WARNING))
_LOG.propagate = False


class Unkept(click.Group):
    """The group: runs a command and turns what it raises or returns into an exit status."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            status = super().invoke(ctx)
        except UnkeptError as error:
            status = report(error)
        except OSError as error:  # a file unkept must write could not be (a cache, an output)
            root = ctx.obj.root if isinstance(ctx.obj, App) else Path(".")
            click.echo(f"unkept: error: {os_error_text(error, root)}", err=True)
            status = ExitStatus.INVALID
        if status:
            ctx.exit(int(status))
        return status


@click.group(cls=Unkept, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="unkept", message="%(prog)s %(version)s")
@click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    show_default=True,
    metavar="DIR",
    help="The project's root folder, holding unkept.toml and cases/.",
)
@click.pass_context
def unkept(ctx: click.Context, root: Path) -> None:
    """Validate complaint cases and compute whether brands kept their promises."""
    root = root.absolute()
    ctx.obj = App(root, load_settings(root))


for command in (
    check,
    status,
    build,
    diff,
    archive,
    remind,
    from_issue,
    propose,
    release,
    today,
    new,
):
    unkept.add_command(command)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    atexit.register(_leave_the_rest_to_reference_counting)
    try:
        return int(
            unkept.main(
                args=list(argv) if argv is not None else None,
                prog_name="unkept",
                standalone_mode=False,
            )
            or 0
        )
    except click.ClickException as error:  # a usage error: unknown option, bad value
        error.show()
        return error.exit_code
    except click.exceptions.Exit as done:  # --help, --version, or a command's own exit
        return done.exit_code
    except click.Abort:
        click.echo("Aborted!", err=True)
        return ExitStatus.INVALID
    except BrokenPipeError:  # `unkept status | head`
        sys.stderr.close()
        return ExitStatus.OK


def _leave_the_rest_to_reference_counting() -> None:
    """At exit, move every object out of the cyclic garbage collector's reach: Python's
    shutdown otherwise collected over everything a command leaves alive, 0.7-0.8 s of a
    7 s rebuild at 10,000 cases. Reference counting still frees it all, and every file is
    closed by then (each write is a `with` block or an atomic replace)."""
    gc.freeze()
