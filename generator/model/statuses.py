"""The promise engine: the status of every promise on a given day.

Everything here is a pure function of a case and an as-of date, so any published figure can be
reproduced from the data and the date. These definitions are the methodology: the site's
methodology page quotes them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum

from generator.model.deadlines import Deadline, DeadlineSource, deadline
from generator.model.values import Case, CaseStatus, Promise

DEFAULT_STALE_DAYS = 90


class Status(StrEnum):
    """What became of a promise, as of a given day."""

    KEPT = "kept"
    """Kept on or before its due day."""
    KEPT_LATE = "kept-late"
    """Kept after its due day; days late = day kept - due day."""
    PENDING = "pending"
    """Not kept yet, and the as-of day is on or before the due day."""
    OVERDUE = "overdue"
    """Not kept, past its due day, case still open: an unresolved promise."""
    BROKEN = "broken"
    """Not kept, past its due day, and the case closed after the due day; frozen at closing."""
    MOOT = "moot"
    """Not kept, and the case closed on or before the due day."""
    WITHDRAWN = "withdrawn"
    """The case was withdrawn; excluded from every figure."""


DECIDED = frozenset({Status.KEPT, Status.KEPT_LATE, Status.OVERDUE, Status.BROKEN})
"""Statuses whose outcome is known: the denominator of the kept-on-time rate."""


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
    """Day the promise was kept, if it was."""
    status: Status
    """See `Status`."""
    days: int | None
    """Signed days from the due day to the day that settles the status: kept day, as-of day,
    or closing day. Positive means late or overdue; zero or negative means on time or days
    left. None for withdrawn cases."""
    stale: bool
    """The case is open and its facts were last confirmed too long ago."""


def stale_from(case: Case, stale_days: int = DEFAULT_STALE_DAYS) -> dt.date:
    """The first day an open case counts as stale: `stale_days` after it was last confirmed
    plus one. Reminders are sent ahead of it."""
    return case.last_confirmed + dt.timedelta(days=stale_days + 1)


def is_stale(case: Case, as_of: dt.date, stale_days: int = DEFAULT_STALE_DAYS) -> bool:
    """An open case whose `last_confirmed` is more than `stale_days` days before as-of."""
    return case.is_open and as_of >= stale_from(case, stale_days)


def promise_status(
    case: Case, promise: Promise, as_of: dt.date, *, stale_days: int = DEFAULT_STALE_DAYS
) -> PromiseStatus:
    """The status of `promise` (part of `case`) on the day `as_of`."""
    dl: Deadline = deadline(promise, case.country)
    status, days = _classify(case, promise, dl.due, as_of)
    return PromiseStatus(
        case_id=case.id,
        brand=case.brand,
        index=promise.index,
        kind=promise.kind,
        made_on=promise.made.day,
        due=dl.due,
        deadline_source=dl.source,
        deadline_rule=dl.rule,
        kept_on=promise.kept.day if promise.kept else None,
        status=status,
        days=days,
        stale=is_stale(case, as_of, stale_days),
    )


def _classify(
    case: Case, promise: Promise, due: dt.date, as_of: dt.date
) -> tuple[Status, int | None]:
    if case.is_withdrawn:
        return Status.WITHDRAWN, None
    if promise.kept is not None:
        late = (promise.kept.day - due).days
        return (Status.KEPT_LATE if late > 0 else Status.KEPT), late
    if case.is_closed and case.closed_on is not None:
        settled = (case.closed_on - due).days
        return (Status.BROKEN if settled > 0 else Status.MOOT), settled
    days = (as_of - due).days
    return (Status.OVERDUE if days > 0 else Status.PENDING), days


def case_statuses(
    case: Case, as_of: dt.date, *, stale_days: int = DEFAULT_STALE_DAYS
) -> tuple[PromiseStatus, ...]:
    """The status of each of the case's promises on `as_of`, in the case's order."""
    return tuple(promise_status(case, p, as_of, stale_days=stale_days) for p in case.promises)


def snapshot(case: Case, day: dt.date) -> Case:
    """The case as it stood at the end of `day`: later promises, keepings and closing unseen.

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
    )


def overdue_on(case: Case, status: PromiseStatus, day: dt.date) -> bool:
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
    return day > status.due
