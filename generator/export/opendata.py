"""Open data: the ranking and every promise as CSV, every case as JSON, and a Frictionless
Data Package (v2) describing them.

The ranking table on the site is rendered from the same `BRAND_COLUMNS`, so a figure on the
page is, character for character, the one in `brands.csv`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from generator import FORMAT_VERSION, __version__
from generator.model.ranking import BrandFigures
from generator.model.statuses import PromiseStatus
from generator.model.tracker import Tracker
from generator.model.values import Case

LICENCE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix text cells that a spreadsheet would run as a formula with an apostrophe."""
    return "'" + text if text.startswith(FORMULA_START) else text


@dataclass(frozen=True)
class Column:
    """One column of an exported table (and of the ranking page)."""

    name: str
    """snake_case header."""
    type: str
    """Frictionless field type: integer, number, string, boolean, date."""
    value: Callable[[Any], Any]
    """The cell's value for a row (None for an empty cell)."""
    description: str
    """What the figure means, for the data package."""
    label: str | None = None
    """Key of the column's heading in the interface strings; None when not shown."""


def _opt(x: Any) -> Any:
    return None if x in ("", None) else x


BRAND_COLUMNS: tuple[Column, ...] = (
    Column(
        "rank",
        "integer",
        lambda r: r.rank,
        "Competition rank: by overdue promises, then total days overdue (ties share a rank).",
        "rank",
    ),
    Column("brand_id", "string", lambda r: r.slug, "The brand's identifier (folder name)."),
    Column("brand", "string", lambda r: r.name, "The brand's name.", "brand"),
    Column("demo", "boolean", lambda r: r.demo, "True for fictional demonstration data."),
    Column("cases", "integer", lambda r: r.cases, "Cases, withdrawn ones excluded.", "cases"),
    Column("promises", "integer", lambda r: r.promises, "Promises in those cases.", "promises"),
    Column(
        "overdue",
        "integer",
        lambda r: r.overdue,
        "Unresolved promises: not kept, past due, case open.",
        "overdue",
    ),
    Column(
        "overdue_stale",
        "integer",
        lambda r: r.overdue_stale,
        "Overdue promises in cases not confirmed recently (stale).",
        "overdue_stale",
    ),
    Column("broken", "integer", lambda r: r.broken, "Not kept, past due, case closed.", "broken"),
    Column("kept_on_time", "integer", lambda r: r.kept, "Kept on or before the due day.", "kept"),
    Column("kept_late", "integer", lambda r: r.kept_late, "Kept after the due day.", "kept_late"),
    Column("pending", "integer", lambda r: r.pending, "Not kept, not yet due.", "pending"),
    Column("moot", "integer", lambda r: r.moot, "Not kept, case closed before the due day."),
    Column(
        "kept_on_time_rate",
        "number",
        lambda r: r.rate.percent if r.rate else None,
        "kept_on_time / (kept_on_time + kept_late + overdue + broken), in percent; empty "
        "below 5 decided promises.",
        "rate",
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
        "median_days_late",
    ),
    Column(
        "oldest_overdue_days",
        "integer",
        lambda r: r.oldest_overdue_days,
        "Days overdue of the oldest overdue promise.",
        "oldest_overdue",
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
        "refunds_overdue",
    ),
)

PROMISE_COLUMNS: tuple[Column, ...] = (
    Column("case_id", "string", lambda s: s.case_id, "The case's identifier."),
    Column("promise", "integer", lambda s: s.index + 1, "The promise's number in its case."),
    Column("brand_id", "string", lambda s: s.brand, "The brand's identifier."),
    Column("kind", "string", lambda s: s.kind, "What was promised."),
    Column("made_on", "date", lambda s: s.made_on.isoformat(), "Day the promise was made."),
    Column("due", "date", lambda s: s.due.isoformat(), "Last day on which keeping it is on time."),
    Column(
        "deadline_source",
        "string",
        lambda s: s.deadline_source,
        "stated by the brand, or the default for the kind.",
    ),
    Column(
        "kept_on",
        "date",
        lambda s: s.kept_on.isoformat() if s.kept_on else None,
        "Day the promise was kept.",
    ),
    Column(
        "status",
        "string",
        lambda s: s.status,  # a StrEnum: its text, without the slow `.value`
        "kept, kept-late, pending, overdue, broken or moot.",
    ),
    Column(
        "days",
        "integer",
        lambda s: s.days,
        "Days from the due day to the kept day, as-of "
        "day or closing day: late or overdue positive, days left negative.",
    ),
    Column("amount", "number", lambda s: None, "Amount promised (refunds)."),
    Column("currency", "string", lambda s: None, "ISO 4217 currency of the amount."),
    Column(
        "stale", "boolean", lambda s: s.stale, "The case is open and was not confirmed recently."
    ),
)


def cell(value: Any, column: Column) -> str:
    """A value as CSV text: empty for None, true/false for booleans, neutralised text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return neutralise(text) if column.type == "string" else text


def _csv(columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow([cell(v, c) for v, c in zip(row, columns, strict=True)])
    return out.getvalue()


def brands_csv(ranking: Sequence[BrandFigures]) -> str:
    """The ranking, one row per brand, in ranking order."""
    return _csv(BRAND_COLUMNS, [[c.value(r) for c in BRAND_COLUMNS] for r in ranking])


def promise_row(s: PromiseStatus, case: Case) -> list[Any]:
    """One promises.csv row (the amount comes from the promise itself)."""
    row = [c.value(s) for c in PROMISE_COLUMNS]
    money = case.promises[s.index].amount
    if money is not None:
        row[10], row[11] = str(money.amount), money.currency
    return row


def promises_csv(data: Tracker) -> str:
    """Every promise of every case not withdrawn, by case id then number."""
    rows = [
        promise_row(s, c)
        for c in data.cases
        if c.status != "withdrawn"
        for s in data.statuses[c.id]
    ]
    return _csv(PROMISE_COLUMNS, rows)


def meta(data: Tracker) -> dict[str, Any]:
    """What a figure needs to be reproduced: the day, the commit and the versions."""
    return {
        "as_of": data.as_of.isoformat(),
        "commit": data.commit,
        "format_version": FORMAT_VERSION,
        "generator_version": __version__,
        "licence": LICENCE["name"],
    }


def _moment(m: Any) -> str | None:
    return None if m is None else str(m)


def case_json(case: Case, statuses: Sequence[PromiseStatus]) -> dict[str, Any]:
    """A case with its computed statuses; a withdrawn case is only a tombstone."""
    if case.status == "withdrawn":
        return {
            "id": case.id,
            "brand_id": case.brand,
            "status": "withdrawn",
            "closed_on": case.closed_on.isoformat() if case.closed_on else None,
        }
    return {
        "id": case.id,
        "brand_id": case.brand,
        "title": case.title,
        "country": case.country,
        "categories": list(case.categories),
        "channels": list(case.channels),
        "opened_on": case.opened_on.isoformat(),
        "status": case.status,
        "closed_on": case.closed_on.isoformat() if case.closed_on else None,
        "last_confirmed": case.last_confirmed.isoformat(),
        "submitted_by": case.submitted_by,
        "amount": str(case.amount) if case.amount else None,
        "summary": case.summary,
        "promises": [
            {
                "kind": p.kind,
                "made_on": _moment(p.made),
                "via": p.via,
                "quote": p.quote,
                "due_stated": _moment(p.due),
                "within": str(p.within) if p.within else None,
                "amount": str(p.amount) if p.amount else None,
                "kept_on": _moment(p.kept),
                "evidence": list(p.evidence),
                "note": p.note,
                "due": s.due.isoformat(),
                "deadline_source": s.deadline_source,
                "deadline_rule": s.deadline_rule,
                "status": s.status,  # a StrEnum: JSON writes its text
                "days": s.days,
                "stale": s.stale,
            }
            for p, s in zip(case.promises, statuses, strict=True)
        ],
        "timeline": [
            {"date": str(t.date), "channel": t.channel, "text": t.text} for t in case.timeline
        ],
        "brand_reply": [
            {"date": r.date.isoformat(), "text": r.text, "url": r.url} for r in case.brand_reply
        ],
        "sources": [{"url": s.url, "title": s.title} for s in case.sources],
    }


def cases_json(data: Tracker) -> str:
    """Every case with its statuses, and the `meta` block: one case per line.

    Compact lines use the C encoder (`indent` would use the pure-Python one, 10x slower at
    scale) and keep diffs readable: a changed case is a changed line.
    """

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    cases = ",\n".join(dump(case_json(c, data.statuses[c.id])) for c in data.cases)
    return f'{{"meta":{dump(meta(data))},\n"cases":[\n{cases}\n]}}\n'


def _schema(columns: Sequence[Column], key: list[str]) -> dict[str, Any]:
    fields = []
    for c in columns:
        f: dict[str, Any] = {"name": c.name, "type": c.type, "description": c.description}
        if c.type == "boolean":
            f["trueValues"], f["falseValues"] = ["true"], ["false"]
        fields.append(f)
    return {"fields": fields, "primaryKey": key, "missingValues": [""]}


def datapackage(data: Tracker) -> str:
    """A Frictionless Data Package (v2) describing brands.csv and promises.csv."""

    def resource(
        name: str, columns: Sequence[Column], key: list[str], title: str
    ) -> dict[str, Any]:
        return {
            "name": name,
            "path": f"{name}.csv",
            "type": "table",
            "title": title,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"header": True, "delimiter": ",", "lineTerminator": "\r\n"},
            "schema": _schema(columns, key),
        }

    promises = resource(
        "promises", PROMISE_COLUMNS, ["case_id", "promise"], "Every promise and its status"
    )
    promises["schema"]["foreignKeys"] = [
        {"fields": ["brand_id"], "reference": {"resource": "brands", "fields": ["brand_id"]}}
    ]
    package = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "unkept",
        "title": "Unkept: promises brands made to customers, and whether they kept them",
        "description": "Figures as of the day and data commit given in `unkept`; reproduce "
        "them with `git checkout <commit> && unkept build --as-of <as_of>`.",
        "version": data.as_of.isoformat(),
        "created": f"{data.as_of.isoformat()}T00:00:00Z",
        "licenses": [LICENCE],
        "unkept": meta(data),
        "resources": [
            resource("brands", BRAND_COLUMNS, ["brand_id"], "Ranking of brands"),
            promises,
        ],
    }
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"
