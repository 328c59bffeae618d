"""Atom feed entries: new cases and promises that became overdue, newest first.

Every date derives from the data and the as-of day, never from the clock, so the same data
and day give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from generator.model.corrections import CorrectionKind, corrections
from generator.model.statuses import Status
from generator.model.tracker import Tracker
from generator.model.values import Case

FEED_ENTRIES = 50


@dataclass(frozen=True)
class FeedEntry:
    """One Atom entry: a new case, or a promise that became overdue."""

    id: str
    """A tag URI, stable across builds."""
    day: dt.date
    """When it happened: the case's opening day, or the first day overdue."""
    title: str
    path: str
    """Page URL relative to the site root."""
    brand: str


def feed_entries(data: Tracker, t: dict, cases: Iterable[Case]) -> list[FeedEntry]:
    """The newest entries about `cases` (all of them, or one brand's), newest first."""
    entries = []
    for case in cases:
        if case.is_withdrawn:
            continue
        name = data.brands[case.brand].name
        entries.append(
            FeedEntry(
                f"tag:unkept,2026:case:{case.id}",
                case.opened_on,
                t["feed_new_case"].format(title=case.title),
                f"cases/{case.id}/",
                case.brand,
            )
        )
        for s in data.statuses[case.id]:
            if s.status == Status.OVERDUE:
                entries.append(
                    FeedEntry(
                        f"tag:unkept,2026:overdue:{case.id}:{s.index + 1}",
                        s.due + dt.timedelta(days=1),
                        t["feed_overdue"].format(kind=t["kind"][s.kind], brand=name, case=case.id)
                        + (t["feed_disputed"] if s.disputed else ""),
                        f"cases/{case.id}/",
                        case.brand,
                    )
                )
    entries.sort(key=lambda e: (e.day, e.id), reverse=True)
    return entries[:FEED_ENTRIES]


def correction_entries(data: Tracker, t: dict) -> list[FeedEntry]:
    """The newest corrections: withdrawn cases, disputed promises and rejected claims."""
    entries = []
    for c in corrections(data):
        name = data.brands[c.brand].name
        if c.kind == CorrectionKind.WITHDRAWN:
            title = t["correction_withdrawn"].format(case=c.case_id)
        elif c.kind == CorrectionKind.DISPUTED:
            title = t["correction_disputed"].format(brand=name, n=c.promise, case=c.case_id)
        else:
            title = t["correction_claim_rejected"].format(brand=name, n=c.promise, case=c.case_id)
        entries.append(
            FeedEntry(
                f"tag:unkept,2026:correction:{c.kind}:{c.case_id}:{c.promise or 0}",
                c.day,
                title,
                f"cases/{c.case_id}/",
                c.brand,
            )
        )
    return entries[:FEED_ENTRIES]
