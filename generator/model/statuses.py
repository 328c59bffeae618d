"""The promise engine: the status of every promise on a given day.

Everything here is a pure function of a case and an as-of date, so any published figure can be
reproduced from the data and the date. These definitions are the methodology: the site's
methodology page quotes them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum

from generator.model.deadlines import (
    EU_DEADLINES,
    Deadline,
    DeadlineRules,
    DeadlineSource,
    deadline,
)
from generator.model.values import Case, CaseStatus, Promise

DEFAULT_STALE_DAYS = 90
DEFAULT_CONFIRM_DAYS = 14
"""Days the consumer has, after a brand's reply claiming a promise kept, to reject the claim."""


class Status(StrEnum):
    """What became of a promise, as of a given day."""

    KEPT = "kept"
    """Kept on or before its due day."""
    KEPT_LATE = "kept-late"
    """Kept after its due day; days late = day kept - due day."""
    CLAIMED = "claimed"
    """The brand says it kept the promise, and the consumer may still reject the claim."""
    PENDING = "pending"
    """Not kept yet, and the as-of day is on or before the due day."""
    OVERDUE = "overdue"
    """Not kept, past its due day, case open and confirmed recently: an unresolved promise."""
    UNCONFIRMED = "unconfirmed"
    """Would be overdue, but its case was not confirmed for more than `stale_days` days."""
    BROKEN = "broken"
    """Not kept, past its due day, and the case closed after the due day; frozen at closing."""
    MOOT = "moot"
    """Not kept, and the case closed on or before the due day."""
    WITHDRAWN = "withdrawn"
    """The case was withdrawn; excluded from every figure."""


class KeptPer(StrEnum):
    """On whose word a promise counts as kept."""

    CONSUMER = "consumer"
    """The submitter set the promise's `kept_on`."""
    BRAND = "brand"
    """The brand claimed it kept the promise and the consumer did not reject the claim in time."""


DECIDED = frozenset({Status.KEPT, Status.KEPT_LATE, Status.OVERDUE, Status.BROKEN})
"""Statuses whose outcome is known: the denominator of the kept-on-time rate."""


@dataclass(frozen=True)
class Claim:
    """The brand's latest claim that a promise was kept, and the consumer's window to answer."""

    kept_on: dt.date
    """The day the brand says it kept the promise."""
    reply: int
    """The position of the reply that makes the claim in the case's `brand_reply` (0-based)."""
    answer_by: dt.date
    """The last day the consumer may reject the claim: the reply's date plus `confirm_days`."""


@dataclass(frozen=True)
class PromiseStatus:
    """The computed status of one promise on one day."""

    case_id: str
    """The case the promise belongs to."""
    brand: str
    """The brand's slug."""
    index: int
    """The promise's position in the case."""
    kind: str
    """What was promised."""
    made_on: dt.date
    """Day the promise was made."""
    due: dt.date
    """Due day: the last day on which keeping it counts as on time."""
    deadline_source: DeadlineSource
    """`stated` or `default`."""
    deadline_rule: str
    """How the due day was computed, in words."""
    kept_on: dt.date | None
    """Day the promise was kept (on the brand's word when `kept_per` is `brand`), or claimed."""
    status: Status
    """See `Status`."""
    days: int | None
    """Signed days from the due day to the day that settles the status: kept or claimed day,
    as-of day, or closing day. Positive means late or overdue; zero or negative means on time
    or days left. None for withdrawn cases."""
    stale: bool
    """The case is open and its facts were last confirmed too long ago."""
    kept_per: KeptPer | None = None
    """For kept promises: on the consumer's word, or on the brand's uncontested claim."""
    disputed: bool = False
    """The brand disputes the promise in a reply; the status is unchanged."""
    claim_due: dt.date | None = None
    """The last day the consumer may reject the brand's claim (its latest, unrejected)."""


def stale_from(case: Case, stale_days: int = DEFAULT_STALE_DAYS) -> dt.date:
    """The first day an open case counts as stale: `stale_days` after it was last confirmed
    plus one. Reminders are sent ahead of it."""
    return case.last_confirmed + dt.timedelta(days=stale_days + 1)


def is_stale(case: Case, as_of: dt.date, stale_days: int = DEFAULT_STALE_DAYS) -> bool:
    """An open case whose `last_confirmed` is more than `stale_days` days before as-of."""
    return case.is_open and as_of >= stale_from(case, stale_days)


def latest_claim(
    case: Case, promise: Promise, as_of: dt.date, confirm_days: int = DEFAULT_CONFIRM_DAYS
) -> Claim | None:
    """The brand's latest claim, by as-of, that `promise` was kept; None if none stands.

    The latest reply naming the promise with `kept_on` wins; the consumer's `claim_rejected`
    answers every claim on the promise, so then none stands.
    """
    if promise.claim_rejected is not None or not case.brand_reply:
        return None
    found: Claim | None = None
    for i, reply in enumerate(case.brand_reply):
        if reply.date > as_of:
            continue
        for position in reply.positions:
            names_it = position.promise == promise.index + 1 and position.kept_on is not None
            if names_it and (found is None or reply.date >= case.brand_reply[found.reply].date):
                answer_by = reply.date + dt.timedelta(days=confirm_days)
                found = Claim(position.kept_on.day, i, answer_by)
    return found


def is_disputed(case: Case, promise: Promise, as_of: dt.date) -> bool:
    """Whether a reply of the brand, by as-of, disputes `promise`."""
    if not case.brand_reply:
        return False
    return any(
        position.promise == promise.index + 1 and position.disputes is not None
        for reply in case.brand_reply
        if reply.date <= as_of
        for position in reply.positions
    )


def promise_status(
    case: Case,
    promise: Promise,
    as_of: dt.date,
    *,
    stale_days: int = DEFAULT_STALE_DAYS,
    confirm_days: int = DEFAULT_CONFIRM_DAYS,
    rules: DeadlineRules = EU_DEADLINES,
) -> PromiseStatus:
    """The status of `promise` (part of `case`) on the day `as_of`, under `rules`' default
    deadlines."""
    dl: Deadline = deadline(promise, case.country, rules)
    stale = is_stale(case, as_of, stale_days)
    claim = None if promise.kept else latest_claim(case, promise, as_of, confirm_days)
    status, days, kept_per = _classify(case, promise, dl.due, as_of, claim, stale)
    kept_on = promise.kept.day if promise.kept else claim.kept_on if claim else None
    return PromiseStatus(
        case_id=case.id,
        brand=case.brand,
        index=promise.index,
        kind=promise.kind,
        made_on=promise.made.day,
        due=dl.due,
        deadline_source=dl.source,
        deadline_rule=dl.rule,
        kept_on=kept_on if status != Status.WITHDRAWN else None,
        status=status,
        days=days,
        stale=stale,
        kept_per=kept_per,
        disputed=status != Status.WITHDRAWN and is_disputed(case, promise, as_of),
        claim_due=claim.answer_by if claim and status != Status.WITHDRAWN else None,
    )


def _classify(
    case: Case,
    promise: Promise,
    due: dt.date,
    as_of: dt.date,
    claim: Claim | None,
    stale: bool,
) -> tuple[Status, int | None, KeptPer | None]:
    """The rules, in the order the methodology gives them."""
    if case.is_withdrawn:
        return Status.WITHDRAWN, None, None
    if promise.kept is not None:
        late = (promise.kept.day - due).days
        return (Status.KEPT_LATE if late > 0 else Status.KEPT), late, KeptPer.CONSUMER
    if claim is not None:
        late = (claim.kept_on - due).days
        if as_of <= claim.answer_by:
            return Status.CLAIMED, late, None
        return (Status.KEPT_LATE if late > 0 else Status.KEPT), late, KeptPer.BRAND
    if case.is_closed and case.closed_on is not None:
        settled = (case.closed_on - due).days
        return (Status.BROKEN if settled > 0 else Status.MOOT), settled, None
    days = (as_of - due).days
    if days > 0:
        return (Status.UNCONFIRMED if stale else Status.OVERDUE), days, None
    return Status.PENDING, days, None


def case_statuses(
    case: Case,
    as_of: dt.date,
    *,
    stale_days: int = DEFAULT_STALE_DAYS,
    confirm_days: int = DEFAULT_CONFIRM_DAYS,
    rules: DeadlineRules = EU_DEADLINES,
) -> tuple[PromiseStatus, ...]:
    """The status of each of the case's promises on `as_of`, in the case's order."""
    return tuple(
        promise_status(
            case, p, as_of, stale_days=stale_days, confirm_days=confirm_days, rules=rules
        )
        for p in case.promises
    )


def snapshot(case: Case, day: dt.date) -> Case:
    """The case as it stood at the end of `day`: later promises, keepings, replies and closing
    unseen.

    Used for figures about the past (a brand's overdue promises at each month's end), so
    that a promise kept in March still counts as overdue at the end of February.
    """
    promises = tuple(
        replace(p, kept=p.kept if p.kept and p.kept.day <= day else None)
        for p in case.promises
        if p.made.day <= day
    )
    closed = case.closed_on is not None and case.closed_on <= day
    return replace(
        case,
        promises=promises,
        status=case.status if closed or case.is_open else CaseStatus.OPEN,
        closed_on=case.closed_on if closed else None,
        brand_reply=tuple(r for r in case.brand_reply if r.date <= day),
    )


def overdue_span(
    case: Case,
    status: PromiseStatus,
    *,
    stale_days: int = DEFAULT_STALE_DAYS,
    confirm_days: int = DEFAULT_CONFIRM_DAYS,
) -> tuple[dt.date, dt.date] | None:
    """The days on which `overdue_on` is true, as `(first, end)`, `end` excluded (empty
    when `first >= end`): one answer for every day a chart asks. None while a claim of the
    brand's may stand, whose answer depends on the day: ask `overdue_on` then."""
    promise = case.promises[status.index]
    if case.brand_reply and promise.claim_rejected is None:
        return None
    first = max(promise.made.day, status.due + dt.timedelta(days=1))
    end = stale_from(case, stale_days)
    if promise.kept is not None:
        end = min(end, promise.kept.day)
    if not case.is_open and case.closed_on is not None:
        end = min(end, case.closed_on)
    return first, end


def overdue_on(
    case: Case,
    status: PromiseStatus,
    day: dt.date,
    *,
    stale_days: int = DEFAULT_STALE_DAYS,
    confirm_days: int = DEFAULT_CONFIRM_DAYS,
) -> bool:
    """Whether the promise was overdue at the end of `day`, judged from today's data.

    Exactly `promise_status(snapshot(case, day), promise, day).status == OVERDUE` for a
    promise made by then (a property test checks it), without rebuilding the case for every
    day asked: charts ask this for every promise at every month's end.
    """
    promise = case.promises[status.index]
    if promise.made.day > day:
        return False
    if promise.kept is not None and promise.kept.day <= day:
        return False
    if not case.is_open and case.closed_on is not None and case.closed_on <= day:
        return False
    if day <= status.due:
        return False
    if case.brand_reply and latest_claim(case, promise, day, confirm_days) is not None:
        return False  # claimed, or kept on the brand's word
    return day < stale_from(case, stale_days)  # open at that day: stale would be unconfirmed
