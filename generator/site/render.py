"""Render the site's pages into the docs folder, on every core, reusing the fresh ones.

Each page is rendered from its template in the site's language and written as Markdown
whose body, already escaped, travels in YAML front matter for the theme to print, so
Python-Markdown never parses it. Pages whose inputs did not change since the previous build
(the render index) are kept as they are; files of pages that no longer exist are removed.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from generator.errors import BuildFailed
from generator.export.columns import BRAND_COLUMNS
from generator.i18n import Language
from generator.load.archive_records import Record
from generator.model.ranking import MIN_DECIDED_FOR_RATE
from generator.model.tracker import Tracker
from generator.model.values import CATEGORIES
from generator.site.links import GitHubLinks
from generator.site.plan import RANKING_ROWS, Page, site_pages
from generator.site.render_index import (
    AS_OF_STAMP,
    AS_OF_TEXT_STAMP,
    COMMIT_STAMP,
    STAMPS,
    Rendered,
    RenderIndex,
    build_key,
    page_key,
    stamped,
)
from generator.site.templates import TEMPLATES_DIR, environment, render_page
from generator.workers import CHUNK, PARALLEL_FROM, can_fork, jobs, process_pool

CORE_COLUMNS = ("rank", "brand", "overdue", "kept_on_time_rate")
"""The ranking's columns a narrow screen shows until the reader asks for all of them."""
ECC_COUNTRIES = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IS",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "NO",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    }
)
"""Countries with a European Consumer Centre (ECC-Net: the EU, Iceland and Norway)."""
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
"""Characters YAML treats as line breaks or refuses: written as escapes in front matter."""


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
        f"description: {json.dumps(page.description, ensure_ascii=True)}",
        "hide:",
        "  - navigation",
        "  - toc",
    ]
    if page.brand:
        lines.append(f"unkept_brand: {json.dumps(page.brand, ensure_ascii=True)}")
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


def render_range(job: RenderJob, start: int, stop: int) -> tuple[list[tuple[str, list]], int]:
    """Render and write `job.pages[start:stop]`, but those still fresh.

    Returns the render index rows of the cacheable pages, and how many pages were rendered.
    """
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
                zip(
                    page.context["case"].promises,
                    page.context["statuses"],
                    page.context["sides"],
                    strict=True,
                )
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
                f"{template_error(exc)}"
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
    count = len(job.pages)
    workers = min(jobs(), max(1, count // CHUNK))
    if workers == 1 or count < PARALLEL_FROM or not can_fork():
        return render_range(job, 0, count)
    starts = list(range(0, count, CHUNK))
    stops = [min(count, s + CHUNK) for s in starts]
    with process_pool(workers, job) as pool:  # forked: the job is inherited, not pickled
        chunks = list(pool.map(render_range, starts, stops))
    return [r for rows, _ in chunks for r in rows], sum(n for _, n in chunks)


def cacheable(page: Page) -> bool:
    """Pages whose body travels in front matter, where the theme replaces the stamps."""
    return page.search_template is not None or not page.search


def render_docs(
    docs: Path,
    data: Tracker,
    language: Language,
    *,
    tracker: str,
    templates: Path,
    site_url: str,
    archived: dict[str, Record],
    index: RenderIndex,
    links: GitHubLinks | None = None,
) -> tuple[int, int]:
    """Write every page and asset under `docs` (the downloads go straight to the site).

    Page files still fresh in `index` are kept as they are; files of no page any more are
    removed. Returns the number of pages and how many were rendered.
    """
    env = environment(templates, language)
    common = {
        "language": [language.code, language.catalogue, language.digest],
        "tracker": tracker,
        "archived": archived,
        **{name: Markup(stamp) for name, stamp in STAMPS.items()},  # printed, not escaped
        "site_url": site_url,
        "brands": data.brands,
        "brand_count": len(data.brands),
        "stale_days": data.stale_days,
        "confirm_days": data.confirm_days,
        "categories": CATEGORIES,
        "columns": [c for c in BRAND_COLUMNS if c.label],
        "core_columns": CORE_COLUMNS,
        "ecc_countries": sorted(ECC_COUNTRIES),  # a list: a set's order changes per process
        "has_demo": any(b.demo for b in data.brands.values()),
        "deadline_rules": data.deadlines,
        "min_decided": MIN_DECIDED_FOR_RATE,
        "ranking_rows": RANKING_ROWS,
        "asof_line": Markup(
            f'{escape(language.gettext("As of"))} <time datetime="{AS_OF_STAMP}">'
            f"{AS_OF_TEXT_STAMP}</time> · {escape(language.gettext('data commit'))} "
            f"<code>{COMMIT_STAMP}</code>"
        ),
        "links": links or GitHubLinks(""),
    }
    env.globals.update(common)  # pages and macros (imported without context) read these
    pages = site_pages(data, language, tracker)
    build = build_key(
        templates,
        {
            **{k: v for k, v in common.items() if k not in ("columns", "asof_line", *STAMPS)},
            "links": repr(common["links"]),  # the repository and template the links carry
        },
    )
    stamps = {
        "as_of": data.as_of.isoformat(),
        "as_of_text": language.date(data.as_of),
        "commit": commit_text(data.commit, language),
    }
    index.discard()
    rows, rendered = write_docs(
        RenderJob(env, pages, docs, language.catalogue, build, index, stamps)
    )
    shutil.copytree(templates / "assets", docs / "assets", dirs_exist_ok=True)
    assets = (p.relative_to(templates).as_posix() for p in (templates / "assets").rglob("*"))
    remove_others(docs, {page.source for page in pages} | set(assets))
    index.save(rows)
    return len(pages), rendered


def commit_text(commit: str, language: Language) -> str:
    """The data's commit as pages print it: a commit one can check out, or words saying
    there is none."""
    if commit == "uncommitted":
        return language.gettext("none (not built from a git repository)")
    if commit.endswith("+changes"):
        return language.text(
            "%(commit)s, with changes not yet committed", commit=commit.removesuffix("+changes")
        )
    return commit


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


def template_error(exc: jinja2.TemplateError) -> str:
    """`files/atom.xml.j2:1: unexpected '}'`: the template's name, not its absolute path."""
    where = getattr(exc, "name", None) or getattr(exc, "filename", None)
    line = getattr(exc, "lineno", None)
    place = f"{where}:{line}: " if where and line else f"{where}: " if where else ""
    return f"{place}{exc.message or exc}"
