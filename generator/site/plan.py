"""Which pages the site has and what each one shows: pure functions over computed figures.

Nothing here writes files or formats HTML; `render.py` does. Page titles given to MkDocs come
only from validated slugs or `safe_title`, because the theme prints titles without escaping.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.site.charts import bar_chart
from generator.model.statuses import PromiseStatus, case_statuses, is_stale, overdue_on
from generator.model.ranking import BrandFigures, Headline, due_within, headline, newly_overdue, rank_brands
from generator.model.values import Brand, Case

CATEGORIES = ("contact", "returns-refunds", "delivery", "product", "other")
CHART_MONTHS = 12
TOP_BRANDS = 10
RANKING_ROWS = 500
"""Brands shown on a ranking page; all of them are in brands.csv. Keeps the page light
(under 300 KB compressed) when the tracker has thousands of brands."""
_UNSAFE_TITLE = re.compile(r"[^\w .,'\u2019()+!/:-]")


def safe_title(text: str, fallback: str) -> str:
    """Text fit for a page title: no markup characters at all (`<`, `&`, `"`, ...)."""
    cleaned = " ".join(_UNSAFE_TITLE.sub(" ", text).split())
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
    search_template: str | None = None
    """A lighter template whose text alone is indexed by search (the page itself is shown
    from its front matter): brand pages index the brand's names and case titles only."""

    @property
    def url(self) -> str:
        """The page's URL relative to the site root, like `cases/acme-refund/`."""
        path = self.source.removesuffix(".md")
        if path == "index":
            return ""
        return path.removesuffix("/index") + "/"

    @property
    def base(self) -> str:
        """Relative prefix from this page back to the site root."""
        return "../" * self.url.count("/")


@dataclass(frozen=True)
class SiteData:
    """Everything computed for one build, from which every page and data file is made."""

    as_of: dt.date
    commit: str
    brands: dict[str, Brand]
    cases: tuple[Case, ...]
    statuses: dict[str, tuple[PromiseStatus, ...]]
    """Promise statuses by case id."""
    ranking: tuple[BrandFigures, ...]
    headline: Headline
    stale_days: int

    @property
    def all_statuses(self) -> list[PromiseStatus]:
        return [s for c in self.cases for s in self.statuses[c.id]]

    @property
    def rows(self) -> dict[str, BrandFigures]:
        return {r.slug: r for r in self.ranking}


def compute(
    brands: dict[str, Brand], cases: Sequence[Case], *, as_of: dt.date, commit: str, stale_days: int
) -> SiteData:
    """Statuses, ranking and headline figures for the given day."""
    statuses = {c.id: case_statuses(c, as_of, stale_days=stale_days) for c in cases}
    ranking = rank_brands(brands, cases, (s for v in statuses.values() for s in v))
    return SiteData(
        as_of, commit, brands, tuple(cases), statuses, ranking, headline(ranking), stale_days
    )


def sub_ranking(
    data: SiteData, keep_case: Any = None, keep_status: Any = None
) -> tuple[BrandFigures, ...]:
    """The ranking restricted to some cases or some promises."""
    cases = [c for c in data.cases if keep_case is None or keep_case(c)]
    statuses = [
        s for c in cases for s in data.statuses[c.id] if keep_status is None or keep_status(s)
    ]
    return rank_brands(data.brands, cases, statuses)


def month_ends(as_of: dt.date, months: int) -> list[dt.date]:
    """The last day of each of the `months - 1` months before as-of's month, then as-of."""
    ends = []
    first = as_of.replace(day=1)
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    while first < as_of.replace(day=1):
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        ends.append(nxt - dt.timedelta(days=1))
        first = nxt
    return [*ends, as_of]


def overdue_history(
    cases: Iterable[Case], statuses: Mapping[str, Sequence[PromiseStatus]], days: Sequence[dt.date]
) -> list[tuple[str, int]]:
    """How many promises were overdue at the end of each of `days`, from today's data."""
    live = [(c, s) for c in cases if c.status != "withdrawn" for s in statuses[c.id]]
    return [(day.isoformat()[:7], sum(1 for c, s in live if overdue_on(c, s, day))) for day in days]


def site_pages(data: SiteData, t: Mapping[str, Any]) -> list[Page]:
    """Every page of the site, in a stable order; `t` holds the interface strings."""
    rows = data.rows
    cases_by_brand: dict[str, list[Case]] = defaultdict(list)
    for case in data.cases:
        cases_by_brand[case.brand].append(case)
    all_statuses = data.all_statuses
    pages = [
        Page(
            "index.md",
            "home.md.j2",
            "Unkept",
            {
                "headline": data.headline,
                "top": [r for r in data.ranking if r.overdue > 0][:TOP_BRANDS],
                "newly_overdue": newly_overdue(all_statuses, data.as_of, 7),
            },
        ),
        Page(
            "ranking/index.md",
            "ranking.md.j2",
            safe_title(t["ranking"], "Ranking"),
            {
                "rows": data.ranking,
                "view": "all",
            },
        ),
        Page(
            "ranking/last-12-months.md",
            "ranking.md.j2",
            safe_title(f"{t['ranking']}: {t['ranking_12_months']}", "Ranking"),
            {
                "rows": sub_ranking(
                    data, keep_status=lambda s: (data.as_of - s.made_on).days < 365
                ),
                "view": "last-12-months",
            },
        ),
        *(
            Page(
                f"ranking/{cat}.md",
                "ranking.md.j2",
                safe_title(f"{t['ranking']}: {t['category'][cat]}", "Ranking"),
                {
                    "rows": sub_ranking(data, keep_case=lambda c, cat=cat: cat in c.categories),
                    "view": cat,
                },
            )
            for cat in CATEGORIES
        ),
        Page(
            "deadlines.md",
            "deadlines.md.j2",
            safe_title(t["deadlines"], "Deadlines"),
            {
                "due_7": due_within(all_statuses, 7),
                "due_30": due_within(all_statuses, 30),
                "overdue_7": newly_overdue(all_statuses, data.as_of, 7),
                "overdue_30": newly_overdue(all_statuses, data.as_of, 30),
            },
        ),
        Page(
            "methodology.md", "methodology.md.j2", safe_title(t["methodology"], "Methodology"), {}
        ),
        Page("contribute.md", "contribute.md.j2", safe_title(t["contribute"], "Contribute"), {}),
    ]
    days = month_ends(data.as_of, CHART_MONTHS)
    for slug, brand in sorted(data.brands.items()):
        cases = sorted(cases_by_brand[slug], key=lambda c: (c.opened_on, c.id), reverse=True)
        history = overdue_history(cases, data.statuses, days)
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
                        {cat for c in cases if c.status != "withdrawn" for cat in c.categories}
                    ),
                    "replies": sorted(
                        ((r, c) for c in cases if c.status != "withdrawn" for r in c.brand_reply),
                        key=lambda rc: (rc[0].date, rc[1].id),
                        reverse=True,
                    ),
                },
                search_template="brand_search.md.j2",
            )
        )
    for case in data.cases:
        brand = data.brands[case.brand]
        if case.status == "withdrawn":
            pages.append(
                Page(
                    f"cases/{case.id}.md",
                    "case_withdrawn.md.j2",
                    case.id,
                    {"case": case, "brand": brand},
                    search=False,
                )
            )
            continue
        pages.append(
            Page(
                f"cases/{case.id}.md",
                "case.md.j2",
                case.id,
                {
                    "case": case,
                    "brand": brand,
                    "statuses": data.statuses[case.id],
                    "stale": is_stale(case, data.as_of, data.stale_days),
                },
                search=False,
            )
        )
    return pages
