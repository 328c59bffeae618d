"""The promise engine at its boundaries: due days, business days, offsets, defaults."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from generator.model.deadlines import EU_DEADLINES, deadline, default_deadline
from generator.model.statuses import KeptPer, Status, is_stale, promise_status, stale_from
from generator.model.values import BrandReply, Case, Delay, Moment, Position, Promise

D = dt.date.fromisoformat


def make_promise(made="2026-03-02", *, due=None, within=None, kept=None, kind="refund"):
    return Promise(
        index=0,
        kind=kind,
        made=Moment.parse(made),
        via=None,
        quote=None,
        due=Moment.parse(due) if due else None,
        within=Delay.parse(within) if within else None,
        amount=None,
        kept=Moment.parse(kept) if kept else None,
        evidence=(),
        note=None,
    )


def make_case(promise, *, status="open", closed=None, country="FR", confirmed="2026-03-01"):
    return Case(
        id="c",
        brand="b",
        file="cases/b/c.yml",
        title="t",
        country=country,
        categories=("contact",),
        channels=(),
        opened_on=D("2026-03-01"),
        status=status,
        closed_on=D(closed) if closed else None,
        last_confirmed=D(confirmed),
        submitted_by="someone",
        amount=None,
        summary=None,
        promises=(promise,),
        timeline=(),
        brand_reply=(),
        sources=(),
    )


def status_on(promise, as_of, **case):
    s = promise_status(make_case(promise, **case), promise, D(as_of))
    return s.status, s.days


# due 2026-03-10: the whole of the due day is on time.
@pytest.mark.parametrize(
    ("as_of", "kept", "expected"),
    [
        ("2026-03-09", None, (Status.PENDING, -1)),
        ("2026-03-10", None, (Status.PENDING, 0)),
        ("2026-03-11", None, (Status.OVERDUE, 1)),
        ("2026-04-10", None, (Status.OVERDUE, 31)),
        ("2026-04-10", "2026-03-10", (Status.KEPT, 0)),
        ("2026-04-10", "2026-03-10T23:59:59+01:00", (Status.KEPT, 0)),
        ("2026-04-10", "2026-03-11", (Status.KEPT_LATE, 1)),
        ("2026-04-10", "2026-03-03", (Status.KEPT, -7)),
    ],
)
def test_due_day_boundaries(as_of, kept, expected):
    assert status_on(make_promise(due="2026-03-10", kept=kept), as_of) == expected


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ({"status": "resolved", "closed": "2026-03-10"}, (Status.MOOT, 0)),
        ({"status": "abandoned", "closed": "2026-03-05"}, (Status.MOOT, -5)),
        ({"status": "abandoned", "closed": "2026-03-11"}, (Status.BROKEN, 1)),
        ({"status": "resolved", "closed": "2026-03-20"}, (Status.BROKEN, 10)),
        ({"status": "withdrawn", "closed": "2026-03-20"}, (Status.WITHDRAWN, None)),
    ],
)
def test_closed_cases_freeze_at_closing(case, expected):
    promise = make_promise(due="2026-03-10")
    assert status_on(promise, "2026-06-01", **case) == expected
    assert status_on(promise, "2027-06-01", **case) == expected


def test_kept_promise_in_a_withdrawn_case_is_withdrawn():
    promise = make_promise(due="2026-03-10", kept="2026-03-09")
    assert status_on(promise, "2026-06-01", status="withdrawn", closed="2026-04-01") == (
        Status.WITHDRAWN,
        None,
    )


@pytest.mark.parametrize(
    ("made", "within", "country", "due"),
    [
        # Thursday 2026-12-24, FR: Christmas Friday, then the weekend.
        ("2026-12-24", "1 business day", "FR", "2026-12-28"),
        # Friday to Monday across a plain weekend.
        ("2026-03-06", "1 business day", "FR", "2026-03-09"),
        ("2026-03-06", "5 business days", "FR", "2026-03-13"),
        # GB: the early May bank holiday (Monday 4 May 2026) is skipped.
        ("2026-04-30", "5 business days", "GB", "2026-05-08"),
        # FR: 1 May and 8 May (Victoire 1945) are both skipped.
        ("2026-04-30", "5 business days", "FR", "2026-05-11"),
        # FR Ascension Thursday 14 May 2026 counts for FR but not for GB.
        ("2026-05-13", "1 business day", "FR", "2026-05-15"),
        ("2026-05-13", "1 business day", "GB", "2026-05-14"),
        # A country with no holiday calendar in the library: weekends only.
        ("2026-03-06", "1 business day", "AQ", "2026-03-09"),
        ("2026-03-02", "14 days", "FR", "2026-03-16"),
        ("2026-03-02", "2 weeks", "FR", "2026-03-16"),
        ("2026-03-02", "1 week", "FR", "2026-03-09"),
        # Hours from a date only: rounded up to whole days, in the brand's favour.
        ("2026-03-02", "48 hours", "FR", "2026-03-04"),
        ("2026-03-02", "49 hours", "FR", "2026-03-05"),
        # Hours from a date-time: the due day is the local day of the deadline instant.
        ("2026-03-02T18:40:00+01:00", "48 hours", "FR", "2026-03-04"),
        ("2026-03-02T23:30:00-05:00", "2 hours", "US", "2026-03-03"),
        ("2026-03-02T21:30:00-05:00", "2 hours", "US", "2026-03-02"),
    ],
)
def test_stated_delays(made, within, country, due):
    dl = deadline(make_promise(made, within=within), country)
    assert (dl.due, dl.source) == (D(due), "stated")


def test_due_given_as_datetime_uses_its_local_day():
    dl = deadline(make_promise(due="2026-03-10T23:30:00-08:00"), "FR")
    assert dl.due == D("2026-03-10")


@pytest.mark.parametrize(
    ("kind", "due"),
    [
        ("refund", "2026-03-16"),
        ("delivery", "2026-04-01"),
        ("callback", "2026-03-04"),
        ("reply", "2026-03-04"),
        ("repair", "2026-03-16"),
        ("other", "2026-03-16"),
    ],
)
def test_default_deadlines_are_applied_and_said(kind, due):
    dl = deadline(make_promise("2026-03-02", kind=kind), "FR")
    assert (dl.due, dl.source) == (D(due), "default")
    assert f"the default for a {kind} promise" in dl.rule


def test_default_deadlines_name_their_legal_basis():
    assert "2011/83/EU, article 13" in default_deadline("refund").basis
    assert "2011/83/EU, article 18" in default_deadline("delivery").basis


@pytest.mark.parametrize(("confirmed", "stale"), [("2026-03-03", False), ("2026-03-02", True)])
def test_stale_after_90_days(confirmed, stale):
    # 2026-06-01 is 90 days after 2026-03-03 and 91 after 2026-03-02.
    case = make_case(make_promise(), confirmed=confirmed)
    assert is_stale(case, D("2026-06-01")) is stale


def test_closed_case_is_never_stale():
    case = make_case(make_promise(), status="resolved", closed="2026-03-05", confirmed="2026-03-01")
    assert is_stale(case, D("2027-01-01")) is False


def test_stale_is_a_flag_on_the_status():
    promise = make_promise(due="2026-07-10")
    s = promise_status(make_case(promise, confirmed="2026-03-01"), promise, D("2026-07-01"))
    assert (s.status, s.stale) == (Status.PENDING, True)  # pending in a stale case stays pending


# Confirmed 2026-03-01 with stale_days 90: stale from 2026-05-31 (day 91).
@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2026-05-30", (Status.OVERDUE, 81, False)),  # day 90 after confirming: still confirmed
        ("2026-05-31", (Status.UNCONFIRMED, 82, True)),  # stale by one day: out of the ranking
    ],
)
def test_overdue_in_a_stale_case_is_unconfirmed(as_of, expected):
    promise = make_promise(due="2026-03-10")
    s = promise_status(make_case(promise, confirmed="2026-03-01"), promise, D(as_of))
    assert (s.status, s.days, s.stale) == expected
    assert stale_from(make_case(promise, confirmed="2026-03-01"), 90) == D("2026-05-31")


def reply(day, *positions, text="We looked into it."):
    return BrandReply(D(day), text, None, tuple(positions))


def claim(number, day):
    return Position(number, Moment.parse(day), None)


def dispute(number, why="We never promised that."):
    return Position(number, None, why)


def with_replies(promise, *replies, **case):
    made = make_case(promise, confirmed="2026-06-01", **case)
    return dataclasses.replace(made, brand_reply=tuple(replies))


def claimed_status(promise, as_of, *replies, **case):
    made = with_replies(promise, *replies, **case)
    s = promise_status(made, made.promises[0], D(as_of))
    return s.status, s.days, s.kept_on, s.kept_per, s.claim_due


# due 2026-03-10; the brand replies on 2026-03-20 that it kept the promise on 2026-03-18 (8
# days late); the consumer has 14 days, through 2026-04-03, to reject the claim.
@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2026-03-20", (Status.CLAIMED, 8, D("2026-03-18"), None, D("2026-04-03"))),
        ("2026-04-03", (Status.CLAIMED, 8, D("2026-03-18"), None, D("2026-04-03"))),  # last day
        ("2026-04-04", (Status.KEPT_LATE, 8, D("2026-03-18"), KeptPer.BRAND, D("2026-04-03"))),
    ],
)
def test_a_claim_awaits_the_consumer_then_counts_on_the_brands_word(as_of, expected):
    promise = make_promise(due="2026-03-10")
    assert claimed_status(promise, as_of, reply("2026-03-20", claim(1, "2026-03-18"))) == expected


def test_a_claim_of_keeping_it_on_time_counts_as_kept():
    promise = make_promise(due="2026-03-10")
    got = claimed_status(promise, "2026-05-01", reply("2026-03-12", claim(1, "2026-03-09")))
    assert got == (Status.KEPT, -1, D("2026-03-09"), KeptPer.BRAND, D("2026-03-26"))


def test_a_rejected_claim_is_ignored_even_after_the_window():
    promise = dataclasses.replace(make_promise(due="2026-03-10"), claim_rejected="No refund.")
    got = claimed_status(promise, "2026-05-01", reply("2026-03-20", claim(1, "2026-03-18")))
    assert got == (Status.OVERDUE, 52, None, None, None)


def test_the_latest_of_two_claims_wins():
    promise = make_promise(due="2026-03-10")
    first = reply("2026-03-20", claim(1, "2026-03-18"))
    second = reply("2026-04-10", claim(1, "2026-04-08"))
    got = claimed_status(promise, "2026-04-12", first, second)
    assert got == (Status.CLAIMED, 29, D("2026-04-08"), None, D("2026-04-24"))
    # Before the second reply, the first claim stood and had become the brand's word.
    assert claimed_status(promise, "2026-04-05", first, second)[:4] == (
        Status.KEPT_LATE,
        8,
        D("2026-03-18"),
        KeptPer.BRAND,
    )


def test_the_consumers_own_kept_on_decides_whatever_the_brand_says():
    promise = make_promise(due="2026-03-10", kept="2026-03-25")
    got = claimed_status(promise, "2026-03-30", reply("2026-03-20", claim(1, "2026-03-08")))
    assert got == (Status.KEPT_LATE, 15, D("2026-03-25"), KeptPer.CONSUMER, None)


def test_a_dispute_flags_the_promise_and_changes_no_status():
    promise = make_promise(due="2026-03-10", kept="2026-03-09")
    made = with_replies(promise, reply("2026-03-20", dispute(1)))
    s = promise_status(made, made.promises[0], D("2026-04-01"))
    assert (s.status, s.disputed) == (Status.KEPT, True)
    before = promise_status(made, made.promises[0], D("2026-03-19"))
    assert before.disputed is False  # the reply was not written yet


def test_a_claim_on_another_promise_number_does_not_apply():
    promise = make_promise(due="2026-03-10")
    got = claimed_status(promise, "2026-04-01", reply("2026-03-20", claim(2, "2026-03-18")))
    assert got[0] == Status.OVERDUE


FR_RULES = """
[deadlines]
reply = { within = "5 business days", basis = "Our convention for contact promises" }
fallback = { within = "3 weeks", basis = "%(tracker)s convention" }

[deadlines.FR]
refund = { within = "7 days", basis = "A French rule" }
"""


@pytest.mark.parametrize(
    ("kind", "country", "due"),
    [
        ("refund", "FR", "2026-03-09"),  # the French table: 7 days
        ("refund", "DE", "2026-03-16"),  # elsewhere, the EU's 14 days
        ("reply", "DE", "2026-03-09"),  # every country: 5 business days
        ("delivery", "FR", "2026-04-01"),  # unset: the EU's 30 days
        ("repair", "FR", "2026-03-23"),  # no default of its own: the fallback's 3 weeks
    ],
)
def test_default_deadlines_from_unkept_toml_per_country(kind, country, due):
    from generator.load.settings import parse_settings

    rules = parse_settings(FR_RULES.encode()).deadlines
    dl = deadline(make_promise("2026-03-02", kind=kind), country, rules)
    assert (dl.due, dl.source) == (D(due), "default")
    status = promise_status(
        make_case(make_promise("2026-03-02", kind=kind), country=country),
        make_promise("2026-03-02", kind=kind),
        D("2026-03-02"),
        rules=rules,
    )
    assert status.due == D(due)


def test_the_eu_defaults_apply_without_a_deadlines_table():
    from generator.load.settings import parse_settings

    assert parse_settings(b"[unkept]\n").deadlines == EU_DEADLINES
    assert EU_DEADLINES.default_for("refund", "FR") == default_deadline("refund")
