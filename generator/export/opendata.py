"""Open data: the ranking and every promise as CSV, every case as JSON, and a Frictionless
Data Package (v2) describing them, with the columns of `columns.py`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from generator import FORMAT_VERSION, __version__
from generator.export.columns import BRAND_COLUMNS, PROMISE_COLUMNS, Column, cell
from generator.export.publisher import Publisher
from generator.model.ranking import BrandFigures
from generator.model.statuses import PromiseStatus
from generator.model.tracker import BY_RATE, LAST_12_MONTHS, VIEWS, Tracker
from generator.model.values import Case

LICENCE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}


def _csv(columns: Sequence[Column], rows: Sequence[Sequence[Any]], header: bool = True) -> str:
    out = io.StringIO()
    # Every text cell in quotes, numbers bare: a spreadsheet opening the file with another
    # separator (";" in French) cannot split a cell and read a formula in its second half.
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    if header:
        writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow([cell(v, c) for v, c in zip(row, columns, strict=True)])
    return out.getvalue()


def brands_csv(ranking: Sequence[BrandFigures]) -> str:
    """The ranking, one row per brand, in ranking order."""
    return _csv(BRAND_COLUMNS, [[c.value(r) for c in BRAND_COLUMNS] for r in ranking])


def promise_row(s: PromiseStatus, case: Case) -> list[Any]:
    """One promises.csv row: the promise's status and the promise itself (its amount)."""
    promise = case.promises[s.index]
    return [c.value(s, promise) for c in PROMISE_COLUMNS]


def promises_csv(data: Tracker, rows_of: Callable[[Case], str] | None = None) -> Iterator[str]:
    """Every promise of every case not withdrawn, by case id then number (each case's rows
    from `rows_of`, when given: `promise_rows`, or the previous build's); in parts, a case's
    rows each, since the whole file is some 30 MB at 100,000 cases."""
    rows_of = rows_of or (lambda case: promise_rows(case, data.statuses[case.id]))
    yield promises_header()
    for case in data.cases:
        if not case.is_withdrawn:
            yield rows_of(case)


def promises_header() -> str:
    """The first line of promises.csv: the columns' names."""
    return _csv(PROMISE_COLUMNS, [])


def promise_rows(case: Case, statuses: Sequence[PromiseStatus]) -> str:
    """A case's rows of promises.csv, each ending in CRLF."""
    return _csv(PROMISE_COLUMNS, [promise_row(s, case) for s in statuses], header=False)


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
    if case.is_withdrawn:
        return {
            "id": case.id,
            "brand_id": case.brand,
            "status": "withdrawn",
            "closed_on": case.closed_on.isoformat() if case.closed_on else None,
            "withdrawn_reason": case.withdrawn_reason,
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
                "disputed": s.disputed,
                "kept_per": s.kept_per,
                "claim_due": s.claim_due.isoformat() if s.claim_due else None,
                "claim_rejected": p.claim_rejected,
            }
            for p, s in zip(case.promises, statuses, strict=True)
        ],
        "timeline": [
            {"date": str(t.date), "channel": t.channel, "text": t.text} for t in case.timeline
        ],
        "brand_reply": [
            {
                "date": r.date.isoformat(),
                "text": r.text,
                "url": r.url,
                "promises": [
                    {"promise": x.promise, "kept_on": _moment(x.kept_on), "disputes": x.disputes}
                    for x in r.positions
                ],
            }
            for r in case.brand_reply
        ],
        "sources": [{"url": s.url, "title": s.title} for s in case.sources],
    }


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
"""Compact JSON with the C encoder (`indent` would use the pure-Python one, 10x slower at
scale), made once: `json.dumps` with options makes an encoder per call."""


def case_line(case: Case, statuses: Sequence[PromiseStatus]) -> str:
    """A case's line of cases.json (without its separator)."""
    return _COMPACT(case_json(case, statuses))


def cases_json(data: Tracker, line_of: Callable[[Case], str] | None = None) -> Iterator[str]:
    """Every case with its statuses, and the `meta` block: one case per line (each from
    `line_of`, when given: `case_line`, or the previous build's); in parts, a line each,
    since the whole file is some 230 MB at 100,000 cases.

    Lines keep diffs readable: a changed case is a changed line.
    """
    line_of = line_of or (lambda case: case_line(case, data.statuses[case.id]))
    yield f'{{"meta":{_COMPACT(meta(data))},\n"cases":[\n'
    for i, case in enumerate(data.cases):
        yield line_of(case) if i == 0 else ",\n" + line_of(case)
    yield "\n]}\n"


def _schema(columns: Sequence[Column], key: list[str]) -> dict[str, Any]:
    fields = []
    for c in columns:
        f: dict[str, Any] = {"name": c.name, "type": c.type, "description": c.description}
        if c.type == "boolean":
            f["trueValues"], f["falseValues"] = ["true"], ["false"]
        fields.append(f)
    return {"fields": fields, "primaryKey": key, "missingValues": [""]}


VIEW_TITLES = {
    LAST_12_MONTHS: "promises made in the last 12 months",
    BY_RATE: "by the lower bound of the kept-on-time rate, brands with a rate only",
}
"""How the Data Package names the views that are not a category."""


def view_csvs(data: Tracker) -> dict[str, str]:
    """`ranking/<view>.csv` for each view of the ranking but the whole one (brands.csv)."""
    return {
        f"ranking/{view}.csv": brands_csv(rows)
        for view, rows in data.views.items()
        if view != "all"
    }


def datapackage(data: Tracker, by: Publisher) -> str:
    """A Frictionless Data Package (v2) describing brands.csv, promises.csv and the CSV of
    each view of the ranking (`ranking/<view>.csv`)."""

    def resource(
        name: str, columns: Sequence[Column], key: list[str], title: str, path: str = ""
    ) -> dict[str, Any]:
        return {
            "name": name,
            "path": path or f"{name}.csv",
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
        "name": by.slug,
        "title": f"{by.name}: promises brands made to customers, and whether they kept them",
        "description": "Figures as of the day and data commit given in `unkept`; reproduce "
        "them, in a clone of the repository, with "
        "`git checkout <commit> && make site AS_OF=<as_of>`.",
        "version": data.as_of.isoformat(),
        "created": f"{data.as_of.isoformat()}T00:00:00Z",
        "licenses": [LICENCE],
        "unkept": meta(data),
        "resources": [
            resource("brands", BRAND_COLUMNS, ["brand_id"], "Ranking of brands"),
            promises,
            *(
                resource(
                    f"ranking-{view}",
                    BRAND_COLUMNS,
                    ["brand_id"],
                    f"Ranking of brands: {VIEW_TITLES.get(view) or view}",
                    f"ranking/{view}.csv",
                )
                for view in VIEWS
                if view != "all"
            ),
        ],
    }
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"
