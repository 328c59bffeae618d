"""Invariants of the engine over generated promises (hypothesis)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import yaml
from hypothesis import given
from hypothesis import strategies as st

from generator.export.downloads import encoded
from generator.export.feeds import FeedEntry, newest
from generator.model.deadlines import business_calendar, deadline
from generator.model.ranking import rank_brands
from generator.model.statuses import (
    DECIDED,
    KeptPer,
    Status,
    overdue_on,
    overdue_span,
    promise_status,
    snapshot,
)
from generator.model.values import (
    Brand,
    BrandReply,
    Case,
    Delay,
    Moment,
    Position,
    Promise,
    case_from_data,
)
from tests.support import VALID_CASE

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
def replies(draw, opened: dt.date, made: dt.date) -> tuple[BrandReply, ...]:
    """Up to three replies: claims that promise 1 was kept, disputes, or about promise 2."""
    out = []
    for _ in range(draw(st.integers(0, 3))):
        day = opened + dt.timedelta(days=draw(st.integers(0, 400)))
        number = draw(st.sampled_from([1, 1, 1, 2]))
        if draw(st.booleans()):
            kept = draw(moments(made))
            position = Position(number, Moment(min(kept.day, day)), None)
        else:
            position = Position(number, None, "We never promised that.")
        out.append(BrandReply(day, "Our answer.", None, (position,)))
    return tuple(out)


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
    rejected = draw(st.sampled_from([None, "It was not kept."]))
    promise = Promise(0, draw(kinds), made, None, None, due, within, None, kept, (), None, rejected)
    confirmed = opened + dt.timedelta(days=draw(st.integers(0, 400)))
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
        confirmed,
        "someone",
        None,
        None,
        (promise,),
        (),
        draw(replies(opened, made.day)),
        (),
    )


def standing_claim(case: Case, as_of: dt.date) -> tuple[dt.date, dt.date] | None:
    """The claim on promise 1 that stands on as-of: (kept day, reply day); an oracle."""
    if case.promises[0].claim_rejected:
        return None
    claims = [
        (r.date, x.kept_on.day)
        for r in case.brand_reply
        if r.date <= as_of
        for x in r.positions
        if x.promise == 1 and x.kept_on is not None
    ]
    if not claims:
        return None
    reply_day, kept_day = max(claims, key=lambda c: c[0])
    return kept_day, reply_day


@given(cases(), days)
def test_each_promise_has_exactly_one_status(case, offset):
    as_of = START + dt.timedelta(days=offset)
    s = promise_status(case, case.promises[0], as_of)
    assert isinstance(s.status, Status)
    # The conditions of the definitions, in their order, each true for exactly the status given.
    p, due, closed = case.promises[0], s.due, case.closed_on
    live = case.status != "withdrawn"
    claim = None if p.kept else standing_claim(case, as_of)
    window = claim is not None and as_of <= claim[1] + dt.timedelta(days=14)
    settled = p.kept.day if p.kept else claim[0] if claim else None
    rest = live and settled is None
    stale = case.status == "open" and (as_of - case.last_confirmed).days > 90
    conditions = {
        Status.WITHDRAWN: not live,
        Status.CLAIMED: live and p.kept is None and window,
        Status.KEPT: live and settled is not None and not window and settled <= due,
        Status.KEPT_LATE: live and settled is not None and not window and settled > due,
        Status.MOOT: rest and case.is_closed and closed <= due,
        Status.BROKEN: rest and case.is_closed and closed > due,
        Status.PENDING: rest and case.status == "open" and as_of <= due,
        Status.OVERDUE: rest and case.status == "open" and as_of > due and not stale,
        Status.UNCONFIRMED: rest and case.status == "open" and as_of > due and stale,
    }
    assert [st_ for st_, holds in conditions.items() if holds] == [s.status]
    assert s.kept_per == (
        None
        if s.status not in (Status.KEPT, Status.KEPT_LATE)
        else KeptPer.CONSUMER
        if p.kept
        else KeptPer.BRAND
    )


@given(cases(), days, st.integers(min_value=0, max_value=400))
def test_moving_as_of_forward_never_undoes_overdue_but_for_a_claim_or_staleness(case, offset, step):
    earlier = START + dt.timedelta(days=offset)
    later = earlier + dt.timedelta(days=step)
    before = promise_status(case, case.promises[0], earlier)
    after = promise_status(case, case.promises[0], later)
    if before.status == Status.OVERDUE:
        if after.status in (Status.OVERDUE, Status.UNCONFIRMED):
            assert after.days == before.days + step
        else:  # only the brand's word can settle it
            assert after.status == Status.CLAIMED or after.kept_per == KeptPer.BRAND
    if after.status == Status.PENDING:
        assert before.status == Status.PENDING
    if case.brand_reply == () and (
        before.status in DECIDED - {Status.OVERDUE} or before.status == Status.MOOT
    ):
        assert (after.status, after.days) == (before.status, before.days)


@given(st.lists(cases(), min_size=1, max_size=6), days)
def test_statuses_partition_the_promises_and_the_ranking_counts_only_overdue(many, offset):
    as_of = START + dt.timedelta(days=offset)
    cases_ = [dataclasses.replace(c, id=f"c{i}") for i, c in enumerate(many)]
    statuses = [promise_status(c, c.promises[0], as_of) for c in cases_]
    brand = Brand("b", "f", "B", (), None, None, (), (), False)
    (row,) = rank_brands({"b": brand}, cases_, statuses)
    live = [s for s in statuses if s.status != Status.WITHDRAWN]
    counted = (
        row.overdue
        + row.kept
        + row.kept_late
        + row.pending
        + row.moot
        + row.broken
        + row.claimed
        + row.unconfirmed
    )
    assert counted == row.promises == len(live)
    assert row.overdue == sum(1 for s in live if s.status == Status.OVERDUE)
    assert row.decided == row.kept + row.kept_late + row.overdue + row.broken


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


@given(cases(), days, days)
def test_an_overdue_span_holds_exactly_the_days_overdue_on_says(case, offset, back):
    as_of = START + dt.timedelta(days=offset)
    day = as_of - dt.timedelta(days=back)
    today = promise_status(case, case.promises[0], as_of)
    span = overdue_span(case, today)
    if span is None:  # a claim may stand: only asked day by day
        assert case.brand_reply
        assert case.promises[0].claim_rejected is None
    else:
        assert (span[0] <= day < span[1]) == overdue_on(case, today, day)


feed_entries = st.lists(
    st.builds(
        FeedEntry,
        id=st.sampled_from(["a", "b", "c"]),
        day=st.sampled_from([START, START + dt.timedelta(days=1)]),
        title=st.text(max_size=3),
        path=st.just("cases/x/"),
        brand=st.just("x"),
    ),
    max_size=8,
)


@given(st.lists(feed_entries, max_size=5), st.integers(min_value=0, max_value=6))
def test_the_newest_of_each_group_merged_in_turn_are_the_newest_of_all(groups, limit):
    """The site's feed merges each brand's newest in turn instead of holding every event:
    the same entries in the same order, ties (same day and id) included."""
    merged: list[FeedEntry] = []
    for group in groups:
        merged = newest([merged, newest([group], limit)], limit)
    assert merged == newest(groups, limit)


@given(st.lists(st.text(alphabet="aé€😀\n,", max_size=6), max_size=12), st.integers(1, 8))
def test_text_in_parts_is_written_as_the_whole_text(parts, size):
    """Large downloads are encoded a batch of parts at a time: the same bytes."""
    assert b"".join(encoded(iter(parts), size)) == "".join(parts).encode()


def test_cases_read_share_their_repeated_values():
    """A loaded corpus shares the days, delays and words its cases repeat (frozen values):
    25 moments a case took half its memory at 100,000 cases."""

    def read(case_id: str):  # each from its own JSON text, as the loader reads them
        data = json.loads(json.dumps(yaml.safe_load(VALID_CASE), default=str))
        data["promises"][0]["within"] = "2 business days"
        data["timeline"] = [{"date": "2026-10-01", "channel": "phone", "text": "Called."}]
        return case_from_data(data, case_id=case_id, brand="acme", file=f"{case_id}.yml")

    one, two = read("acme-one"), read("acme-two")
    assert one.promises[0] == two.promises[0]
    assert one.promises[0].made is two.promises[0].made
    assert one.promises[0].within is two.promises[0].within
    assert one.opened_on is two.opened_on
    assert one.timeline[0].channel is two.timeline[0].channel
    assert one.categories[0] is two.categories[0]
