"""`unkept build`: from case files to a complete static site, atomically.

Reads top to bottom as the build: load and check every file (stopping with the same messages
as `unkept check`) and compute statuses and figures; then, while a worker saves the
validation cache and writes the downloads (open data, feeds, calendars) from those figures,
render the documents and one shell per data-page layout into the docs folder, run the real
site engine (MkDocs, strict) into a temporary folder, put back the large generated blocks
held back from it (the ranking's tables, the lists of deadlines), fill every case and brand
page into its shell (reusing the files the site it replaces shares with its spare, the site
before), add them to the search index and the sitemap, and only then swap the folder into
place, so a failed build leaves the previous site untouched; that one becomes the next spare.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException

from generator.errors import BuildFailed, os_error_text
from generator.export.downloads import write_downloads
from generator.export.open_data_index import OpenDataIndex
from generator.export.publisher import Publisher
from generator.i18n import Language
from generator.load.archive_records import ARCHIVE_FILE, Record, load_records
from generator.load.cache import CheckCache
from generator.load.loader import load_corpus
from generator.load.settings import Settings, setting_place
from generator.load.template import TEMPLATE
from generator.model.tracker import Tracker, compute
from generator.site import engine
from generator.site.data_pages import CaseFiles, write_data_pages
from generator.site.engine_choice import active
from generator.site.held_back import put_back
from generator.site.links import ISSUE_FORM, GitHubLinks
from generator.site.listings import add_to_search_index, add_to_sitemap
from generator.site.render import Rendering, commit_text, prepare, render_docs, template_error
from generator.site.render_index import Rendered, RenderIndex
from generator.site.shells import Layout, take_shells
from generator.site.spare import keep_as_spare, remove_stale, spare_of, take_spare
from generator.site.templates import TEMPLATES_DIR, environment
from generator.workers import beside, collector_paused


def build_site(
    root: Path,
    *,
    as_of: dt.date,
    settings: Settings,
    config_file: str = "mkdocs.yml",
    site_dir: str = "site",
) -> BuildResult:
    """Check the cases, then build the site into `site/`; raise an UnkeptError otherwise."""
    started = time.perf_counter()
    root = root.absolute()
    # The collector is paused for the whole build: its values live until the end, and the
    # first collection after a pause scans everything made during it (0.3 s at 10,000 cases).
    with build_lock(root), collector_paused():
        recover(root, site_dir)
        return _build_locked(
            root,
            as_of=as_of,
            settings=settings,
            config_file=config_file,
            site_dir=site_dir,
            started=started,
        )


def _build_locked(
    root: Path,
    *,
    as_of: dt.date,
    settings: Settings,
    config_file: str,
    site_dir: str,
    started: float,
) -> BuildResult:
    new_site = staging(root)
    downloads = new_site.with_name(f"{new_site.name}-downloads")
    for folder in (new_site, downloads):
        shutil.rmtree(folder, ignore_errors=True)
    try:
        gathered = gather(root, as_of=as_of, settings=settings, config_file=config_file)
    except OSError as exc:  # the docs folder or the caches could not be written
        raise BuildFailed(os_error_text(exc, root)) from None
    index = RenderIndex.load(root)
    try:
        # The downloads need only the figures: a worker writes them while this process
        # renders the documents, runs the engine and writes the data pages.
        with beside(save_and_write_downloads, (gathered, downloads, root / site_dir)) as busy:
            try:
                rendering, held = render_documents(gathered, root, settings)
            except OSError as exc:  # the docs folder could not be written
                raise BuildFailed(os_error_text(exc, root)) from None
            engine_started = time.perf_counter()
            engine.build(gathered.config, as_of)
            engine_seconds = time.perf_counter() - engine_started
            put_back(new_site, held)
            shells = take_shells(new_site)
            index.discard()  # the previous site's files are reused from here
            trees = take_spare(spare_of(root / site_dir), new_site)
            rows, rendered = write_data_pages(
                rendering,
                shells,
                new_site,
                previous=root / site_dir,
                index=index,
                case_files=CaseFiles(gathered.data, gathered.publisher, gathered.added),
                busy=busy,
            )
            remove_stale(new_site, trees, {relative for relative, _ in rows})
            add_to_search_index(new_site, rendering.data_pages)
            add_to_sitemap(new_site, rendering.data_pages, Layout.CASE.url, as_of)
        move_into(downloads, new_site)
        kept = _swap_into_place(new_site, root / site_dir)
    except jinja2.TemplateError as exc:
        raise BuildFailed(f"{active()} failed: theme template: {template_error(exc)}") from exc
    except (MkDocsException, OSError) as exc:
        raise BuildFailed(f"{active()} failed: {exc}") from exc
    finally:
        for folder in (new_site, downloads):
            shutil.rmtree(folder, ignore_errors=True)
    # The files linked from the replaced site keep their times while it is kept as the spare;
    # deleting it changed their link count, and so their ctime.
    index.save(rows if kept else restat(rows, root / site_dir))
    data = gathered.data
    return BuildResult(
        root / site_dir,
        as_of,
        data.commit,
        len(data.brands),
        len(data.cases),
        len(rendering.pages),
        len(rendering.documents) + rendered,
        time.perf_counter() - started - engine_seconds,
        engine_seconds,
        active(),
    )


@dataclass(frozen=True)
class Gathered:
    """Every case checked and its figures computed: what the downloads, the documents and
    the data pages are made from."""

    config: MkDocsConfig
    """MkDocs' configuration; the documents' rendering adds the navigation and the values
    the theme prints."""
    data: Tracker
    publisher: Publisher
    """The tracker's name, address and language."""
    templates: Path
    added: dict[str, dt.date]
    """The day git first recorded each case file: when the case entered the tracker."""
    archived: dict[str, Record]
    """The archive records of evidence links (archive/evidence.json)."""
    cache: CheckCache
    """The validation cache, updated by this build's check; saved by the downloads' worker."""


def github_links(root: Path, settings: Settings, language: str = "en") -> GitHubLinks:
    """Links to the tracker's repository: `repository` in unkept.toml, else the repository
    GitHub Actions builds (GITHUB_REPOSITORY); none when neither is set."""
    repository = settings.repository or os.environ.get("GITHUB_REPOSITORY", "")
    if not REPOSITORY.fullmatch(repository):
        repository = ""
    template = root / settings.cases_dir / TEMPLATE
    text = template.read_text("utf-8") if template.is_file() else ""
    form = f"new-case.{language}.yml"
    if not (root / ".github" / "ISSUE_TEMPLATE" / form).is_file():
        form = ISSUE_FORM
    return GitHubLinks(repository, settings.cases_dir, text, form=form)


REPOSITORY = re.compile(r"[A-Za-z0-9-]+/[A-Za-z0-9._-]+")


def gather(root: Path, *, as_of: dt.date, settings: Settings, config_file: str) -> Gathered:
    """Check every case (stopping as `unkept check` does) and compute the figures."""
    cache = CheckCache.load(root)
    corpus = load_corpus(root, cases_dir=settings.cases_dir, as_of=as_of, cache=cache)
    if corpus.problems:
        cache.save()
        raise BuildFailed("the cases have problems; the site was not built", corpus.problems)

    docs = root / "docs"
    if docs.is_symlink() or (docs.exists() and not docs.is_dir()):
        docs.unlink()
    docs.mkdir(exist_ok=True)
    templates = root / TEMPLATES_DIR
    language = Language.load(templates, settings.language, where=setting_place(root, "language"))
    config = engine.configure(
        root,
        config_file,
        docs=docs,
        site=staging(root),
        name=settings.name,
        site_url=settings.site_url,
    )
    publisher = Publisher(settings.name, config.site_url or "", language)
    data = compute(
        corpus.brands,
        corpus.cases,
        as_of=as_of,
        commit=git_commit(root, settings.cases_dir),
        stale_days=settings.stale_days,
        confirm_days=settings.confirm_days,
        deadlines=settings.deadlines,
    )
    added = git_added_days(root, settings.cases_dir)
    archived = load_records(root / ARCHIVE_FILE)
    # The ranking's views, computed here once: pages and open data both read them, and the
    # downloads' worker forked after this inherits them (making them took it 0.25 s).
    data.views  # noqa: B018
    return Gathered(config, data, publisher, templates, added, archived, cache)


def render_documents(
    gathered: Gathered, root: Path, settings: Settings
) -> tuple[Rendering, dict[str, tuple[str, ...]]]:
    """Plan every page, write the documents and shells into docs/ for the engine, and give
    its configuration the navigation and the values the theme prints. Returns the plan and
    the blocks held back from the engine, by page file."""
    data, language = gathered.data, gathered.publisher.language
    try:
        rendering = prepare(
            data,
            language,
            tracker=settings.name,
            templates=gathered.templates,
            site_url=gathered.publisher.site_url,
            archived=gathered.archived,
            links=github_links(root, settings, language.catalogue),
        )
        held = render_docs(root / "docs", rendering, gathered.templates)
    except jinja2.TemplateError as exc:  # files/ templates, outside the page loop
        raise BuildFailed(f"{TEMPLATES_DIR}: {template_error(exc)}") from exc
    config = gathered.config
    config["nav"] = engine.nav(language)
    engine.localise(config, language)
    config.extra["unkept"] = {
        "as_of": data.as_of.isoformat(),
        "as_of_text": language.date(data.as_of),
        "commit": commit_text(data.commit, language),
        "reproducible": data.commit != "uncommitted" and not data.commit.endswith("+changes"),
        "t": engine.theme_strings(language),
    }
    return rendering, held


def save_and_write_downloads(state: tuple[Gathered, Path, Path]) -> None:
    """Save the validation cache and write the downloads into a folder (in a worker, while
    the documents, the engine and the data pages are made), taking unchanged cases' open
    data back from the site in place.

    None of them needs either; saving the cache alone took 0.3 s before MkDocs at 10,000
    cases.
    """
    gathered, folder, previous = state
    root = gathered.cache.path.parent.parent
    try:
        gathered.cache.save()
    except OSError as exc:
        raise BuildFailed(f"cannot save the validation cache: {os_error_text(exc, root)}") from None
    index = OpenDataIndex.load(root, previous, gathered.data)
    try:
        write_downloads(
            folder,
            gathered.data,
            gathered.publisher,
            env=environment(gathered.templates, gathered.publisher.language),
            added=gathered.added,
            per_case=False,  # each case's own files are written with its page
            index=index,
        )
    except jinja2.TemplateError as exc:
        raise BuildFailed(f"{TEMPLATES_DIR}: {template_error(exc)}") from None
    index.save()


def staging(root: Path) -> Path:
    """Where MkDocs builds the new site, next to the one it replaces."""
    return root / f"site.tmp-{os.getpid()}"


def git_commit(root: Path, cases_dir: str = "cases") -> str:
    """The data's commit (short), with `+changes` when the cases or the site's sources
    differ from it."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, timeout=30
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short=12", "HEAD")
        dirty = git(
            "status", "--porcelain", "--", cases_dir, "mkdocs.yml", "unkept.toml", TEMPLATES_DIR
        )
    except (OSError, subprocess.SubprocessError):
        return "uncommitted"
    return f"{commit}+changes" if dirty else commit


def git_added_days(root: Path, cases_dir: str = "cases") -> dict[str, dt.date]:
    """The day each file under `cases_dir` was first committed (its path relative to
    `root`), from one `git log`; empty outside a git repository. A case's feed entry is
    dated by it: the day the case entered the tracker, not the day its complaint began."""
    try:
        out = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "log",
                "--diff-filter=A",
                "--format=%x00%cs",
                "--name-only",
                "--no-renames",
                "--relative",
                "--",
                cases_dir,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    added: dict[str, dt.date] = {}
    for block in out.split("\0")[1:]:  # newest first: the oldest addition wins
        day, *files = block.strip().splitlines()
        for name in files:
            if name:
                added[name] = dt.date.fromisoformat(day)
    return added


@contextlib.contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """One build at a time in a project folder: a second one says so and stops, instead of
    both reporting success over a site that matches neither day. The lock is on the folder
    itself (no file to leave behind or to write) and dies with its process."""
    fd = os.open(root, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildFailed(
                "another unkept build is running in this folder; the site was not built: "
                "wait for it to finish"
            ) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


def recover(root: Path, site_dir: str = "site") -> None:
    """Undo what a killed build left (under the lock, no other build runs here): the
    previous site put back if the kill fell between the swap's two renames, and the
    half-built copies removed."""
    target = root / site_dir
    kept = sorted(root.glob(f"{site_dir}.old-*"), key=lambda p: p.stat().st_mtime)
    if not target.exists() and kept:
        kept.pop().rename(target)
    for leftover in [*kept, *root.glob(f"{site_dir}.tmp-*")]:
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)


def move_into(source: Path, target: Path) -> None:
    """Move everything under `source` into `target`, merging the folders both hold (the
    downloads' `feeds/` and the cases' own feeds)."""
    for name in sorted(os.listdir(source)):
        if (source / name).is_dir() and (target / name).is_dir():
            move_into(source / name, target / name)
        else:
            os.rename(source / name, target / name)


def restat(rows: list[tuple[str, list]], site: Path) -> list[tuple[str, list]]:
    """The index rows with each file's stat as it is now, in the site in place: deleting
    the previous site changed the times of the files linked from it (their link count)."""
    fresh = []
    for relative, row in rows:
        if not relative.startswith("#"):  # a file, not the build's own entry
            with contextlib.suppress(OSError):
                row = [*Rendered.of(row[0], site / relative).row(), *row[5:]]
        fresh.append((relative, row))
    return fresh


def _swap_into_place(new: Path, target: Path) -> bool:
    """Replace `target` by `new`; the old site stays until the new one is complete, and
    then is kept as the next build's spare. Returns False when it had to be deleted."""
    old = target.with_name(f"{target.name}.old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    try:
        new.rename(target)
    except OSError:
        if old.exists():
            old.rename(target)
        raise
    return keep_as_spare(old, spare_of(target)) if old.exists() else True


@dataclass(frozen=True)
class BuildResult:
    """What a build made."""

    site: Path
    as_of: dt.date
    commit: str
    brands: int
    cases: int
    pages: int
    rendered: int
    """Pages rendered by this build; the others were unchanged since the previous one."""
    seconds_generator: float
    """Time spent by unkept itself: loading, checking, computing, rendering, and writing the
    data pages after the site engine."""
    seconds_mkdocs: float
    """Time spent by the site engine (the downloads are written beside it)."""
    engine: str = "MkDocs"
    """The site engine's name."""
