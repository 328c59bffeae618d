"""Named rules that a schema cannot express: timelines that make sense, real currencies,
and no personal data. Each rule is a small pure function returning (path, message) pairs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import cache
from typing import NamedTuple

import pycountry

from generator.load.pii import find_personal_data
from generator.load.problems import Code
from generator.load.yamlsafe import Path
from generator.model.values import Case, Moment, Money


class Violation(NamedTuple):
    """A rule broken at one place of a case."""

    path: Path
    """Where in the document: `("promises", 0, "due")`."""
    message: str
    """What was expected and what arrived."""
    code: Code


def is_not_before(
    later: dt.date | None, earlier: dt.date | None, path: Path, what: str
) -> Iterator[Violation]:
    """`later` (at `path`) must not fall before `earlier`."""
    if later is not None and earlier is not None and later < earlier:
        message = f"expected a date on or after {what} ({earlier}), got {later}"
        yield Violation(path, message, Code.CASE_DATE_ORDER)


def is_not_after(day: dt.date | None, limit: dt.date, path: Path) -> Iterator[Violation]:
    """A recorded event cannot have happened after the as-of day."""
    if day is not None and day > limit:
        message = f"expected a date on or before the as-of date {limit}, got {day}"
        yield Violation(path, message, Code.CASE_DATE_FUTURE)


@cache
def is_currency(code: str) -> bool:
    """Whether `code` is an ISO 4217 currency code."""
    return pycountry.currencies.get(alpha_3=code) is not None


def has_real_currency(money: Money | None, path: Path) -> Iterator[Violation]:
    """Amounts name a currency that exists."""
    if money is not None and not is_currency(money.currency):
        message = f"expected an ISO 4217 currency code like EUR, got {money.currency!r}"
        yield Violation(path, message, Code.CASE_CURRENCY)


def has_no_personal_data(text: str | None, country: str, path: Path) -> Iterator[Violation]:
    """Free text must not publish anyone's e-mail, phone, IBAN or card number."""
    if not text:
        return
    for finding in find_personal_data(text, country):
        message = (
            f"expected no personal data, got what looks like {finding.kind} "
            f"(starting {finding.masked!r} at character {finding.offset + 1}); "
            "remove it or replace it with [redacted]"
        )
        yield Violation(path, message, finding.code)


def _day(moment: Moment | None) -> dt.date | None:
    return moment.day if moment else None


def case_violations(case: Case, as_of: dt.date) -> list[Violation]:
    """Every rule broken by `case` on the day `as_of`."""
    out: list[Violation] = []
    add = out.extend
    add(is_not_before(case.closed_on, case.opened_on, ("closed_on",), "opened_on"))
    add(is_not_before(case.last_confirmed, case.opened_on, ("last_confirmed",), "opened_on"))
    for name in ("opened_on", "closed_on", "last_confirmed"):
        add(is_not_after(getattr(case, name), as_of, (name,)))
    add(has_real_currency(case.amount, ("amount",)))
    country = case.country
    add(has_no_personal_data(case.title, country, ("title",)))
    add(has_no_personal_data(case.summary, country, ("summary",)))
    for p in case.promises:
        at: Path = ("promises", p.index)
        add(is_not_before(_day(p.kept), p.made.day, (*at, "kept_on"), "made_on"))
        add(is_not_before(_day(p.due), p.made.day, (*at, "due"), "made_on"))
        add(is_not_after(p.made.day, as_of, (*at, "made_on")))
        add(is_not_after(_day(p.kept), as_of, (*at, "kept_on")))
        add(has_real_currency(p.amount, (*at, "amount")))
        add(has_no_personal_data(p.quote, country, (*at, "quote")))
        add(has_no_personal_data(p.note, country, (*at, "note")))
    for i, entry in enumerate(case.timeline):
        add(is_not_after(entry.date.day, as_of, ("timeline", i, "date")))
        add(has_no_personal_data(entry.text, country, ("timeline", i, "text")))
    for i, reply in enumerate(case.brand_reply):
        add(is_not_after(reply.date, as_of, ("brand_reply", i, "date")))
        add(has_no_personal_data(reply.text, country, ("brand_reply", i, "text")))
    for i, source in enumerate(case.sources):
        add(has_no_personal_data(source.title, country, ("sources", i, "title")))
    return out


def latest_recorded_day(case: Case) -> dt.date:
    """The latest day the case records as past: valid only for as-of days on or after it."""
    days = [
        case.opened_on,
        case.last_confirmed,
        case.closed_on,
        *(p.made.day for p in case.promises),
        *(p.kept.day for p in case.promises if p.kept),
        *(t.date.day for t in case.timeline),
        *(r.date for r in case.brand_reply),
    ]
    return max(d for d in days if d is not None)
