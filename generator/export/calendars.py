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
import functools
from collections.abc import Mapping, Sequence

import icalendar

from generator.export.publisher import Publisher
from generator.model.statuses import Status
from generator.model.tracker import Tracker
from generator.model.values import Case

SITE_CALENDAR = "deadlines"
"""`calendars/deadlines.ics`: every deadline ahead (a brand cannot take this name)."""
ALARM_AT = dt.timedelta(hours=9)
"""When, on the due day, the alarm rings: 09:00 in the subscriber's own time."""


def case_events(data: Tracker, case: Case, by: Publisher) -> bytes:
    """The serialised events (VEVENT, with its alarm) of the case's pending deadlines.

    Made once per case: the case's, its brand's and the site's calendars each hold them, and
    serialising is most of a calendar's cost (3 times per event took 6 s at 10,000 cases).
    """
    lang = by.language
    stamp = dt.datetime.combine(data.as_of, dt.time(), dt.UTC)
    brand = data.brands[case.brand].name
    out = []
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
        out.append(event.to_ical())
    return b"".join(out)


def calendar(
    data: Tracker,
    cases: Sequence[Case],
    *,
    name: str,
    uid: str,
    by: Publisher,
    events: Mapping[str, bytes] | None = None,
) -> bytes:
    """A calendar named `name` with one all-day event, and its alarm, per pending deadline
    of `cases` (their serialised events taken from `events` when given); `uid` names the
    calendar in its placeholder when there is none."""
    lang = by.language
    head, journal = _frame(
        f"-//{by.host}//{by.name} deadlines//{lang.tag.upper()}",
        data.as_of,
        lang.text("No deadline ahead as of %(date)s", date=lang.date(data.as_of)),
    )
    body = b"".join(
        events[case.id] if events is not None else case_events(data, case, by) for case in cases
    )
    if not body:  # the placeholder journal entry, only its UID written per calendar
        body = journal + _line("uid", by.uid(f"{uid}-none")) + b"END:VJOURNAL\r\n"
    return head + _line("x-wr-calname", f"{by.name}: {name}") + body + b"END:VCALENDAR\r\n"


@functools.lru_cache(maxsize=4)
def _frame(prodid: str, as_of: dt.date, none_ahead: str) -> tuple[bytes, bytes]:
    """What every calendar of a build shares, serialised once: the calendar's first lines,
    and the placeholder journal's lines but its UID (`icalendar` writes properties in
    this order: the calendar's name after its product, the UID last).

    Serialising them for each of 5,857 open cases took 1.8 s at 10,000 cases.
    """
    cal = icalendar.Calendar()
    cal.add("prodid", prodid)
    cal.add("version", "2.0")
    journal = icalendar.Journal()
    journal.add("dtstamp", dt.datetime.combine(as_of, dt.time(), dt.UTC))
    journal.add("dtstart", as_of)
    journal.add("summary", none_ahead)
    return (
        cal.to_ical().removesuffix(b"END:VCALENDAR\r\n"),
        journal.to_ical().removesuffix(b"END:VJOURNAL\r\n"),
    )


def _line(name: str, text: str) -> bytes:
    """One property's content line, typed, escaped and folded as `icalendar` writes it in a
    whole calendar."""
    value = icalendar.Calendar.types_factory.for_property(name)(text)
    return icalendar.Component().content_line(name.upper(), value).to_ical() + b"\r\n"
