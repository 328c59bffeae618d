"""Which pages the site has and what each one shows: pure functions over computed figures.

Nothing here writes files or formats HTML; `render.py` does. Page titles given to MkDocs come
only from validated slugs or `safe_title`, because the theme prints titles without escaping.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from generator.i18n import N_, Language
from generator.model.corrections import corrections
from generator.model.ranking import due_within, newly_overdue
from generator.model.statuses import Claim, PromiseStatus, is_stale, latest_claim
from generator.model.tracker import (
    BY_RATE,
    LAST_12_MONTHS,
    Tracker,
    month_ends,
    overdue_history,
)
from generator.model.values import Case
from generator.site.charts import bar_chart
from generator.site.shells import Layout

CHART_MONTHS = 12
TOP_BRANDS = 10
RANKING_ROWS = 50
"""Brands shown on a ranking page; all of them are in brands.csv. Keeps the page light
enough for a phone: each row is 17 cells, and Lighthouse's simulated phone spends most of
the page's blocking time on their style and layout, inside the theme's script. At 10,000
cases, 200 rows scored 77-87, 100 rows 79-93, 50 rows 93-96 (performance; one machine,
the same build)."""
WRITTEN_PAGES = (
    ("methodology.md", "methodology.md.j2", N_("Methodology")),
    ("contribute.md", "contribute.md.j2", N_("Contribute")),
    ("for-brands.md", "for_brands.md.j2", N_("For brands")),
)
"""The pages of prose, which take nothing from the data but the build-wide values."""
TAGLINE = N_("The promises brands make to unhappy customers, and whether they keep them.")
_UNSAFE_TITLE = re.compile(r"[^\w .,'\u2019()+!?;/:«»\u00a0\u202f-]")
_SPACES = re.compile(r"[^\S\u00a0\u202f]+")
"""Runs of white space but the no-break spaces of French typography."""


def safe_title(text: str, fallback: str) -> str:
    """Text fit for a page title: no markup characters at all (`<`, `&`, `"`, ...)."""
    cleaned = _SPACES.sub(" ", _UNSAFE_TITLE.sub(" ", text)).strip()
    return cleaned or fallback


@dataclass(frozen=True)
class Page:
    """One Markdown page to render into the docs folder."""

    source: str
    """Path under the docs folder, like `cases/acme-refund.md`."""
    template: str
    """Template under `site_templates/pages/`."""
    title: str
    """Title given to MkDocs (safe characters only)."""
    context: Mapping[str, Any] = field(repr=False)
    """What the template shows."""
    search: bool = True
    """Whether the page goes into the search index."""
    layout: Layout | None = None
    """For a data page (a case or a brand), the shell the generator fills with it; none for
    the documents the site engine builds."""
    search_text: str = ""
    """What search indexes of a data page besides its title: names, never a body, so the
    index stays small at 100,000 cases."""
    description: str = ""
    """What the page is, in a line, for search engines and link previews (safe characters)."""
    brand: str = ""
    """The brand a case page is about, for its window title: "Case · Brand · Site"."""

    @property
    def url(self) -> str:
        """The page's URL relative to the site root, like `cases/acme-refund/`."""
        path = self.source.removesuffix(".md")
        if path == "index":
            return ""
        return path.removesuffix("/index") + "/"

    @property
    def output(self) -> str:
        """The page's file under the site folder, like `cases/acme-refund/index.html`."""
        return f"{self.url}index.html"

    @property
    def base(self) -> str:
        """Relative prefix from this page back to the site root."""
        return "../" * self.url.count("/")


@dataclass(frozen=True)
class BrandSide:
    """What the brand says of one promise, for its case page."""

    claim: Claim | None
    """The brand's latest claim that it kept the promise, rejected by the consumer or not."""
    disputes: tuple[tuple[int, str], ...]
    """(reply number, the brand's reason) of each reply disputing the promise."""


NO_SIDE = BrandSide(None, ())


def brand_sides(case: Case, data: Tracker) -> tuple[BrandSide, ...]:
    """The brand's side of each of the case's promises, in order."""
    if not case.brand_reply:  # most cases: nothing said, nothing to look for
        return (NO_SIDE,) * len(case.promises)
    sides = []
    for promise in case.promises:
        unanswered = replace(promise, claim_rejected=None)
        claim = latest_claim(case, unanswered, data.as_of, data.confirm_days)
        disputes = tuple(
            (i + 1, x.disputes)
            for i, reply in enumerate(case.brand_reply)
            if reply.date <= data.as_of
            for x in reply.positions
            if x.promise == promise.index + 1 and x.disputes is not None
        )
        sides.append(BrandSide(claim, disputes))
    return tuple(sides)


def view_title(view: str, lang: Language) -> str:
    """A ranking view's title: `Ranking: Delivery`."""
    if view == "all":
        return lang.gettext("Ranking")
    if view == LAST_12_MONTHS:
        name = lang.gettext("Promises made in the last 12 months")
    elif view == BY_RATE:
        name = lang.gettext("By kept-on-time rate")
    else:
        name = lang.word("category", view)
    return lang.text("Ranking: %(view)s", view=name)


def site_pages(data: Tracker, lang: Language, tracker: str) -> list[Page]:
    """Every page of the site, in a stable order, titled in `lang`; `tracker` is the
    tracker's name."""
    rows = data.rows
    cases_by_brand: dict[str, list[Case]] = defaultdict(list)
    for case in data.cases:
        cases_by_brand[case.brand].append(case)
    all_statuses = data.all_statuses
    by_id = {case.id: case for case in data.cases}

    def titles(*lists: Sequence[PromiseStatus]) -> dict[str, str]:
        """The titles of the cases these rows name: lists show titles, not slugs."""
        return {s.case_id: by_id[s.case_id].title for items in lists for s in items}

    home_overdue = newly_overdue(all_statuses, data.as_of, 7)
    deadline_lists = {
        "due_7": due_within(all_statuses, 7),
        "due_30": due_within(all_statuses, 30),
        "overdue_7": newly_overdue(all_statuses, data.as_of, 7),
        "overdue_30": newly_overdue(all_statuses, data.as_of, 30),
    }
    pages = [
        Page(
            "index.md",
            "home.md.j2",
            safe_title(tracker, "Unkept"),
            {
                "headline": data.headline,
                "top": [r for r in data.ranking if r.overdue > 0][:TOP_BRANDS],
                "newly_overdue": home_overdue,
                "titles": titles(home_overdue),
            },
        ),
        *(
            Page(
                "ranking/index.md" if view == "all" else f"ranking/{view}.md",
                "ranking.md.j2",
                safe_title(view_title(view, lang), view),
                {"rows": rows, "view": view},
            )
            for view, rows in data.views.items()
        ),
        Page(
            "deadlines.md",
            "deadlines.md.j2",
            safe_title(lang.gettext("Deadlines"), "Deadlines"),
            {**deadline_lists, "titles": titles(*deadline_lists.values())},
        ),
        *(
            Page(source, template, safe_title(lang.gettext(title), title), {})
            for source, template, title in WRITTEN_PAGES
        ),
        Page(
            "corrections.md",
            "corrections.md.j2",
            safe_title(lang.gettext("Corrections"), "Corrections"),
            {"items": corrections(data)},
        ),
    ]
    days = month_ends(data.as_of, CHART_MONTHS)
    for slug, brand in sorted(data.brands.items()):
        cases = sorted(cases_by_brand[slug], key=lambda c: (c.opened_on, c.id), reverse=True)
        history = overdue_history(
            cases,
            data.statuses,
            days,
            stale_days=data.stale_days,
            confirm_days=data.confirm_days,
        )
        pages.append(
            Page(
                f"brands/{slug}.md",
                "brand.md.j2",
                safe_title(brand.name, slug),
                {
                    "brand": brand,
                    "row": rows[slug],
                    "cases": cases,
                    "statuses": {c.id: data.statuses[c.id] for c in cases},
                    "history": history,
                    "chart": bar_chart(history, label=brand.name),
                    "categories": sorted(
                        {cat for c in cases if not c.is_withdrawn for cat in c.categories}
                    ),
                    "replies": sorted(
                        ((r, c) for c in cases if not c.is_withdrawn for r in c.brand_reply),
                        key=lambda rc: (rc[0].date, rc[1].id),
                        reverse=True,
                    ),
                },
                layout=Layout.BRAND,
                search_text=", ".join(brand.aliases),
                description=safe_title(
                    lang.text(
                        "%(brand)s · Overdue: %(overdue)s · Cases: %(cases)s",
                        brand=brand.name,
                        overdue=lang.number(rows[slug].overdue),
                        cases=lang.number(len(cases)),
                    ),
                    brand.name,
                ),
            )
        )
    for case in data.cases:
        brand = data.brands[case.brand]
        if case.is_withdrawn:
            pages.append(
                Page(
                    f"cases/{case.id}.md",
                    "case_withdrawn.md.j2",
                    case.id,
                    {"case": case, "brand": brand},
                    search=False,
                    layout=Layout.WITHDRAWN,
                    description=safe_title(
                        f"{case.id} · {lang.word('case_status', 'withdrawn')}", case.id
                    ),
                )
            )
            continue
        pages.append(
            Page(
                f"cases/{case.id}.md",
                "case.md.j2",
                safe_title(case.title, case.id),
                {
                    "case": case,
                    "brand": brand,
                    "statuses": data.statuses[case.id],
                    "stale": is_stale(case, data.as_of, data.stale_days),
                    "sides": brand_sides(case, data),
                },
                layout=Layout.CASE,
                search_text=", ".join((brand.name, *brand.aliases)),
                description=describe(case.summary or case.title, case.id),
                brand=safe_title(brand.name, brand.slug),
            )
        )
    tagline = safe_title(lang.gettext(TAGLINE), "")
    return [
        p
        if p.description
        else replace(p, description=describe(f"{p.title} · {tagline}", p.title))
        if p.source != "index.md"
        else replace(p, description=tagline)
        for p in pages
    ]


def describe(text: str, fallback: str, limit: int = 160) -> str:
    """A page's description: its text on one line, safe, cut at a word under `limit`."""
    line = safe_title(text, fallback)
    if len(line) <= limit:
        return line
    return line[: limit - 1].rsplit(" ", 1)[0] + "…"
