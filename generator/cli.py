"""The `unkept` command: a thin layer over the library that turns failures into messages.

Exit status: 0 when all is well, 1 when the data is invalid, 2 when the command itself is
wrong (unknown option, bad date, missing path).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .build import BuildFailed, build_site
from .corpus import Corpus, UsageError, load_corpus
from .engine import case_statuses
from .problems import render_problems
from .report import status_json, status_table
from .settings import Settings, SettingsError, load_settings
from .skeleton import new_case

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def plural(count: int, noun: str) -> str:
    """`1 file`, `2 files`."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else _bad_date(text)
    except ValueError:
        return _bad_date(text)


def _bad_date(text: str) -> dt.date:
    raise argparse.ArgumentTypeError(f"expected a date like 2026-01-31, got {text!r}")


def build_parser() -> argparse.ArgumentParser:
    """The command line: `unkept check`, `unkept status`, `unkept new`."""
    parser = argparse.ArgumentParser(
        prog="unkept",
        description="Validate complaint cases and compute whether brands kept their promises.",
    )
    parser.add_argument("--version", action="version", version=f"unkept {__version__}")
    parser.add_argument(
        "--root",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the project's root folder, holding cases/ (default: .)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="validate brands and cases; report every problem",
        description="Validate brands and cases; report every problem.",
    )
    check.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="case files or folders under cases/ (default: all of cases/)",
    )
    _add_as_of(check)
    check.add_argument(
        "--format",
        choices=("text", "github", "json"),
        default="text",
        help="text for people, github for workflow annotations, json",
    )
    check.set_defaults(func=cmd_check)

    status = commands.add_parser(
        "status",
        help="show every promise's status on a day",
        description="Show every promise's status on a day.",
    )
    status.add_argument("cases", nargs="*", metavar="CASE", help="case ids (default: all)")
    _add_as_of(status)
    status.add_argument("--format", choices=("table", "json"), default="table")
    status.set_defaults(func=cmd_status)

    build = commands.add_parser(
        "build",
        help="check the cases and build the site into site/",
        description="Check the cases, then build the whole site with "
        "MkDocs into site/. A failed build leaves site/ as it was.",
    )
    _add_as_of(build)
    build.add_argument(
        "--site-dir",
        default="site",
        metavar="DIR",
        help="where to put the site, relative to the root (default: site)",
    )
    build.set_defaults(func=cmd_build)

    new = commands.add_parser(
        "new",
        help="write a new case file from the template",
        description="Write a new, valid case file for BRAND from "
        "cases/_template.yml; never overwrites a file.",
    )
    new.add_argument("brand", metavar="BRAND", help="the brand's folder name, like acme-telecom")
    new.add_argument(
        "--by",
        default="your-github-handle",
        metavar="HANDLE",
        help="your GitHub user name, recorded as submitted_by",
    )
    new.add_argument("--country", metavar="CC", help="your country (ISO 3166-1 alpha-2)")
    _add_as_of(new)
    new.set_defaults(func=cmd_new)
    return parser


def _add_as_of(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-of",
        type=_date,
        metavar="YYYY-MM-DD",
        help="the day to compute for (default: today in the tracker's time zone)",
    )


def _as_of(args: argparse.Namespace, settings: Settings) -> dt.date:
    return args.as_of or settings.today()


def _load(args: argparse.Namespace, settings: Settings, paths: Sequence[Path] = ()) -> Corpus:
    return load_corpus(
        args.root, cases_dir=settings.cases_dir, as_of=_as_of(args, settings), paths=paths
    )


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """Validate and report; exit 1 if anything is wrong."""
    corpus = _load(args, settings, args.paths)
    problems = list(corpus.problems)
    if args.format == "json":
        print(render_problems(problems, "json"))
    elif problems:
        print(render_problems(problems, args.format))
    if args.format != "json":
        verdict = plural(len(problems), "problem") if problems else "no problems"
        print(
            f"Checked {plural(corpus.files_checked, 'file')} "
            f"({plural(len(corpus.brands), 'brand')}, {plural(len(corpus.cases), 'valid case')}): "
            f"{verdict}.",
            file=sys.stderr if problems else sys.stdout,
        )
    return EXIT_INVALID if problems else EXIT_OK


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    """Print each promise's status; refuses to when any file is invalid."""
    as_of = _as_of(args, settings)
    corpus = _load(args, settings)
    if corpus.problems:
        print(render_problems(list(corpus.problems), "text"), file=sys.stderr)
        print(
            f"unkept: {len(corpus.problems)} problems; fix them (see unkept check) to see statuses",
            file=sys.stderr,
        )
        return EXIT_INVALID
    known = {c.id for c in corpus.cases}
    unknown = [c for c in args.cases if c not in known]
    if unknown:
        raise UsageError(f"no case with id {', '.join(map(repr, unknown))}")
    wanted = set(args.cases) or known
    statuses = [
        s
        for case in corpus.cases
        if case.id in wanted
        for s in case_statuses(case, as_of, stale_days=settings.stale_days)
    ]
    if args.format == "json":
        print(status_json(statuses, as_of=as_of.isoformat()))
    else:
        print(f"Promise statuses as of {as_of.isoformat()}")
        print(status_table(statuses))
    return EXIT_OK


def cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    """Build the site; on failure print why and leave the previous site in place."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("mkdocs: %(levelname)s: %(message)s"))
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(handler)
    mkdocs_log.setLevel(logging.WARNING)
    mkdocs_log.propagate = False
    try:
        result = build_site(
            args.root, as_of=_as_of(args, settings), settings=settings, site_dir=args.site_dir
        )
    except BuildFailed as exc:
        if exc.problems:
            print(render_problems(list(exc.problems), "text"), file=sys.stderr)
        print(f"unkept: {exc}; the previous {args.site_dir}/ is unchanged.", file=sys.stderr)
        return EXIT_INVALID
    finally:
        mkdocs_log.removeHandler(handler)
    print(
        f"Built {args.site_dir}/ as of {result.as_of} (data commit {result.commit}): "
        f"{plural(result.brands, 'brand')}, {plural(result.cases, 'case')}, "
        f"{plural(result.pages, 'page')}; generator {result.seconds_generator:.1f} s, "
        f"MkDocs {result.seconds_mkdocs:.1f} s."
    )
    return EXIT_OK


def cmd_new(args: argparse.Namespace, settings: Settings) -> int:
    """Write a new case skeleton; never overwrite."""
    path = new_case(
        args.root.absolute(),
        settings.cases_dir,
        args.brand,
        today=_as_of(args, settings),
        by=args.by,
        country=args.country,
    )
    print(
        f"Wrote {path.relative_to(args.root.absolute()).as_posix()}: fill it in, then run "
        "`unkept check` on it."
    )
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.root)
        return args.func(args, settings)
    except (UsageError, SettingsError) as exc:
        print(f"unkept: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `unkept status | head`
        sys.stderr.close()
        return EXIT_OK
