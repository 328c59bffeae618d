"""The tracker on a given day: every promise's status, the ranking and the headline figures.

A pure function of the brands, the cases, the as-of day and the data's commit, so any
published figure can be reproduced from the data and the date. Also the figures about the
past that charts show, judged from today's data.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator.model.deadlines import EU_DEADLINES, DeadlineRules
from generator.model.ranking import BrandFigures, Headline, by_rate, headline, rank_brands
from generator.model.statuses import (
    DEFAULT_CONFIRM_DAYS,
    DEFAULT_STALE_DAYS,
    PromiseStatus,
    case_statuses,
    overdue_on,
    overdue_span,
)
from generator.model.values import CATEGORIES, Brand, Case


@dataclass(frozen=True)
class Tracker:
    """The tracker as computed on one day: every page, data file and report is made from it."""

    as_of: dt.date
    commit: str
    brands: dict[str, Brand]
    cases: tuple[Case, ...]
    statuses: dict[str, tuple[PromiseStatus, ...]]
    """Promise statuses by case id."""
    ranking: tuple[BrandFigures, ...]
    headline: Headline
    stale_days: int
    confirm_days: int = DEFAULT_CONFIRM_DAYS
    deadlines: DeadlineRules = EU_DEADLINES
    """The default deadlines the statuses were computed with (the methodology shows them)."""

    @property
    def all_statuses(self) -> list[PromiseStatus]:
        return [s for c in self.cases for s in self.statuses[c.id]]

    @property
    def rows(self) -> dict[str, BrandFigures]:
        return {r.slug: r for r in self.ranking}

    @functools.cached_property
    def views(self) -> dict[str, tuple[BrandFigures, ...]]:
        """`ranking_views(self)`, computed once: pages and open data both read them."""
        return ranking_views(self)


def compute(
    brands: dict[str, Brand],
    cases: Sequence[Case],
    *,
    as_of: dt.date,
    commit: str,
    stale_days: int = DEFAULT_STALE_DAYS,
    confirm_days: int = DEFAULT_CONFIRM_DAYS,
    deadlines: DeadlineRules = EU_DEADLINES,
) -> Tracker:
    """Statuses, ranking and headline figures for the given day."""
    statuses = {
        c.id: case_statuses(
            c, as_of, stale_days=stale_days, confirm_days=confirm_days, rules=deadlines
        )
        for c in cases
    }
    ranking = rank_brands(brands, cases, (s for v in statuses.values() for s in v))
    return Tracker(
        as_of,
        commit,
        brands,
        tuple(cases),
        statuses,
        ranking,
        headline(ranking),
        stale_days,
        confirm_days,
        deadlines,
    )


def sub_ranking(
    data: Tracker, keep_case: Any = None, keep_status: Any = None
) -> tuple[BrandFigures, ...]:
    """The ranking of the brands with at least one case in a view, ranked within the view.

    The view keeps some cases (`keep_case`) or some promises (`keep_status`); a case is in
    it when it is not withdrawn and keeps at least one promise.
    """
    cases = [c for c in data.cases if keep_case is None or keep_case(c)]
    statuses = [
        s for c in cases for s in data.statuses[c.id] if keep_status is None or keep_status(s)
    ]
    live = {c.id for c in cases if not c.is_withdrawn}
    shown = {s.brand for s in statuses if s.case_id in live}
    brands = {slug: b for slug, b in data.brands.items() if slug in shown}
    return rank_brands(brands, [c for c in cases if c.brand in shown], statuses)


LAST_12_MONTHS = "last-12-months"
BY_RATE = "by-rate"


VIEWS = ("all", LAST_12_MONTHS, *CATEGORIES, BY_RATE)
"""The views of the ranking, in the order pages and the Data Package list them."""


def ranking_views(data: Tracker) -> dict[str, tuple[BrandFigures, ...]]:
    """Every view of the ranking, by name: `all`, the last 12 months, each category, and the
    brands with a rate ordered by its lower bound (`by-rate`)."""
    views = {
        "all": data.ranking,
        LAST_12_MONTHS: sub_ranking(
            data, keep_status=lambda s: (data.as_of - s.made_on).days < 365
        ),
    }
    for category in CATEGORIES:
        views[category] = sub_ranking(data, keep_case=lambda c, k=category: k in c.categories)
    views[BY_RATE] = by_rate(data.ranking)
    assert tuple(views) == VIEWS
    return views


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
    cases: Iterable[Case],
    statuses: Mapping[str, Sequence[PromiseStatus]],
    days: Sequence[dt.date],
    *,
    stale_days: int = DEFAULT_STALE_DAYS,
    confirm_days: int = DEFAULT_CONFIRM_DAYS,
) -> list[tuple[str, int]]:
    """How many promises were overdue at the end of each of `days`, from today's data.

    Each promise's overdue days are one span, found once (`overdue_span`), but where a
    brand's claim may stand: those are asked day by day."""
    spans, asked = [], []
    for case in cases:
        if case.is_withdrawn:
            continue
        for status in statuses[case.id]:
            span = overdue_span(case, status, stale_days=stale_days, confirm_days=confirm_days)
            if span is None:
                asked.append((case, status))
            elif span[0] < span[1]:
                spans.append(span)
    return [
        (
            day.isoformat()[:7],
            sum(1 for first, end in spans if first <= day < end)
            + sum(
                1
                for c, s in asked
                if overdue_on(c, s, day, stale_days=stale_days, confirm_days=confirm_days)
            ),
        )
        for day in days
    ]
