"""The `unkept` command: a thin layer over the library that turns failures into messages.

Exit status: 0 when all is well, 1 when the data is invalid, 2 when the command itself is
wrong (unknown option, bad date, missing path).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__
from generator.export.status_report import status_json, status_table
from generator.load.cache import CACHE_DIR, CHECK_INDEX, CheckCache

# Commands import what only they need (MkDocs, requests) when they run, so that a check
# starts fast.
from generator.load.loader import Corpus, UsageError, load_corpus
from generator.load.problems import os_error_text, render_problems, sort_problems
from generator.load.settings import Settings, SettingsError, load_settings
from generator.load.skeleton import new_case
from generator.model.statuses import case_statuses

if TYPE_CHECKING:
    from generator.github.api import GitHub

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
    check.add_argument(
        "--no-cache", action="store_true", help=f"read every file again, ignoring {CACHE_DIR}/"
    )
    check.add_argument(
        "--author",
        metavar="LOGIN",
        help="also apply the ownership rules to a pull request by LOGIN",
    )
    check.add_argument(
        "--base", metavar="REF", help="the branch the pull request goes into (with --author)"
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

    diff = commands.add_parser(
        "diff",
        help="report what a change does, as Markdown",
        description="Compare the cases with BASE (at their merge "
        "base): cases added, changed or removed, promises that change "
        "status, and how the ranking moves, as Markdown.",
    )
    diff.add_argument("base", metavar="BASE", help="a git ref, like origin/main")
    _add_as_of(diff)
    diff.set_defaults(func=cmd_diff)

    archive = commands.add_parser(
        "archive",
        help="archive evidence links in the Wayback Machine",
        description="Archive every evidence and source "
        "link not yet archived, and check that the originals still "
        "answer; results go to archive/evidence.json.",
    )
    _add_as_of(archive)
    archive.add_argument(
        "--max-requests",
        type=int,
        default=200,
        metavar="N",
        help="requests allowed in this run (default: 200)",
    )
    archive.set_defaults(func=cmd_archive)

    remind = commands.add_parser(
        "remind",
        help="remind owners of cases about to go stale",
        description="Open or update one GitHub issue per owner whose "
        "open cases will be stale within 14 days. Needs GITHUB_TOKEN.",
    )
    _add_as_of(remind)
    remind.add_argument("--max-requests", type=int, default=100, metavar="N")
    remind.add_argument("--dry-run", action="store_true", help="say what would be done")
    remind.set_defaults(func=cmd_remind)

    from_issue = commands.add_parser(
        "from-issue",
        help="turn a new-case issue into a case file",
        description="Turn the answers of the new-case issue form "
        "into a case file, checked like any other.",
    )
    from_issue.add_argument(
        "--body-file",
        type=Path,
        required=True,
        metavar="FILE",
        help="the issue's body (- for standard input)",
    )
    from_issue.add_argument(
        "--author",
        required=True,
        metavar="LOGIN",
        help="the issue's author, recorded as submitted_by",
    )
    from_issue.add_argument(
        "--number", type=int, required=True, metavar="N", help="the issue's number"
    )
    _add_as_of(from_issue)
    from_issue.set_defaults(func=cmd_from_issue)

    propose = commands.add_parser(
        "propose",
        help="propose files as a pull request",
        description="Put files on a work branch through GitHub's "
        "API and open a pull request; never pushes to the base "
        "branch. Needs GITHUB_TOKEN.",
    )
    propose.add_argument("paths", nargs="+", metavar="PATH")
    propose.add_argument("--branch", required=True)
    propose.add_argument("--base", default="main")
    propose.add_argument("--title", required=True)
    propose.add_argument("--body-file", type=Path, metavar="FILE")
    propose.set_defaults(func=cmd_propose)

    release = commands.add_parser(
        "release",
        help="tag the month's first publish with its data",
        description="On the first publish of a month, tag the commit "
        "ranking-YYYY-MM-DD and attach the day's open data to a GitHub "
        "release. Needs GITHUB_TOKEN.",
    )
    _add_as_of(release)
    release.add_argument("--commit", required=True, help="the published commit's full SHA")
    release.add_argument("--data-dir", type=Path, default=Path("site/data"), metavar="DIR")
    release.set_defaults(func=cmd_release)

    today = commands.add_parser(
        "today",
        help="print today's date in the tracker's time zone",
        description="Print today's date in the tracker's time zone "
        "(unkept.toml), the default as-of date of every command.",
    )
    today.set_defaults(func=lambda args, settings: print(settings.today().isoformat()) or 0)

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
    from generator.review.ownership import ownership_problems

    if bool(args.author) != bool(args.base):
        raise UsageError("--author and --base go together")
    root = args.root.absolute()
    cache = None if args.no_cache else CheckCache.load(root)
    if cache is not None and cache.ignored:
        print(f"unkept: ignoring {CACHE_DIR}/{CHECK_INDEX}: {cache.ignored}", file=sys.stderr)
    corpus = load_corpus(
        root,
        cases_dir=settings.cases_dir,
        as_of=_as_of(args, settings),
        paths=args.paths,
        keep_cases=False,
        cache=cache,
    )
    if cache is not None:
        cache.save()
    problems = list(corpus.problems)
    if args.author:
        problems = sort_problems(
            [
                *problems,
                *ownership_problems(
                    args.root.absolute(), args.base, args.author, list(settings.maintainers)
                ),
            ]
        )
    if args.format == "json":
        print(render_problems(problems, "json"))
    elif problems:
        print(render_problems(problems, args.format))
    if args.format != "json":
        verdict = plural(len(problems), "problem") if problems else "no problems"
        print(
            f"Checked {plural(corpus.files_checked, 'file')} "
            f"({plural(len(corpus.brands), 'brand')}, {plural(corpus.valid_cases, 'valid case')}): "
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
    from generator.site.build import BuildFailed, build_site

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
        f"{plural(result.pages, 'page')} ({result.rendered:,} rendered, the others unchanged); "
        f"generator {result.seconds_generator:.1f} s, "
        f"MkDocs {result.seconds_mkdocs:.1f} s."
    )
    return EXIT_OK


def cmd_diff(args: argparse.Namespace, settings: Settings) -> int:
    """Print the Markdown report of what the change since BASE does."""
    from generator.review.report import compare, report

    old, new = compare(
        args.root.absolute(),
        args.base,
        as_of=_as_of(args, settings),
        cases_dir=settings.cases_dir,
        stale_days=settings.stale_days,
    )
    print(report(old, new, base=args.base), end="")
    return EXIT_OK


def _github(settings: Settings, max_requests: int = 100) -> GitHub:
    """The repository's GitHub API client, from GITHUB_TOKEN and GITHUB_REPOSITORY."""
    from generator.github.api import GitHub
    from generator.github.http import WebClient

    token = os.environ.get("GITHUB_TOKEN")
    repo = os.environ.get("GITHUB_REPOSITORY") or settings.repository
    if not token:
        raise UsageError("GITHUB_TOKEN is not set")
    if not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", repo or ""):
        raise UsageError("set GITHUB_REPOSITORY (or repository in unkept.toml) to owner/name")
    api = os.environ.get("UNKEPT_GITHUB_API") or settings.github_api
    return GitHub(
        WebClient(
            api,
            token=token,
            max_requests=max_requests,
            timeout=settings.http_timeout,
            backoff=settings.http_backoff,
        ),
        repo,
    )


def _load_valid(args: argparse.Namespace, settings: Settings) -> Corpus:
    """The valid cases; says on stderr how many files were skipped for their problems."""
    corpus = _load(args, settings)
    files = sorted({p.file for p in corpus.problems})
    if files:
        print(
            f"unkept: skipping {plural(len(files), 'file')} with problems (see unkept "
            f"check): {', '.join(files)}",
            file=sys.stderr,
        )
    return corpus


def cmd_archive(args: argparse.Namespace, settings: Settings) -> int:
    """Archive links; exit 1 when some failed (what succeeded is kept)."""
    from generator.github.http import WebClient
    from generator.github.wayback import ARCHIVE_FILE, ArchiveFileError, Endpoints
    from generator.github.wayback import archive as archive_links

    corpus = _load_valid(args, settings)
    endpoints = Endpoints(
        settings.wayback_availability, settings.wayback_save, settings.wayback_web
    )
    try:
        summary = archive_links(
            corpus.cases,
            path=args.root.absolute() / ARCHIVE_FILE,
            today=_as_of(args, settings),
            wayback=WebClient(
                settings.wayback_availability,
                max_requests=args.max_requests,
                timeout=settings.http_timeout,
                backoff=settings.http_backoff,
            ),
            originals=WebClient(
                "",
                max_requests=args.max_requests,
                retries=1,
                timeout=settings.http_timeout,
                backoff=settings.http_backoff,
            ),
            endpoints=endpoints,
        )
    except ArchiveFileError as exc:
        raise UsageError(str(exc)) from exc
    print(summary.text())
    return EXIT_INVALID if summary.failed else EXIT_OK


def cmd_remind(args: argparse.Namespace, settings: Settings) -> int:
    """Open or update reminder issues; exit 1 when some failed."""
    from generator.github.http import ServiceError
    from generator.github.reminders import remind

    corpus = _load_valid(args, settings)
    try:
        summary = remind(
            _github(settings, args.max_requests),
            corpus.cases,
            today=_as_of(args, settings),
            stale_days=settings.stale_days,
            dry_run=args.dry_run,
        )
    except ServiceError as exc:
        print(f"unkept: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(summary.text())
    return EXIT_INVALID if summary.failed else EXIT_OK


def cmd_from_issue(args: argparse.Namespace, settings: Settings) -> int:
    """Write the case an issue describes, checked; exit 1 with the reasons otherwise."""
    from generator.github.issue_form import FormError, draft, sections, write_draft

    root = args.root.absolute()
    body = sys.stdin.read() if str(args.body_file) == "-" else args.body_file.read_text("utf-8")
    as_of = _as_of(args, settings)
    cases_dir = root / settings.cases_dir
    try:
        made = draft(
            sections(body), cases_dir=cases_dir, author=args.author, number=args.number, today=as_of
        )
        written = write_draft(made, cases_dir, args.number)
    except FormError as exc:
        print(f"issue #{args.number}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except FileExistsError as exc:
        raise UsageError(f"{exc.filename}: already exists") from exc
    corpus = load_corpus(root, cases_dir=settings.cases_dir, as_of=as_of, paths=written)
    if corpus.problems:
        print(render_problems(list(corpus.problems), "text"), file=sys.stderr)
        for path in reversed(written):
            path.unlink()
        if not any(written[-1].parent.iterdir()):
            written[-1].parent.rmdir()
        return EXIT_INVALID
    for path in written:
        print(path.relative_to(root).as_posix())
    return EXIT_OK


def cmd_propose(args: argparse.Namespace, settings: Settings) -> int:
    """Open (or reuse) a pull request with the files."""
    from generator.github.http import ServiceError
    from generator.github.publishing import propose

    root = args.root.absolute()
    for path in args.paths:
        if not (root / path).is_file() or ".." in Path(path).parts:
            raise UsageError(f"{path}: expected a file inside the project")
    body = args.body_file.read_text("utf-8") if args.body_file else args.title
    try:
        result = propose(
            _github(settings),
            root,
            list(args.paths),
            branch=args.branch,
            base=args.base,
            title=args.title,
            body=body,
        )
    except (ServiceError, ValueError) as exc:
        print(f"unkept: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(f"{'Opened' if result.created else 'Updated'} {result.pull_url} from {result.branch}")
    return EXIT_OK


def cmd_release(args: argparse.Namespace, settings: Settings) -> int:
    """Tag and release the month's first publish."""
    from generator.github.http import ServiceError
    from generator.github.publishing import DATA_FILES, release

    as_of = _as_of(args, settings)
    if not re.fullmatch(r"[0-9a-f]{40}", args.commit):
        raise UsageError(f"--commit: expected a full 40-character SHA, got {args.commit!r}")
    missing = [n for n in DATA_FILES if not (args.data_dir / n).is_file()]
    if missing:
        raise UsageError(f"{args.data_dir}: missing {', '.join(missing)}; run unkept build")
    try:
        tag = release(_github(settings), args.data_dir, as_of=as_of, commit=args.commit)
    except ServiceError as exc:
        print(f"unkept: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(f"Released {tag}" if tag else f"{as_of:%Y-%m} already has its snapshot; nothing to do")
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
    except OSError as exc:  # a file unkept must write could not be (a cache, an output)
        print(f"unkept: error: {os_error_text(exc, args.root)}", file=sys.stderr)
        return EXIT_INVALID
