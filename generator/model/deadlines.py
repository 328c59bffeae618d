"""When a promise falls due: its stated deadline, or the documented default for its kind.

Deadlines are whole days. A promise is due through the whole of its due day, in the time zone
it was written in. Business days skip weekends and the national public holidays of the case's
country, from the maintained `holidays` library.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

import holidays

from generator.model.values import Delay, DelayUnit, Promise


class DeadlineSource(StrEnum):
    """Where a promise's due day comes from."""

    STATED = "stated"
    """The brand gave it: a date, or a delay."""
    DEFAULT = "default"
    """The brand gave none: the default for the promise's kind applies."""


@dataclass(frozen=True)
class DefaultDeadline:
    """The delay assumed when a promise of some kind states no deadline, and why."""

    delay: Delay
    """How long the brand is given."""
    basis: str
    """The reference that justifies the delay, shown on the methodology page: an English
    message of the translation catalogue (`%(tracker)s` is the tracker's name)."""


def N_(message: str) -> str:  # gettext's marker; the model imports nothing of the package
    """Mark a message for the catalogue; the site translates it where it is shown."""
    return message


DEFAULT_DEADLINES: dict[str, DefaultDeadline] = {
    "refund": DefaultDeadline(
        Delay(14, DelayUnit.DAYS),
        N_("Directive 2011/83/EU, article 13: refund within 14 days of withdrawal"),
    ),
    "delivery": DefaultDeadline(
        Delay(30, DelayUnit.DAYS),
        N_("Directive 2011/83/EU, article 18: delivery within 30 days of the contract"),
    ),
    "callback": DefaultDeadline(
        Delay(2, DelayUnit.DAYS), N_("%(tracker)s convention for contact promises")
    ),
    "reply": DefaultDeadline(
        Delay(2, DelayUnit.DAYS), N_("%(tracker)s convention for contact promises")
    ),
}
FALLBACK_DEADLINE = DefaultDeadline(
    Delay(14, DelayUnit.DAYS), N_("%(tracker)s convention for other promises")
)


def default_deadline(kind: str) -> DefaultDeadline:
    """The default deadline for a promise of `kind`, by EU law or convention."""
    return DEFAULT_DEADLINES.get(kind, FALLBACK_DEADLINE)


@dataclass(frozen=True)
class DeadlineRules:
    """A tracker's default deadlines: for every country, and where a country's law differs
    (`[deadlines]` and `[deadlines.<country>]` in unkept.toml; the EU's by default)."""

    everywhere: tuple[tuple[str, DefaultDeadline], ...] = tuple(sorted(DEFAULT_DEADLINES.items()))
    """Kind -> default, for any country."""
    fallback: DefaultDeadline = FALLBACK_DEADLINE
    """For a kind with no default of its own (`other`, `pickup`...)."""
    by_country: tuple[tuple[str, tuple[tuple[str, DefaultDeadline], ...]], ...] = ()
    """ISO country code -> kind -> default, overriding `everywhere` for that country."""

    def default_for(self, kind: str, country: str) -> DefaultDeadline:
        """The default deadline of a `kind` promise in a case from `country`."""
        for code, rules in self.by_country:
            if code == country:
                found = dict(rules).get(kind)
                if found is not None:
                    return found
        return dict(self.everywhere).get(kind, self.fallback)


EU_DEADLINES = DeadlineRules()
"""The defaults shipped: EU consumer law where it sets a delay, a convention elsewhere."""


@dataclass(frozen=True)
class Deadline:
    """A promise's due day and where it came from."""

    due: dt.date
    """The last day on which keeping the promise counts as on time."""
    source: DeadlineSource
    """`stated` when the brand gave it, `default` when the kind's default applied."""
    rule: str
    """How it was computed, for readers: `within 5 business days (FR holidays)`."""


@cache
def business_calendar(country: str) -> holidays.HolidayBase:
    """The public-holiday calendar of `country`; weekends only where none is maintained."""
    try:
        return holidays.country_holidays(country)
    except NotImplementedError:
        return holidays.HolidayBase()


@cache
def has_holiday_calendar(country: str) -> bool:
    """Whether the holidays library knows `country`'s public holidays (cached: the library
    builds its list of countries on every call)."""
    return country in holidays.list_supported_countries()


def add_delay(promise: Promise, delay: Delay, country: str) -> dt.date:
    """The due day `delay` after the promise was made.

    Hours run from the moment the promise was made; given only a day, the brand gets the
    benefit of the doubt and the delay is rounded up to whole days. Business days count
    from the day after the promise, skipping weekends and public holidays.
    """
    made = promise.made
    if delay.unit == DelayUnit.HOURS:
        if made.at is not None:
            return (made.at + dt.timedelta(hours=delay.count)).date()
        return made.day + dt.timedelta(days=-(-delay.count // 24))
    if delay.unit == DelayUnit.DAYS:
        return made.day + dt.timedelta(days=delay.count)
    if delay.unit == DelayUnit.WEEKS:
        return made.day + dt.timedelta(weeks=delay.count)
    return business_calendar(country).get_nth_working_day(made.day, delay.count)


@cache
def deadline(promise: Promise, country: str, rules: DeadlineRules = EU_DEADLINES) -> Deadline:
    """The promise's deadline: `due`, else `made_on` plus `within`, else the kind's default
    in `country` under `rules`.

    Cached: promises are immutable, and charts ask for the same deadline once a month.
    """
    if promise.due is not None:
        return Deadline(promise.due.day, DeadlineSource.STATED, f"due {promise.due}")
    if promise.within is not None:
        return Deadline(
            add_delay(promise, promise.within, country),
            DeadlineSource.STATED,
            _rule(promise.within, country),
        )
    default = rules.default_for(promise.kind, country)
    return Deadline(
        add_delay(promise, default.delay, country),
        DeadlineSource.DEFAULT,
        f"{_rule(default.delay, country)}, the default for a {promise.kind} promise",
    )


def _rule(delay: Delay, country: str) -> str:
    if delay.unit != DelayUnit.BUSINESS_DAYS:
        return f"within {delay}"
    if has_holiday_calendar(country):
        return f"within {delay} ({country} public holidays skipped)"
    return f"within {delay} (weekends skipped; no holiday calendar for {country})"
