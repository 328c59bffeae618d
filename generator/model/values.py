"""Typed, immutable values for brands and cases, built from schema-valid documents.

Conversion never fails: it runs only on data the schema accepted, so every date string here
is already a real ISO 8601 date and every amount a well-formed "1249.00 EUR".
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any


class CaseStatus(StrEnum):
    """Where a case stands, as its submitter says."""

    OPEN = "open"
    """The brand still owes something."""
    RESOLVED = "resolved"
    """Closed: the matter was settled."""
    ABANDONED = "abandoned"
    """Closed: the submitter gave up."""
    WITHDRAWN = "withdrawn"
    """Taken back by its submitter: in no figure, and its text no longer shown."""


CATEGORIES = ("contact", "returns-refunds", "delivery", "product", "other")
"""The categories a case may have, in the order pages list them."""


class DelayUnit(StrEnum):
    """What a deadline's delay counts."""

    HOURS = "hours"
    DAYS = "days"
    WEEKS = "weeks"
    BUSINESS_DAYS = "business days"
    """Weekdays that are not public holidays in the case's country."""


@dataclass(frozen=True)
class Moment:
    """A date, or a date-time with its UTC offset, exactly as the contributor wrote it."""

    day: dt.date
    """The calendar day in the writer's own time zone (the date part as written)."""
    at: dt.datetime | None = None
    """The instant, when a time was given; always offset-aware."""

    @classmethod
    def parse(cls, text: str) -> Moment:
        """`2026-01-31` or `2026-01-31T09:30:00+01:00` (schema-checked beforehand)."""
        if "T" in text:
            at = dt.datetime.fromisoformat(text)
            return cls(at.date(), at)
        return cls(dt.date.fromisoformat(text))

    def __str__(self) -> str:
        return self.at.isoformat() if self.at else self.day.isoformat()


@dataclass(frozen=True)
class Money:
    """An amount of money; Decimal, never float, so sums are exact."""

    amount: Decimal
    """The amount, with at most two decimal places."""
    currency: str
    """ISO 4217 code, like EUR."""

    @classmethod
    def parse(cls, text: str) -> Money:
        """`"1249.00 EUR"` -> Money(Decimal("1249.00"), "EUR")."""
        amount, currency = text.split(" ")
        return cls(Decimal(amount), currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


@dataclass(frozen=True)
class Delay:
    """A deadline given as a delay from when the promise was made: `5 business days`."""

    count: int
    """How many units."""
    unit: DelayUnit
    """hours, days, weeks or business days."""

    @classmethod
    def parse(cls, text: str) -> Delay:
        """`"48 hours"`, `"1 week"`, `"5 business days"` (schema-checked beforehand)."""
        count, unit = text.split(" ", 1)
        unit = unit if unit.endswith("s") else unit + "s"
        return cls(int(count), DelayUnit(unit))

    def __str__(self) -> str:
        unit = self.unit[:-1] if self.count == 1 else self.unit
        return f"{self.count} {unit}"


@dataclass(frozen=True)
class Promise:
    """Something the brand said it would do, by a deadline."""

    index: int
    """Position in the case's `promises` list (0-based), part of the promise's identity."""
    kind: str
    """refund, callback, reply, delivery, replacement, repair, pickup or other."""
    made: Moment
    """When the brand made the promise."""
    via: str | None
    """The channel where the promise was made."""
    quote: str | None
    """The brand's own words."""
    due: Moment | None
    """The stated deadline, when given as a date."""
    within: Delay | None
    """The stated deadline, when given as a delay from `made`."""
    amount: Money | None
    """For refunds, the amount promised."""
    kept: Moment | None
    """When the promise was kept; None while it is not."""
    evidence: tuple[str, ...]
    """Public https links showing the promise."""
    note: str | None
    """The submitter's remark."""
    claim_rejected: str | None = None
    """The submitter's answer to the brand's claims that the promise was kept: why it was not.
    It answers every claim on the promise."""


@dataclass(frozen=True)
class TimelineEntry:
    """One dated event in the story of a case."""

    date: Moment
    channel: str | None
    text: str


@dataclass(frozen=True)
class Position:
    """What the brand says of one of the case's promises, in one of its replies."""

    promise: int
    """The promise's number on the case page (1-based)."""
    kept_on: Moment | None
    """"We kept it on this day": a claim the consumer may reject."""
    disputes: str | None
    """Why the brand disputes the promise (it never made it, it was not what is said...)."""


@dataclass(frozen=True)
class BrandReply:
    """The brand's right of reply, written by one of the brand's maintainers."""

    date: dt.date
    text: str
    url: str | None
    positions: tuple[Position, ...] = ()
    """The brand's positions on promises, in this reply."""


@dataclass(frozen=True)
class Source:
    """A public link backing the case."""

    url: str
    title: str | None


@dataclass(frozen=True)
class Brand:
    """A brand: `cases/<slug>/brand.yml`."""

    slug: str
    """The folder name, used in URLs."""
    file: str
    """Path of brand.yml, relative to the project root."""
    name: str
    aliases: tuple[str, ...]
    website: str | None
    country: str | None
    accounts: tuple[tuple[str, str], ...]
    """(channel, public handle) pairs, sorted by channel."""
    maintainers: tuple[str, ...]
    """GitHub handles allowed to write the brand's replies."""
    demo: bool
    """True for a fictional demonstration brand."""
    contacts: tuple[str, ...] = ()
    """The brand's own public e-mail addresses and phone numbers."""
    proofs: tuple[tuple[str, str], ...] = ()
    """(handle, proof link) of each maintainer: where the brand names the GitHub account."""


@dataclass(frozen=True)
class Case:
    """One complaint case: `cases/<brand>/<id>.yml`."""

    id: str
    """The file name without `.yml`; unique across brands and never reused."""
    brand: str
    """The brand's slug (the folder name)."""
    file: str
    """Path of the case file, relative to the project root."""
    title: str
    country: str
    categories: tuple[str, ...]
    channels: tuple[str, ...]
    opened_on: dt.date
    status: CaseStatus
    closed_on: dt.date | None
    last_confirmed: dt.date
    submitted_by: str
    amount: Money | None
    summary: str | None
    promises: tuple[Promise, ...]
    timeline: tuple[TimelineEntry, ...]
    brand_reply: tuple[BrandReply, ...]
    sources: tuple[Source, ...]
    withdrawn_reason: str | None = None
    """Why the submitter withdrew the case, if they said."""
    digest: str = field(default="", compare=False, repr=False)
    """Content digest of the file the case was read from ("" if not read from one): the
    same file always gives the same case, which lets builds reuse its rendered page."""

    @property
    def is_open(self) -> bool:
        """The brand still owes something."""
        return self.status == CaseStatus.OPEN

    @property
    def is_closed(self) -> bool:
        """Resolved or abandoned: figures about it are frozen at `closed_on`."""
        return self.status in (CaseStatus.RESOLVED, CaseStatus.ABANDONED)

    @property
    def is_withdrawn(self) -> bool:
        """Taken back by its submitter: counted in no figure."""
        return self.status == CaseStatus.WITHDRAWN


def _opt(value: str | None, parse: Any) -> Any:
    return None if value is None else parse(value)


def brand_from_data(data: dict[str, Any], *, slug: str, file: str) -> Brand:
    """Build a Brand from a schema-valid brand.yml document."""
    return Brand(
        slug=slug,
        file=file,
        name=data["name"],
        aliases=tuple(data.get("aliases", ())),
        website=data.get("website"),
        country=data.get("country"),
        accounts=tuple(sorted(data.get("accounts", {}).items())),
        maintainers=tuple(m["login"] for m in data.get("maintainers", ())),
        contacts=tuple(data.get("contacts", ())),
        proofs=tuple((m["login"], m["proof"]) for m in data.get("maintainers", ())),
        demo=bool(data.get("demo", False)),
    )


# Values met again and again (days, amounts, delays, a closed vocabulary's words) are made
# once and shared: they are frozen, and they were a quarter of the loaded corpus's memory
# (25 moments a case, 170 bytes each).
_moment = functools.lru_cache(maxsize=4096)(Moment.parse)
_day = functools.lru_cache(maxsize=4096)(dt.date.fromisoformat)
_money = functools.lru_cache(maxsize=4096)(Money.parse)
_delay = functools.lru_cache(maxsize=1024)(Delay.parse)
_word = sys.intern


def case_from_data(
    data: dict[str, Any], *, case_id: str, brand: str, file: str, digest: str = ""
) -> Case:
    """Build a Case from a schema-valid case document (read from a file with `digest`)."""
    return Case(
        id=case_id,
        brand=brand,
        file=file,
        title=data["title"],
        country=_word(data["country"]),
        categories=tuple(map(_word, data["categories"])),
        channels=tuple(map(_word, data.get("channels", ()))),
        opened_on=_day(data["opened_on"]),
        status=CaseStatus(data["status"]),
        closed_on=_opt(data.get("closed_on"), _day),
        last_confirmed=_day(data["last_confirmed"]),
        submitted_by=data["submitted_by"],
        amount=_opt(data.get("amount"), _money),
        summary=data.get("summary"),
        promises=tuple(
            Promise(
                index=i,
                kind=_word(p["kind"]),
                made=_moment(p["made_on"]),
                via=_opt(p.get("via"), _word),
                quote=p.get("quote"),
                due=_opt(p.get("due"), _moment),
                within=_opt(p.get("within"), _delay),
                amount=_opt(p.get("amount"), _money),
                kept=_opt(p.get("kept_on"), _moment),
                evidence=tuple(p.get("evidence", ())),
                note=p.get("note"),
                claim_rejected=p.get("claim_rejected"),
            )
            for i, p in enumerate(data.get("promises", ()))
        ),
        timeline=tuple(
            TimelineEntry(_moment(t["date"]), _opt(t.get("channel"), _word), t["text"])
            for t in data.get("timeline", ())
        ),
        brand_reply=tuple(
            BrandReply(
                _day(r["date"]),
                r["text"],
                r.get("url"),
                tuple(
                    Position(int(x["promise"]), _opt(x.get("kept_on"), _moment), x.get("disputes"))
                    for x in r.get("promises", ())
                ),
            )
            for r in data.get("brand_reply", ())
        ),
        sources=tuple(Source(s["url"], s.get("title")) for s in data.get("sources", ())),
        withdrawn_reason=data.get("withdrawn_reason"),
        digest=digest,
    )
