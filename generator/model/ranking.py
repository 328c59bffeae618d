"""Figures per brand and for the whole tracker, computed from promise statuses.

Every figure on the site and in the open data comes from here, so the ranking page and
`brands.csv` cannot disagree. Withdrawn cases count in no figure.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from generator.model.statuses import DECIDED, KeptPer, PromiseStatus, Status
from generator.model.values import Brand, Case, Money

MIN_DECIDED_FOR_RATE = 5
"""The kept-on-time rate is shown only from this many decided promises up."""

WILSON_Z = 1.959963984540054
"""z for a two-sided 95% interval."""


@dataclass(frozen=True)
class Rate:
    """A proportion with its Wilson 95% interval, in percent rounded to one decimal."""

    percent: str
    low: str
    high: str


def wilson(successes: int, total: int) -> Rate:
    """Wilson score interval (95%) of `successes` out of `total`; percent, one decimal."""
    p = successes / total
    z2 = WILSON_Z**2
    centre = (p + z2 / (2 * total)) / (1 + z2 / total)
    half = WILSON_Z * math.sqrt(p * (1 - p) / total + z2 / (4 * total**2)) / (1 + z2 / total)
    return Rate(_pct(p), _pct(max(0.0, centre - half)), _pct(min(1.0, centre + half)))


def _pct(x: float) -> str:
    return f"{Decimal(repr(x * 100)).quantize(Decimal('0.1'), rounding='ROUND_HALF_EVEN')}"


def median_text(values: Sequence[int]) -> str:
    """The median as text: `3` or `3.5`; empty when there are no values."""
    if not values:
        return ""
    m = statistics.median(values)
    return str(int(m)) if float(m).is_integer() else f"{m:.1f}"


@dataclass(frozen=True)
class BrandFigures:
    """One row of the ranking."""

    slug: str
    name: str
    demo: bool
    rank: int
    """Competition rank ("1224") by overdue promises, then total days overdue."""
    cases: int
    promises: int
    overdue: int
    """Unresolved promises: not kept, past due, case open and confirmed recently."""
    claimed: int
    """Promises the brand says it kept, while the consumer may still reject the claim."""
    unconfirmed: int
    """Promises that would be overdue in cases not confirmed recently: out of the ranking."""
    disputed: int
    """Promises the brand disputes in a reply (any status)."""
    kept_per_brand: int
    """Of the kept promises (on time or late), those kept on the brand's uncontested word."""
    broken: int
    kept: int
    """Kept on time."""
    kept_late: int
    pending: int
    moot: int
    decided: int
    """kept + kept-late + overdue + broken: the rate's denominator."""
    rate: Rate | None
    """Kept-on-time rate with its Wilson interval; None below MIN_DECIDED_FOR_RATE."""
    median_days_late: str
    """Median days late of the promises kept late; empty if none."""
    oldest_overdue_days: int | None
    total_days_overdue: int
    refunds_overdue: tuple[Money, ...]
    """Amounts of overdue refund promises, summed per currency, sorted by currency."""

    @property
    def refunds_overdue_text(self) -> str:
        return "; ".join(str(m) for m in self.refunds_overdue)


def _figures(
    brand: Brand,
    cases: Sequence[Case],
    statuses: Sequence[PromiseStatus],
    amounts: dict[tuple[str, int], object],
) -> BrandFigures:
    live = [s for s in statuses if s.status != Status.WITHDRAWN]
    count = defaultdict(int)
    for s in live:
        count[s.status] += 1
    overdue = [s for s in live if s.status == Status.OVERDUE]
    decided = sum(count[x] for x in DECIDED)
    refunds: dict[str, Decimal] = defaultdict(Decimal)
    for s in overdue:
        money = amounts.get((s.case_id, s.index))
        if s.kind == "refund" and money is not None:
            refunds[money.currency] += money.amount
    return BrandFigures(
        slug=brand.slug,
        name=brand.name,
        demo=brand.demo,
        rank=0,
        cases=sum(1 for c in cases if not c.is_withdrawn),
        promises=len(live),
        overdue=len(overdue),
        claimed=count[Status.CLAIMED],
        unconfirmed=count[Status.UNCONFIRMED],
        disputed=sum(1 for s in live if s.disputed),
        kept_per_brand=sum(1 for s in live if s.kept_per == KeptPer.BRAND),
        broken=count[Status.BROKEN],
        kept=count[Status.KEPT],
        kept_late=count[Status.KEPT_LATE],
        pending=count[Status.PENDING],
        moot=count[Status.MOOT],
        decided=decided,
        rate=wilson(count[Status.KEPT], decided) if decided >= MIN_DECIDED_FOR_RATE else None,
        median_days_late=median_text(
            sorted(s.days for s in live if s.status == Status.KEPT_LATE and s.days is not None)
        ),
        oldest_overdue_days=max((s.days for s in overdue if s.days is not None), default=None),
        total_days_overdue=sum(s.days or 0 for s in overdue),
        refunds_overdue=tuple(Money(refunds[c], c) for c in sorted(refunds)),
    )


def sort_key(f: BrandFigures) -> tuple:
    """The ranking's order: most overdue first, then most days overdue, then by name."""
    return (-f.overdue, -f.total_days_overdue, f.name.casefold(), f.slug)


def rank_brands(
    brands: dict[str, Brand], cases: Iterable[Case], statuses: Iterable[PromiseStatus]
) -> tuple[BrandFigures, ...]:
    """One row per brand, in ranking order, with competition ranks (ties share a rank)."""
    cases_by_brand: dict[str, list[Case]] = defaultdict(list)
    amounts: dict[tuple[str, int], object] = {}
    for case in cases:
        cases_by_brand[case.brand].append(case)
        for p in case.promises:
            amounts[(case.id, p.index)] = p.amount
    statuses_by_brand: dict[str, list[PromiseStatus]] = defaultdict(list)
    for s in statuses:
        statuses_by_brand[s.brand].append(s)
    rows = sorted(
        (
            _figures(b, cases_by_brand[slug], statuses_by_brand[slug], amounts)
            for slug, b in brands.items()
        ),
        key=sort_key,
    )
    ranked: list[BrandFigures] = []
    for i, row in enumerate(rows):
        tie = ranked and (ranked[-1].overdue, ranked[-1].total_days_overdue) == (
            row.overdue,
            row.total_days_overdue,
        )
        ranked.append(replace(row, rank=ranked[-1].rank if tie else i + 1))
    return tuple(ranked)


@dataclass(frozen=True)
class Headline:
    """The tracker's figures on the home page."""

    brands: int
    cases: int
    promises: int
    overdue: int
    kept_on_time: int


def headline(ranking: Sequence[BrandFigures]) -> Headline:
    """Totals over every brand."""
    return Headline(
        brands=len(ranking),
        cases=sum(r.cases for r in ranking),
        promises=sum(r.promises for r in ranking),
        overdue=sum(r.overdue for r in ranking),
        kept_on_time=sum(r.kept for r in ranking),
    )


def newly_overdue(
    statuses: Iterable[PromiseStatus], as_of: dt.date, days: int
) -> list[PromiseStatus]:
    """Overdue promises that became overdue in the last `days` days (as-of included)."""
    return sorted(
        (
            s
            for s in statuses
            if s.status == Status.OVERDUE and s.days is not None and s.days <= days
        ),
        key=lambda s: (s.days, s.case_id, s.index),
    )


def due_within(statuses: Iterable[PromiseStatus], days: int) -> list[PromiseStatus]:
    """Pending promises due in the next `days` days (as-of included)."""
    return sorted(
        (
            s
            for s in statuses
            if s.status == Status.PENDING and s.days is not None and -s.days <= days
        ),
        key=lambda s: (s.due, s.case_id, s.index),
    )


def by_rate(rows: Iterable[BrandFigures]) -> tuple[BrandFigures, ...]:
    """The brands with a rate (at least MIN_DECIDED_FOR_RATE decided promises), best first by
    the lower bound of their interval, then by rate, then by name; ranks share ties."""

    def key(r: BrandFigures) -> tuple:
        assert r.rate is not None
        return (-Decimal(r.rate.low), -Decimal(r.rate.percent), r.name.casefold(), r.slug)

    rated = sorted((r for r in rows if r.rate is not None), key=key)
    ranked: list[BrandFigures] = []
    for i, row in enumerate(rated):
        previous = ranked[-1] if ranked else None
        tie = previous is not None and previous.rate == row.rate
        ranked.append(replace(row, rank=previous.rank if previous and tie else i + 1))
    return tuple(ranked)
