"""Calendars: the pieces serialised once per build make the very bytes `icalendar` writes
for the whole calendar."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.export import calendars
from generator.export.publisher import Publisher
from generator.i18n import Language
from generator.model.tracker import compute
from tests.support import REPO

TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(';,\\:"é€😀'),
    max_size=120,
)


def whole(by: Publisher, as_of: dt.date, name: str, uid: str) -> bytes:
    """The placeholder calendar built as one `icalendar` object (the reference)."""
    lang = by.language
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//{by.host}//{by.name} deadlines//{lang.tag.upper()}")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{by.name}: {name}")
    journal = icalendar.Journal()
    journal.add("uid", by.uid(f"{uid}-none"))
    journal.add("dtstamp", dt.datetime.combine(as_of, dt.time(), dt.UTC))
    journal.add("dtstart", as_of)
    journal.add("summary", lang.text("No deadline ahead as of %(date)s", date=lang.date(as_of)))
    cal.add_component(journal)
    return cal.to_ical()


@pytest.mark.parametrize("code", ["en", "fr"])
@settings(max_examples=60, deadline=None)
@example(name="Réponse; promise, \\ " * 6, uid="a" * 90, days=0)  # escaped and folded
@given(name=TEXT, uid=st.from_regex(r"[a-z0-9-]{1,90}", fullmatch=True), days=st.integers(0, 900))
def test_a_calendar_without_deadlines_is_what_icalendar_writes_whole(code, name, uid, days):
    as_of = dt.date(2026, 1, 1) + dt.timedelta(days=days)
    by = Publisher(
        "Unkept", "https://unkept.example/", Language.load(REPO / "site_templates", code)
    )
    data = compute({}, [], as_of=as_of, commit="test")
    made = calendars.calendar(data, [], name=name, uid=uid, by=by)
    assert made == whole(by, as_of, name, uid)
    assert icalendar.Calendar.from_ical(made)["X-WR-CALNAME"] == f"Unkept: {name}"
