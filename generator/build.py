"""`unkept build`: from case files to a complete static site, atomically.

Reads top to bottom as the architecture: load and check every file (stopping with the same
messages as `unkept check`), compute statuses and figures, render the Markdown pages and data
files into a fresh docs folder, run the real MkDocs build (strict) into a temporary folder,
and only then swap it into place, so a failed build leaves the previous site untouched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from . import export, feeds
from .archive import ARCHIVE_FILE, ArchiveFileError, Record, load_records
from .cache import CheckCache
from .corpus import load_corpus
from .deadlines import DEFAULT_DEADLINES, FALLBACK_DEADLINE, default_deadline
from .figures import MIN_DECIDED_FOR_RATE
from .pages import CATEGORIES, RANKING_ROWS, Page, SiteData, compute, site_pages
from .problems import Problem
from .render import TEMPLATES_DIR, environment, load_strings, render_page
from .render_index import (
    AS_OF_STAMP,
    COMMIT_STAMP,
    STAMPS,
    Rendered,
    RenderIndex,
    build_key,
    page_key,
    stamped,
)
from .settings import Settings
from .workers import CHUNK, PARALLEL_FROM, can_fork, jobs, process_pool

_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


class BuildFailed(Exception):
    """The site could not be built; the previous site is still in place."""

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


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
    """Time spent before MkDocs: loading, checking, computing, rendering."""
    seconds_mkdocs: float


def git_commit(root: Path) -> str:
    """The data's commit (short), with `+changes` when cases/ differs from it."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, timeout=30
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short=12", "HEAD")
        dirty = git("status", "--porcelain", "--", "cases", "mkdocs.yml", "site_templates")
    except (OSError, subprocess.SubprocessError):
        return "uncommitted"
    return f"{commit}+changes" if dirty else commit


@contextlib.contextmanager
def source_date(day: dt.date) -> Iterator[None]:
    """Make MkDocs date its output (sitemap, gzip headers) by the as-of day, not the clock."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(
        int(dt.datetime.combine(day, dt.time(), dt.UTC).timestamp())
    )
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def _write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")


def front_matter(page: Page, html: str | None = None) -> str:
    """YAML front matter: the safe title, whether search indexes the page, and its HTML.

    `html`, when given, is the page's whole body, already escaped: the theme prints it
    (`unkept_html`), so Python-Markdown gets an empty page. Pages outside the search index
    need no Markdown at all, and parsing thousands of raw HTML blocks dominated the build.
    The value is JSON-quoted, with the few characters YAML treats as line breaks or refuses
    written as escapes, so YAML reads it back exactly.
    """
    lines = [
        "---",
        f"title: {json.dumps(page.title, ensure_ascii=True)}",
        "hide:",
        "  - navigation",
        "  - toc",
    ]
    if not page.search:
        lines += ["search:", "  exclude: true"]
    if html is not None:
        quoted = _YAML_UNSAFE.sub(
            lambda m: f"\\u{ord(m.group()):04x}", json.dumps(html, ensure_ascii=False)
        )
        lines.append(f"unkept_html: {quoted}")
    return "\n".join([*lines, "---", "", ""])


@dataclass(frozen=True)
class RenderJob:
    """Everything needed to write docs/; forked workers inherit it, nothing is pickled."""

    env: jinja2.Environment
    """Its globals hold the build-wide values (strings, brands...) every page sees."""
    pages: list[Page]
    docs: Path
    lang: str
    build_key: str
    """Digest of what every page may read; part of each cacheable page's key."""
    index: RenderIndex
    """Page files of the previous build, reused when their key is unchanged."""
    stamps: dict[str, str]
    """The real as-of and commit, put in place of the stamps in pages that are not cached."""
    data: SiteData
    t: dict[str, Any]
    site_url: str


_JOB: RenderJob | None = None
"""The job of the current build, set before forking the workers."""


def _render_range(start: int, stop: int) -> tuple[list[tuple[str, list]], int]:
    """Render and write pages[start:stop] of the current job, but those still fresh.

    Returns the render index rows of the cacheable pages, and how many pages were rendered.
    """
    job = _JOB
    assert job is not None
    rows: list[tuple[str, list]] = []
    rendered = 0
    for page in job.pages[start:stop]:
        key = (
            page_key(
                job.build_key,
                (page.source, page.template, page.search_template, page.title, page.search),
                page.context,
            )
            if cacheable(page)
            else None
        )
        if key is not None and job.index.fresh(page.source, key, job.docs):
            rows.append((page.source, job.index.entries[page.source]))
            continue
        rendered += 1
        context = {**page.context, "base": page.base}  # these shadow the globals
        if page.template == "case.md.j2":
            context["promises"] = list(
                zip(page.context["case"].promises, page.context["statuses"], strict=True)
            )
        try:
            body = render_page(job.env, page.template, job.lang, context)
            indexed = (
                render_page(job.env, page.search_template, job.lang, context)
                if page.search_template
                else None
            )
        except jinja2.TemplateError as exc:
            raise BuildFailed(
                f"{TEMPLATES_DIR}/pages/{page.template}, rendering {page.source}: "
                f"{_template_error(exc)}"
            ) from exc
        if key is None:  # not cached: print the real values now
            body = stamped(body, **job.stamps)
            indexed = stamped(indexed, **job.stamps) if indexed is not None else None
        path = job.docs / page.source
        if indexed is not None:  # shown from front matter; only the light text is indexed
            _write(path, front_matter(page, html=body) + indexed)
        elif page.search:
            _write(path, front_matter(page) + body)
        else:
            _write(path, front_matter(page, html=body))
        if key is not None:
            rows.append((page.source, Rendered.of(key, path).row()))
    return rows, rendered


def _put(relative: str, content: str | bytes) -> str:
    """Write docs/`relative` of the current job, unless it already holds `content`."""
    job = _JOB
    assert job is not None
    path = job.docs / relative
    raw = content.encode() if isinstance(content, str) else content
    with contextlib.suppress(OSError):
        if path.stat().st_size == len(raw) and path.read_bytes() == raw:
            return relative
    _write(path, raw)
    return relative


DATA_FILES = {
    "data/cases.json": export.cases_json,
    "data/promises.csv": export.promises_csv,
    "data/brands.csv": lambda data: export.brands_csv(data.ranking),
    "data/datapackage.json": export.datapackage,
}
"""The open data files, largest first: each one is a task of its own."""


def _write_data(relative: str) -> list[str]:
    """Write one open data file of the current job; returns its path under docs/."""
    job = _JOB
    assert job is not None
    return [_put(relative, DATA_FILES[relative](job.data))]


def _write_feeds() -> list[str]:
    """Write the feeds, calendars and badges of the current job; returns their paths."""
    job = _JOB
    assert job is not None
    data, t, site_url, env = job.data, job.t, job.site_url, job.env
    produced: list[str] = []

    def put(relative: str, content: str | bytes) -> None:
        produced.append(_put(relative, content))

    atom = env.get_template("files/atom.xml.j2")
    badge = env.get_template("files/badge.svg.j2")
    cases_by_brand: dict[str, list] = defaultdict(list)
    for case in data.cases:
        if case.status != "withdrawn":
            cases_by_brand[case.brand].append(case)
    put(
        "feeds/atom.xml",
        atom.render(
            t=t,
            as_of=data.as_of.isoformat(),
            site_url=site_url,
            feed_id="tag:unkept,2026:feed",
            title=t["feed_title"],
            self_path="feeds/atom.xml",
            alternate_path="",
            entries=feeds.feed_entries(data, t, data.cases),
        ),
    )
    rows = data.rows  # a property that builds the mapping: once, not once per brand
    for slug, brand in data.brands.items():
        row = rows[slug]
        put(
            f"feeds/{slug}.xml",
            atom.render(
                t=t,
                as_of=data.as_of.isoformat(),
                site_url=site_url,
                feed_id=f"tag:unkept,2026:feed:{slug}",
                title=t["feed_brand_title"].format(brand=brand.name),
                self_path=f"feeds/{slug}.xml",
                alternate_path=f"brands/{slug}/",
                entries=feeds.feed_entries(data, t, cases_by_brand[slug]),
            ),
        )
        put(
            f"calendars/{slug}.ics",
            feeds.calendar(data, cases_by_brand[slug], brand_name=brand.name, site_url=site_url),
        )
        message = t["badge_overdue"].format(n=row.overdue)
        colour = {"brightgreen": "#2e7d32", "orange": "#b35900", "red": "#b3261e"}[
            feeds.badge_colour(row.overdue)
        ]
        put(
            f"badges/{slug}.svg",
            badge.render(
                label=t["badge_label"],
                message=message,
                colour=colour,
                label_width=7 * len(t["badge_label"]),
                message_width=7 * len(message),
            ),
        )
        put(f"badges/{slug}.json", feeds.badge_endpoint(row.overdue, t))
    return produced


def write_docs(job: RenderJob) -> tuple[list[tuple[str, list]], int, list[str]]:
    """Render the pages that changed and write the other files, on every core when there
    are many pages (forked workers take the data files and feeds, then the pages).

    Returns the render index rows, the number of pages rendered and the other files written.
    """
    global _JOB
    _JOB = job
    try:
        count = len(job.pages)
        workers = min(jobs(), max(1, count // CHUNK))
        if workers == 1 or count < PARALLEL_FROM or not can_fork():
            rows, rendered = _render_range(0, count)
            files = [f for relative in DATA_FILES for f in _write_data(relative)]
            return rows, rendered, files + _write_feeds()
        starts = list(range(0, count, CHUNK))
        stops = [min(count, s + CHUNK) for s in starts]
        with process_pool(workers) as pool:
            largest, *others = DATA_FILES  # the longest tasks go first
            tasks = [
                pool.submit(_write_data, largest),
                pool.submit(_write_feeds),
                *(pool.submit(_write_data, relative) for relative in others),
            ]
            chunks = list(pool.map(_render_range, starts, stops))
            return (
                [r for rows, _ in chunks for r in rows],
                sum(n for _, n in chunks),
                [f for task in tasks for f in task.result()],
            )
    finally:
        _JOB = None


def cacheable(page: Page) -> bool:
    """Pages whose body travels in front matter, where the theme replaces the stamps."""
    return page.search_template is not None or not page.search


def render_docs(
    docs: Path,
    data: SiteData,
    t: dict[str, Any],
    *,
    templates: Path,
    lang: str,
    site_url: str,
    archived: dict[str, Record],
    index: RenderIndex,
) -> tuple[int, int]:
    """Write every page, data file, feed, calendar, badge and asset under `docs`.

    Page files still fresh in `index` are kept as they are; files of no page any more are
    removed. Returns the number of pages and how many were rendered.
    """
    env = environment(templates)
    common = {
        "t": t,
        "archived": archived,
        **{name: Markup(stamp) for name, stamp in STAMPS.items()},  # printed, not escaped
        "site_url": site_url,
        "brands": data.brands,
        "brand_count": len(data.brands),
        "stale_days": data.stale_days,
        "categories": CATEGORIES,
        "columns": [c for c in export.BRAND_COLUMNS if c.label],
        "has_demo": any(b.demo for b in data.brands.values()),
        "defaults": sorted(DEFAULT_DEADLINES.items()),
        "fallback": FALLBACK_DEADLINE,
        "default_delays": {k: str(default_deadline(k).delay) for k in t["kind"]},
        "min_decided": MIN_DECIDED_FOR_RATE,
        "ranking_rows": RANKING_ROWS,
        "asof_line": Markup(f"{escape(t['as_of'])} {AS_OF_STAMP} · {escape(t['commit'])} ")
        + Markup(COMMIT_STAMP),
    }
    env.globals.update(common)  # pages and macros (imported without context) read these
    pages = site_pages(data, t)
    build = build_key(
        templates, {k: v for k, v in common.items() if k not in ("columns", "asof_line", *STAMPS)}
    )
    stamps = {"as_of": data.as_of.isoformat(), "commit": data.commit}
    index.discard()
    rows, rendered, files = write_docs(
        RenderJob(env, pages, docs, lang, build, index, stamps, data, t, site_url)
    )
    shutil.copytree(templates / "assets", docs / "assets", dirs_exist_ok=True)
    assets = (p.relative_to(templates).as_posix() for p in (templates / "assets").rglob("*"))
    remove_others(docs, {page.source for page in pages} | set(files) | set(assets))
    index.save(rows)
    return len(pages), rendered


def remove_others(docs: Path, keep: set[str]) -> None:
    """Delete the files under `docs` that this build did not make (pages of removed cases)."""
    for folder, dirs, files in os.walk(docs, topdown=False):
        relative = Path(folder).relative_to(docs).as_posix()
        prefix = "" if relative == "." else f"{relative}/"
        for name in files:
            if prefix + name not in keep:
                os.unlink(os.path.join(folder, name))
        for name in dirs:
            with contextlib.suppress(OSError):  # only empty folders go
                os.rmdir(os.path.join(folder, name))


def _swap_into_place(new: Path, target: Path) -> None:
    """Replace `target` by `new`; the old site stays until the new one is complete."""
    old = target.with_name(f"{target.name}.old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    try:
        new.rename(target)
    except OSError:
        if old.exists():
            old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _template_error(exc: jinja2.TemplateError) -> str:
    where = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", None)
    place = f"{where}:{line}: " if where and line else f"{where}: " if where else ""
    return f"{place}{exc.message or exc}"


def nav(t: dict[str, Any]) -> list[dict[str, str]]:
    """The few top-level pages, titled in the site's language."""
    return [
        {t["home"]: "index.md"},
        {t["ranking"]: "ranking/index.md"},
        {t["deadlines"]: "deadlines.md"},
        {t["methodology"]: "methodology.md"},
        {t["contribute"]: "contribute.md"},
    ]


def build_site(
    root: Path,
    *,
    as_of: dt.date,
    settings: Settings,
    config_file: str = "mkdocs.yml",
    site_dir: str = "site",
) -> BuildResult:
    """Check the cases, then build the site into `site/`; raise BuildFailed otherwise."""
    started = time.perf_counter()
    root = root.absolute()
    cache = CheckCache.load(root)
    corpus = load_corpus(root, cases_dir=settings.cases_dir, as_of=as_of, cache=cache)
    cache.save()
    if corpus.problems:
        raise BuildFailed("the cases have problems; the site was not built", corpus.problems)

    docs = root / "docs"
    if docs.is_symlink() or (docs.exists() and not docs.is_dir()):
        docs.unlink()
    docs.mkdir(exist_ok=True)
    staging = root / f"site.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        config = load_config(
            str(root / config_file), docs_dir=str(docs), site_dir=str(staging), strict=True
        )
    except MkDocsException as exc:
        raise BuildFailed(f"{config_file}: {exc}") from exc
    lang = config.theme["language"]
    templates = root / TEMPLATES_DIR
    t = load_strings(templates, lang)
    site_url = config.site_url or ""

    try:
        archived = load_records(root / ARCHIVE_FILE)
    except ArchiveFileError as exc:
        raise BuildFailed(str(exc)) from exc
    data = compute(
        corpus.brands,
        corpus.cases,
        as_of=as_of,
        commit=git_commit(root),
        stale_days=settings.stale_days,
    )
    try:
        page_count, rendered = render_docs(
            docs,
            data,
            t,
            templates=templates,
            lang=lang,
            site_url=site_url,
            archived=archived,
            index=RenderIndex.load(root),
        )
    except jinja2.TemplateError as exc:  # files/ templates, outside the page loop
        raise BuildFailed(f"{TEMPLATES_DIR}: {_template_error(exc)}") from exc
    config["nav"] = nav(t)
    config.extra["unkept"] = {"as_of": as_of.isoformat(), "commit": data.commit, "t": t}
    generator_done = time.perf_counter()

    try:
        with source_date(as_of):
            mkdocs_build(config)
        _swap_into_place(staging, root / site_dir)
    except jinja2.TemplateError as exc:
        raise BuildFailed(f"MkDocs failed: theme template: {_template_error(exc)}") from exc
    except (MkDocsException, OSError) as exc:
        raise BuildFailed(f"MkDocs failed: {exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(
        root / site_dir,
        as_of,
        data.commit,
        len(data.brands),
        len(data.cases),
        page_count,
        rendered,
        generator_done - started,
        time.perf_counter() - generator_done,
    )
