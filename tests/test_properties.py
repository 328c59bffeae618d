"""Invariants of the engine over generated promises (hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from generator.model.deadlines import business_calendar, deadline
from generator.model.statuses import DECIDED, Status, overdue_on, promise_status, snapshot
from generator.model.values import Case, Delay, Moment, Promise

START = dt.date(2024, 1, 1)
days = st.integers(min_value=0, max_value=900)
offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
    lambda m: dt.timezone(dt.timedelta(minutes=m))
)
units = st.sampled_from(["hours", "days", "weeks", "business days"])
countries = st.sampled_from(["FR", "GB", "DE", "ES", "US", "JP", "AE", "AQ"])
kinds = st.sampled_from(["refund", "callback", "reply", "delivery", "repair", "other"])


@st.composite
def moments(draw, earliest: dt.date) -> Moment:
    day = earliest + dt.timedelta(days=draw(st.integers(0, 200)))
    if draw(st.booleans()):
        return Moment(day)
    at = dt.datetime.combine(
        day, dt.time(draw(st.integers(0, 23)), draw(st.integers(0, 59))), draw(offsets)
    )
    return Moment(at.date(), at)


@st.composite
def cases(draw) -> Case:
    opened = START + dt.timedelta(days=draw(days))
    made = draw(moments(opened))
    deadline_form = draw(st.sampled_from(["due", "within", "none"]))
    due = draw(moments(made.day)) if deadline_form == "due" else None
    within = Delay(draw(st.integers(1, 60)), draw(units)) if deadline_form == "within" else None
    kept = draw(st.one_of(st.none(), moments(made.day)))
    status = draw(st.sampled_from(["open", "resolved", "abandoned", "withdrawn"]))
    closed = None if status == "open" else opened + dt.timedelta(days=draw(st.integers(0, 300)))
    promise = Promise(0, draw(kinds), made, None, None, due, within, None, kept, (), None)
    return Case(
        "c",
        "b",
        "f",
        "t",
        draw(countries),
        ("contact",),
        (),
        opened,
        status,
        closed,
        opened,
        "someone",
        None,
        None,
        (promise,),
        (),
        (),
        (),
    )


@given(cases(), days)
def test_each_promise_has_exactly_one_status(case, offset):
    as_of = START + dt.timedelta(days=offset)
    s = promise_status(case, case.promises[0], as_of)
    assert isinstance(s.status, Status)
    # The conditions of the definitions, each true for exactly the status given.
    p, due, closed = case.promises[0], s.due, case.closed_on
    conditions = {
        Status.WITHDRAWN: case.status == "withdrawn",
        Status.KEPT: case.status != "withdrawn" and p.kept is not None and p.kept.day <= due,
        Status.KEPT_LATE: case.status != "withdrawn" and p.kept is not None and p.kept.day > due,
        Status.MOOT: p.kept is None and case.is_closed and closed <= due,
        Status.BROKEN: p.kept is None and case.is_closed and closed > due,
        Status.PENDING: p.kept is None and case.status == "open" and as_of <= due,
        Status.OVERDUE: p.kept is None and case.status == "open" and as_of > due,
    }
    assert [st_ for st_, holds in conditions.items() if holds] == [s.status]


@given(cases(), days, st.integers(min_value=0, max_value=400))
def test_moving_as_of_forward_never_undoes_overdue(case, offset, step):
    earlier = START + dt.timedelta(days=offset)
    later = earlier + dt.timedelta(days=step)
    before = promise_status(case, case.promises[0], earlier)
    after = promise_status(case, case.promises[0], later)
    if before.status == Status.OVERDUE:
        assert after.status == Status.OVERDUE
        assert after.days == before.days + step
    if after.status == Status.PENDING:
        assert before.status == Status.PENDING
    if before.status in DECIDED - {Status.OVERDUE} or before.status == Status.MOOT:
        assert (after.status, after.days) == (before.status, before.days)


@given(cases())
def test_due_day_is_never_before_the_promise(case):
    promise = case.promises[0]
    dl = deadline(promise, case.country)
    if promise.due is None:
        assert dl.due >= promise.made.day
    if promise.within is not None and promise.within.unit == "business days":
        calendar = business_calendar(case.country)
        assert dl.due > promise.made.day
        assert calendar.is_working_day(dl.due)


@given(cases(), days, days)
def test_overdue_on_a_past_day_equals_the_engine_on_a_snapshot(case, offset, back):
    as_of = START + dt.timedelta(days=offset)
    day = as_of - dt.timedelta(days=back)
    promise = case.promises[0]
    today = promise_status(case, promise, as_of)
    then = snapshot(case, day)
    expected = bool(then.promises) and (
        promise_status(then, then.promises[0], day).status == Status.OVERDUE
    )
    assert overdue_on(case, today, day) == expected
