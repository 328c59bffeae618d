"""Atom feed entries: new cases and promises that became overdue, newest first.

Every date derives from the data and the as-of day, never from the clock, so the same data
and day give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from generator.export.publisher import Publisher
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


def feed_entries(data: Tracker, by: Publisher, cases: Iterable[Case]) -> list[FeedEntry]:
    """The newest entries about `cases` (all of them, or one brand's), newest first."""
    lang = by.language
    entries = []
    for case in cases:
        if case.is_withdrawn:
            continue
        name = data.brands[case.brand].name
        entries.append(
            FeedEntry(
                by.tag("case", case.id),
                case.opened_on,
                lang.text("New case: %(title)s", title=case.title),
                f"cases/{case.id}/",
                case.brand,
            )
        )
        for s in data.statuses[case.id]:
            if s.status == Status.OVERDUE:
                entries.append(
                    FeedEntry(
                        by.tag("overdue", case.id, str(s.index + 1)),
                        s.due + dt.timedelta(days=1),
                        lang.text(
                            "Overdue: %(brand)s's %(kind)s promise (%(case)s)",
                            kind=lang.word("kind", s.kind),
                            brand=name,
                            case=case.title,
                        )
                        + (lang.gettext(" (disputed by the brand)") if s.disputed else ""),
                        f"cases/{case.id}/",
                        case.brand,
                    )
                )
    entries.sort(key=lambda e: (e.day, e.id), reverse=True)
    return entries[:FEED_ENTRIES]


def correction_entries(data: Tracker, by: Publisher) -> list[FeedEntry]:
    """The newest corrections: withdrawn cases, disputed promises and rejected claims."""
    lang = by.language
    entries = []
    for c in corrections(data):
        name = data.brands[c.brand].name
        if c.kind == CorrectionKind.WITHDRAWN:
            title = lang.text("Case %(case)s was withdrawn by its submitter.", case=c.case_id)
        elif c.kind == CorrectionKind.DISPUTED:
            title = lang.text(
                "%(brand)s disputes promise %(n)s of case %(case)s.",
                brand=name,
                n=c.promise,
                case=c.case_id,
            )
        else:
            title = lang.text(
                "The consumer rejects %(brand)s's claim that promise %(n)s of case %(case)s "
                "was kept.",
                brand=name,
                n=c.promise,
                case=c.case_id,
            )
        entries.append(
            FeedEntry(
                by.tag("correction", str(c.kind), c.case_id, str(c.promise or 0)),
                c.day,
                title,
                f"cases/{c.case_id}/",
                c.brand,
            )
        )
    return entries[:FEED_ENTRIES]
