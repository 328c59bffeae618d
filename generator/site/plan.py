"""Which pages the site has and what each one shows: pure functions over computed figures.

Nothing here writes files or formats HTML; `render.py` does. Page titles given to MkDocs come
only from validated slugs or `safe_title`, because the theme prints titles without escaping.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.model.ranking import due_within, newly_overdue
from generator.model.statuses import is_stale
from generator.model.tracker import Tracker, month_ends, overdue_history, sub_ranking
from generator.model.values import Case
from generator.site.charts import bar_chart

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


def site_pages(data: Tracker, t: Mapping[str, Any]) -> list[Page]:
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
                        {cat for c in cases if not c.is_withdrawn for cat in c.categories}
                    ),
                    "replies": sorted(
                        ((r, c) for c in cases if not c.is_withdrawn for r in c.brand_reply),
                        key=lambda rc: (rc[0].date, rc[1].id),
                        reverse=True,
                    ),
                },
                search_template="brand_search.md.j2",
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
