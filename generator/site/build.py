"""`unkept build`: from case files to a complete static site, atomically.

Reads top to bottom as the architecture: load and check every file (stopping with the same
messages as `unkept check`), compute statuses and figures, render the Markdown pages into
the docs folder, run the real MkDocs build (strict) into a temporary folder while a worker
saves the validation cache and writes the downloads (open data, feeds) beside it, and only
then swap it into place, so a failed build leaves the previous site untouched.
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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException

from generator.export import opendata
from generator.load.archive_records import ARCHIVE_FILE, Record, load_records
from generator.load.cache import CheckCache
from generator.load.loader import load_corpus
from generator.model.deadlines import DEFAULT_DEADLINES, FALLBACK_DEADLINE, default_deadline
from generator.export.downloads import write_downloads
from generator.model.ranking import MIN_DECIDED_FOR_RATE
from generator.site.plan import CATEGORIES, RANKING_ROWS, Page, SiteData, compute, site_pages
from generator.load.problems import Problem
from generator.site.templates import TEMPLATES_DIR, environment, load_strings, render_page
from generator.site.render_index import AS_OF_STAMP, COMMIT_STAMP, STAMPS, Rendered, RenderIndex, build_key, page_key, stamped
from generator.load.settings import Settings
from generator.workers import CHUNK, PARALLEL_FROM, beside, can_fork, collector_paused, jobs, process_pool
from generator.errors import ArchiveFileError, BuildFailed, TemplateError, os_error_text

_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


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


def write_docs(job: RenderJob) -> tuple[list[tuple[str, list]], int]:
    """Render the pages that changed, on every core when there are many pages.

    Returns the render index rows and the number of pages rendered.
    """
    global _JOB
    _JOB = job
    try:
        count = len(job.pages)
        workers = min(jobs(), max(1, count // CHUNK))
        if workers == 1 or count < PARALLEL_FROM or not can_fork():
            return _render_range(0, count)
        starts = list(range(0, count, CHUNK))
        stops = [min(count, s + CHUNK) for s in starts]
        with process_pool(workers) as pool:
            chunks = list(pool.map(_render_range, starts, stops))
        return [r for rows, _ in chunks for r in rows], sum(n for _, n in chunks)
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
    """Write every page and asset under `docs` (the downloads go straight to the site).

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
        "columns": [c for c in opendata.BRAND_COLUMNS if c.label],
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
    rows, rendered = write_docs(RenderJob(env, pages, docs, lang, build, index, stamps))
    shutil.copytree(templates / "assets", docs / "assets", dirs_exist_ok=True)
    assets = (p.relative_to(templates).as_posix() for p in (templates / "assets").rglob("*"))
    remove_others(docs, {page.source for page in pages} | set(assets))
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
    """`files/atom.xml.j2:1: unexpected '}'`: the template's name, not its absolute path."""
    where = getattr(exc, "name", None) or getattr(exc, "filename", None)
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


@dataclass(frozen=True)
class Generated:
    """What the generator's stages hand to MkDocs."""

    config: MkDocsConfig
    """MkDocs' configuration, with the navigation and values the theme prints."""
    data: SiteData
    t: dict[str, Any]
    """The interface strings, in the site's language."""
    templates: Path
    site_url: str
    pages: int
    rendered: int
    """Pages rendered by this build; the others were unchanged since the previous one."""
    cache: CheckCache
    """The validation cache, updated by this build's check; saved while MkDocs runs."""


def generate(root: Path, *, as_of: dt.date, settings: Settings, config_file: str) -> Generated:
    """The generator's stages: check every case, compute the figures, write docs/."""
    cache = CheckCache.load(root)
    corpus = load_corpus(root, cases_dir=settings.cases_dir, as_of=as_of, cache=cache)
    if corpus.problems:
        cache.save()
        raise BuildFailed("the cases have problems; the site was not built", corpus.problems)

    docs = root / "docs"
    if docs.is_symlink() or (docs.exists() and not docs.is_dir()):
        docs.unlink()
    docs.mkdir(exist_ok=True)
    try:
        config = load_config(
            str(root / config_file), docs_dir=str(docs), site_dir=str(staging(root)), strict=True
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
    return Generated(config, data, t, templates, site_url, page_count, rendered, cache)


def staging(root: Path) -> Path:
    """Where MkDocs builds the new site, next to the one it replaces."""
    return root / f"site.tmp-{os.getpid()}"


_DOWNLOADS: tuple[Generated, Path] | None = None
"""What the current build's downloads are made of, and where they go; set before forking."""


def _beside_mkdocs() -> None:
    """Save the validation cache and write the downloads (in a worker, while MkDocs runs).

    MkDocs needs neither; saving the cache alone took 0.3 s before MkDocs at 10,000 cases.
    """
    assert _DOWNLOADS is not None
    generated, folder = _DOWNLOADS
    try:
        generated.cache.save()
    except OSError as exc:
        root = generated.cache.path.parent.parent
        raise BuildFailed(f"cannot save the validation cache: {os_error_text(exc, root)}") from None
    try:
        write_downloads(
            folder,
            generated.data,
            generated.t,
            env=environment(generated.templates),
            site_url=generated.site_url,
        )
    except jinja2.TemplateError as exc:
        raise BuildFailed(f"{TEMPLATES_DIR}: {_template_error(exc)}") from None


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
    global _DOWNLOADS
    new_site = staging(root)
    downloads = new_site.with_name(f"{new_site.name}-downloads")
    for folder in (new_site, downloads):
        shutil.rmtree(folder, ignore_errors=True)
    try:
        with collector_paused():
            generated = generate(root, as_of=as_of, settings=settings, config_file=config_file)
    except OSError as exc:  # the docs folder or the caches could not be written
        raise BuildFailed(os_error_text(exc, root)) from None
    generator_done = time.perf_counter()

    _DOWNLOADS = (generated, downloads)
    try:
        with beside(_beside_mkdocs), source_date(as_of):  # on the core MkDocs leaves idle
            mkdocs_build(generated.config)
        for name in sorted(os.listdir(downloads)):
            os.rename(downloads / name, new_site / name)
        _swap_into_place(new_site, root / site_dir)
    except jinja2.TemplateError as exc:
        raise BuildFailed(f"MkDocs failed: theme template: {_template_error(exc)}") from exc
    except (MkDocsException, OSError) as exc:
        raise BuildFailed(f"MkDocs failed: {exc}") from exc
    finally:
        _DOWNLOADS = None
        for folder in (new_site, downloads):
            shutil.rmtree(folder, ignore_errors=True)
    data = generated.data
    return BuildResult(
        root / site_dir,
        as_of,
        data.commit,
        len(data.brands),
        len(data.cases),
        generated.pages,
        generated.rendered,
        generator_done - started,
        time.perf_counter() - generator_done,
    )
