"""iCalendar files of the deadlines still ahead (RFC 5545, written by `icalendar`): one for
the whole site, one per brand and one per case, each deadline an all-day event with an
alarm on its day.

A calendar with no deadline ahead still holds one component, as RFC 5545 requires: a
journal entry saying so (calendar applications show no event for it), so that a
subscription keeps working until the next deadline. Every timestamp derives from the as-of
day, never from the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import icalendar

from generator.export.publisher import Publisher
from generator.model.statuses import Status
from generator.model.tracker import Tracker
from generator.model.values import Case

SITE_CALENDAR = "deadlines"
"""`calendars/deadlines.ics`: every deadline ahead (a brand cannot take this name)."""
ALARM_AT = dt.timedelta(hours=9)
"""When, on the due day, the alarm rings: 09:00 in the subscriber's own time."""


def calendar(data: Tracker, cases: Sequence[Case], *, name: str, uid: str, by: Publisher) -> bytes:
    """A calendar named `name` with one all-day event, and its alarm, per pending deadline
    of `cases`; `uid` names the calendar in its placeholder when there is none."""
    lang = by.language
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//{by.host}//{by.name} deadlines//{lang.tag.upper()}")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{by.name}: {name}")
    stamp = dt.datetime.combine(data.as_of, dt.time(), dt.UTC)
    brands = data.brands
    events = 0
    for case in cases:
        brand = brands[case.brand].name
        for s in data.statuses[case.id]:
            if s.status != Status.PENDING or s.due is None:
                continue
            summary = lang.text(
                "%(brand)s: %(kind)s due (%(case)s)",
                brand=brand,
                kind=lang.word("kind", s.kind),
                case=case.title,
            )
            event = icalendar.Event()
            event.add("uid", by.uid(f"{case.id}-{s.index + 1}"))
            event.add("dtstamp", stamp)
            event.add("dtstart", s.due)
            event.add("dtend", s.due + dt.timedelta(days=1))
            event.add("summary", summary)
            event.add("url", f"{by.site_url}cases/{case.id}/")
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary)
            alarm.add("trigger", ALARM_AT)  # from the start of the due day
            event.add_component(alarm)
            cal.add_component(event)
            events += 1
    if not events:
        journal = icalendar.Journal()
        journal.add("uid", by.uid(f"{uid}-none"))
        journal.add("dtstamp", stamp)
        journal.add("dtstart", data.as_of)
        journal.add(
            "summary", lang.text("No deadline ahead as of %(date)s", date=lang.date(data.as_of))
        )
        cal.add_component(journal)
    return cal.to_ical()
