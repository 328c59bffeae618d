"""Render the site's pages from their templates, in the site's language.

The documents (home, ranking, methodology...) are written into the docs folder as Markdown
for the site engine to build, with one shell per data-page layout; the case and brand pages
are rendered here too, but filled into their shells by `data_pages.py`.
"""

from __future__ import annotations

import contextlib
import json
import os
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
from generator.site.held_back import hold_back
from generator.site.links import GitHubLinks
from generator.site.plan import RANKING_ROWS, Page, site_pages
from generator.site.render_index import (
    AS_OF_STAMP,
    AS_OF_TEXT_STAMP,
    COMMIT_STAMP,
    STAMPS,
    build_key,
    stamped,
)
from generator.site.shells import Layout, shell_source
from generator.site.templates import TEMPLATES_DIR, environment, render_page

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


def _write(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8", newline="")


def front_matter(page: Page) -> str:
    """YAML front matter of a document: its safe title and description, JSON-quoted."""
    lines = [
        "---",
        f"title: {json.dumps(page.title, ensure_ascii=True)}",
        f"description: {json.dumps(page.description, ensure_ascii=True)}",
        "hide:",
        "  - navigation",
        "  - toc",
    ]
    if not page.search:
        lines += ["search:", "  exclude: true"]
    return "\n".join([*lines, "---", "", ""])


@dataclass(frozen=True)
class Rendering:
    """Everything needed to render any page; forked workers inherit it, nothing is pickled."""

    env: jinja2.Environment
    """Its globals hold the build-wide values (strings, brands...) every page sees."""
    pages: list[Page]
    lang: str
    build_key: str
    """Digest of what every page may read; part of each data page's key."""
    stamps: dict[str, str]
    """The real as-of and commit, put in place of the stamps pages print."""

    @property
    def documents(self) -> list[Page]:
        """The pages the site engine builds."""
        return [p for p in self.pages if p.layout is None]

    @property
    def data_pages(self) -> list[Page]:
        """The case and brand pages, which the generator fills into their shells."""
        return [p for p in self.pages if p.layout is not None]


def render_body(rendering: Rendering, page: Page) -> str:
    """A page's content from its template, with the stamps still in it."""
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
        return render_page(rendering.env, page.template, rendering.lang, context)
    except jinja2.TemplateError as exc:
        raise BuildFailed(
            f"{TEMPLATES_DIR}/pages/{page.template}, rendering {page.source}: {template_error(exc)}"
        ) from exc


def prepare(
    data: Tracker,
    language: Language,
    *,
    tracker: str,
    templates: Path,
    site_url: str,
    archived: dict[str, Record],
    links: GitHubLinks | None = None,
) -> Rendering:
    """The site's pages and the template environment every one of them is rendered in."""
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
    pages = site_pages(data, language, tracker)
    return Rendering(env, pages, language.catalogue, build, stamps)


def render_docs(docs: Path, rendering: Rendering, templates: Path) -> dict[str, tuple[str, ...]]:
    """Write the documents, the shells and the assets under `docs`, for the site engine;
    files of no page any more are removed. Returns the blocks held back from the engine,
    by page file (`held_back.put_back` puts them in the built pages)."""
    documents = rendering.documents
    held = {}
    for page in documents:
        body = stamped(render_body(rendering, page), **rendering.stamps)
        body, blocks = hold_back(body, f"{TEMPLATES_DIR}/pages/{page.template}")
        if blocks:
            held[page.output] = blocks
        _write(docs / page.source, front_matter(page) + body)
    for layout in Layout:
        _write(docs / layout.source, shell_source(layout))
    shutil.copytree(templates / "assets", docs / "assets", dirs_exist_ok=True)
    assets = (p.relative_to(templates).as_posix() for p in (templates / "assets").rglob("*"))
    keep = {page.source for page in documents} | {layout.source for layout in Layout}
    remove_others(docs, keep | set(assets))
    return held


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
