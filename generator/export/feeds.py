"""Atom feeds, iCalendar files of deadlines, and overdue-count badges.

All timestamps derive from the as-of day, never from the clock, so the same data and day give
the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import icalendar

from generator.model.statuses import Status
from generator.model.tracker import Tracker
from generator.model.values import Case

FEED_ENTRIES = 50
BADGE_COLOURS = ((0, "brightgreen"), (1, "orange"), (5, "red"))


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
        if case.status == "withdrawn":
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
                        t["feed_overdue"].format(kind=t["kind"][s.kind], brand=name, case=case.id),
                        f"cases/{case.id}/",
                        case.brand,
                    )
                )
    entries.sort(key=lambda e: (e.day, e.id), reverse=True)
    return entries[:FEED_ENTRIES]


def calendar(data: Tracker, cases: Sequence[Case], *, brand_name: str, site_url: str) -> bytes:
    """An iCalendar file with one all-day event per pending deadline of the brand."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Unkept//unkept deadlines//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Unkept: {brand_name}")
    stamp = dt.datetime.combine(data.as_of, dt.time(), dt.UTC)
    for case in cases:
        for s in data.statuses[case.id]:
            if s.status != Status.PENDING:
                continue
            event = icalendar.Event()
            event.add("uid", f"{case.id}-{s.index + 1}@unkept")
            event.add("dtstamp", stamp)
            event.add("dtstart", s.due)
            event.add("dtend", s.due + dt.timedelta(days=1))
            event.add("summary", f"{brand_name}: {s.kind} due ({case.id})")
            event.add("url", f"{site_url}cases/{case.id}/")
            cal.add_component(event)
    return cal.to_ical()


def badge_colour(overdue: int) -> str:
    """Green with none overdue, orange from one, red from five."""
    colour = BADGE_COLOURS[0][1]
    for threshold, name in BADGE_COLOURS:
        if overdue >= threshold:
            colour = name
    return colour


def badge_endpoint(overdue: int, t: dict) -> str:
    """shields.io endpoint JSON for a brand's badge."""
    return (
        json.dumps(
            {
                "schemaVersion": 1,
                "label": t["badge_label"],
                "message": t["badge_overdue"].format(n=overdue),
                "color": badge_colour(overdue),
            },
            ensure_ascii=False,
        )
        + "\n"
    )
