"""iCalendar files of the deadlines still ahead, one per brand (RFC 5545, by `icalendar`).

Every timestamp derives from the as-of day, never from the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import icalendar

from generator.model.statuses import Status
from generator.model.tracker import Tracker
from generator.model.values import Case


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
