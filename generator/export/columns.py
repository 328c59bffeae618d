"""The columns of the open data tables, each with its type and meaning.

The ranking table on the site is rendered from the same `BRAND_COLUMNS`, so a figure on the
page is, character for character, the one in `brands.csv`; the Data Package describes each
column from here too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.i18n import N_

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""What starts a formula in a spreadsheet, full-width forms included (some convert them)."""


def neutralise(text: str) -> str:
    """Prefix text cells that a spreadsheet would run as a formula with an apostrophe, also
    when spaces come first (spreadsheets skip them)."""
    if text.startswith(FORMULA_START) or text.lstrip(" \u00a0\u3000").startswith(FORMULA_START):
        return "'" + text
    return text


@dataclass(frozen=True)
class Column:
    """One column of an exported table (and of the ranking page)."""

    name: str
    """snake_case header."""
    type: str
    """Frictionless field type: integer, number, string, boolean, date."""
    value: Callable[..., Any]
    """The cell's value for a row (None for an empty cell): of a brand's figures, or of a
    promise's status and the promise itself."""
    description: str
    """What the figure means, for the data package."""
    label: str | None = None
    """The column's heading on the ranking page (an English message of the catalogue); None
    when not shown."""


def _opt(x: Any) -> Any:
    return None if x in ("", None) else x


BRAND_COLUMNS: tuple[Column, ...] = (
    Column(
        "rank",
        "integer",
        lambda r: r.rank,
        "Competition rank: by overdue promises, then total days overdue (ties share a rank).",
        N_("Rank"),
    ),
    Column("brand_id", "string", lambda r: r.slug, "The brand's identifier (folder name)."),
    Column("brand", "string", lambda r: r.name, "The brand's name.", N_("Brand")),
    Column("demo", "boolean", lambda r: r.demo, "True for fictional demonstration data."),
    Column("cases", "integer", lambda r: r.cases, "Cases, withdrawn ones excluded.", N_("Cases")),
    Column("promises", "integer", lambda r: r.promises, "Promises in those cases.", N_("Promises")),
    Column(
        "overdue",
        "integer",
        lambda r: r.overdue,
        "Unresolved promises: not kept, past due, case open.",
        N_("Overdue"),
    ),
    Column(
        "claimed",
        "integer",
        lambda r: r.claimed,
        "Promises the brand says it kept, while the consumer may still reject the claim.",
        N_("Kept, says the brand"),
    ),
    Column(
        "unconfirmed",
        "integer",
        lambda r: r.unconfirmed,
        "Promises that would be overdue, in cases their submitter has not confirmed within "
        "stale_days: not counted as overdue until confirmed again.",
        N_("Unconfirmed"),
    ),
    Column(
        "disputed",
        "integer",
        lambda r: r.disputed,
        "Promises the brand disputes in a reply (whatever their status).",
        N_("Disputed"),
    ),
    Column(
        "broken", "integer", lambda r: r.broken, "Not kept, past due, case closed.", N_("Broken")
    ),
    Column(
        "kept_on_time",
        "integer",
        lambda r: r.kept,
        "Kept on or before the due day.",
        N_("Kept on time"),
    ),
    Column(
        "kept_late", "integer", lambda r: r.kept_late, "Kept after the due day.", N_("Kept late")
    ),
    Column(
        "kept_per_brand",
        "integer",
        lambda r: r.kept_per_brand,
        "Of the kept promises (on time or late), those counted on the brand's word: it claimed "
        "them kept and the consumer did not reject the claim within confirm_days.",
        N_("Kept on the brand's word"),
    ),
    Column("pending", "integer", lambda r: r.pending, "Not kept, not yet due.", N_("Pending")),
    Column("moot", "integer", lambda r: r.moot, "Not kept, case closed before the due day."),
    Column(
        "kept_on_time_rate",
        "number",
        lambda r: r.rate.percent if r.rate else None,
        "kept_on_time / (kept_on_time + kept_late + overdue + broken), in percent; empty "
        "below 5 decided promises.",
        N_("Kept-on-time rate (95%% interval)"),
    ),
    Column(
        "rate_low",
        "number",
        lambda r: r.rate.low if r.rate else None,
        "Lower bound of the Wilson 95% interval of the rate, in percent.",
    ),
    Column(
        "rate_high",
        "number",
        lambda r: r.rate.high if r.rate else None,
        "Upper bound of the Wilson 95% interval of the rate, in percent.",
    ),
    Column(
        "median_days_late",
        "number",
        lambda r: _opt(r.median_days_late),
        "Median days late of the promises kept late.",
        N_("Median days late"),
    ),
    Column(
        "oldest_overdue_days",
        "integer",
        lambda r: r.oldest_overdue_days,
        "Days overdue of the oldest overdue promise.",
        N_("Oldest overdue (days)"),
    ),
    Column(
        "total_days_overdue",
        "integer",
        lambda r: r.total_days_overdue,
        "Sum of days overdue over the overdue promises (the ranking's tie-breaker).",
    ),
    Column(
        "refunds_overdue",
        "string",
        lambda r: _opt(r.refunds_overdue_text),
        "Amounts of overdue refunds, summed per currency.",
        N_("Refunds overdue"),
    ),
)

PROMISE_COLUMNS: tuple[Column, ...] = (
    Column("case_id", "string", lambda s, p: s.case_id, "The case's identifier."),
    Column("promise", "integer", lambda s, p: s.index + 1, "The promise's number in its case."),
    Column("brand_id", "string", lambda s, p: s.brand, "The brand's identifier."),
    Column("kind", "string", lambda s, p: s.kind, "What was promised."),
    Column("made_on", "date", lambda s, p: s.made_on.isoformat(), "Day the promise was made."),
    Column(
        "due", "date", lambda s, p: s.due.isoformat(), "Last day on which keeping it is on time."
    ),
    Column(
        "deadline_source",
        "string",
        lambda s, p: s.deadline_source,
        "stated by the brand, or the default for the kind.",
    ),
    Column(
        "kept_on",
        "date",
        lambda s, p: s.kept_on.isoformat() if s.kept_on else None,
        "Day the promise was kept.",
    ),
    Column(
        "status",
        "string",
        lambda s, p: s.status,  # a StrEnum: its text, without the slow `.value`
        "kept, kept-late, claimed, pending, overdue, unconfirmed, broken or moot.",
    ),
    Column(
        "days",
        "integer",
        lambda s, p: s.days,
        "Days from the due day to the kept day, as-of "
        "day or closing day: late or overdue positive, days left negative.",
    ),
    Column(
        "amount",
        "number",
        lambda s, p: str(p.amount.amount) if p.amount else None,
        "Amount promised (refunds).",
    ),
    Column(
        "currency",
        "string",
        lambda s, p: p.amount.currency if p.amount else None,
        "ISO 4217 currency of the amount.",
    ),
    Column(
        "stale", "boolean", lambda s, p: s.stale, "The case is open and was not confirmed recently."
    ),
    Column(
        "disputed",
        "boolean",
        lambda s, p: s.disputed,
        "The brand disputes the promise in a reply; its status is unchanged.",
    ),
    Column(
        "kept_per",
        "string",
        lambda s, p: s.kept_per,
        "For kept promises: consumer (the submitter recorded it) or brand (the brand claimed "
        "it and the consumer did not reject the claim in time).",
    ),
    Column(
        "claim_due",
        "date",
        lambda s, p: s.claim_due.isoformat() if s.claim_due else None,
        "The last day the consumer may reject the brand's claim that the promise was kept.",
    ),
)


def cell(value: Any, column: Column) -> Any:
    """A value for the CSV writer: a number stays a number (written bare), everything else
    is text (written in quotes): empty for None, true/false for booleans, neutralised text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if column.type in ("integer", "number") and isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    return neutralise(text) if column.type == "string" else text
