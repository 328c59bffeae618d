"""`unkept archive`: keep a Wayback Machine copy of every evidence and source link.

For each link not yet archived it asks the Wayback Machine for an existing snapshot, else to
save one, and checks whether the original still answers. Results go to a generated,
committed file (`archive/evidence.json`), written after every link so an interrupted run
loses nothing; contributors' case files are never rewritten.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from generator.atomic import write_atomic
from generator.github.http import BudgetExhausted, ServiceError, WebClient
from generator.model.values import Case

ARCHIVE_FILE = "archive/evidence.json"
RECHECK_DAYS = 30
GONE_STATUSES = frozenset({404, 410})
_SNAPSHOT = re.compile(r"/web/(\d{14})[a-z_]*/")
_SNAPSHOT_URL = re.compile(r"https://web\.archive\.org/web/\d{14}/https://\S+")


@dataclass(frozen=True)
class Record:
    """What is known about one archived link."""

    snapshot: str | None
    """The Wayback Machine copy, like https://web.archive.org/web/20261124093000/https://..."""
    archived_on: str | None
    """Day of the snapshot (ISO 8601)."""
    original_status: int | None
    """HTTP status of the original at the last check; None when it did not answer."""
    checked_on: str
    """Day of the last check of the original."""

    @property
    def original_gone(self) -> bool:
        """The original no longer answers, or answers that it is gone."""
        return self.original_status is None or self.original_status in GONE_STATUSES


class ArchiveFileError(Exception):
    """archive/evidence.json is not what `unkept archive` writes."""


def load_records(path: Path) -> dict[str, Record]:
    """The records of `path`, checked (the file is committed, so it is untrusted input)."""
    if not path.exists():
        return {}
    text = path.read_text("utf-8", errors="replace")

    def fail(url: str | None, field: str, message: str) -> ArchiveFileError:
        line = 1
        if url is not None:  # the line of the link's key (JSON keeps no positions)
            key = json.dumps(url, ensure_ascii=False) + ":"
            line = next((n for n, t in enumerate(text.splitlines(), 1) if key in t), 1)
        where = f"urls[{json.dumps(url, ensure_ascii=False)}]" if url is not None else "urls"
        return ArchiveFileError(f"{ARCHIVE_FILE}:{line}:1: {where}{field}: {message}")

    try:
        raw = json.loads(text)
    except ValueError as exc:
        line, column = getattr(exc, "lineno", 1), getattr(exc, "colno", 1)
        raise ArchiveFileError(
            f"{ARCHIVE_FILE}:{line}:{column}: expected the JSON that unkept archive writes"
        ) from exc
    urls = raw.get("urls") if isinstance(raw, dict) else None
    if not isinstance(urls, dict):
        raise fail(None, "", "expected a mapping of links to records, as unkept archive writes")
    records = {}
    for url, r in urls.items():
        if not url.startswith("https://"):
            raise fail(url, "", "expected an https:// link")
        if not isinstance(r, dict):
            raise fail(
                url,
                "",
                "expected a record with snapshot, archived_on, original_status and checked_on",
            )
        snapshot = r.get("snapshot")
        if snapshot is not None and not (
            isinstance(snapshot, str) and _SNAPSHOT_URL.fullmatch(snapshot)
        ):
            raise fail(
                url, ".snapshot", f"expected a Wayback Machine https:// link, got {snapshot!r}"
            )
        status = r.get("original_status")
        if status is not None and not (isinstance(status, int) and 100 <= status <= 599):
            raise fail(url, ".original_status", f"expected an HTTP status, got {status!r}")
        for key in ("archived_on", "checked_on"):
            value = r.get(key)
            if value is None and key == "archived_on":
                continue
            try:
                dt.date.fromisoformat(value)
            except (TypeError, ValueError):
                raise fail(
                    url, f".{key}", f"expected a date like 2026-01-31, got {value!r}"
                ) from None
        records[url] = Record(snapshot, r.get("archived_on"), status, r["checked_on"])
    return records


def save_records(path: Path, records: dict[str, Record]) -> None:
    """Write `records` atomically, sorted, so diffs stay readable."""
    payload = {
        "format": 1,
        "urls": {
            url: {
                "snapshot": r.snapshot,
                "archived_on": r.archived_on,
                "original_status": r.original_status,
                "checked_on": r.checked_on,
            }
            for url, r in sorted(records.items())
        },
    }
    write_atomic(path, (json.dumps(payload, indent=1, ensure_ascii=False) + "\n").encode())


def links(cases: Iterable[Case]) -> list[str]:
    """Every evidence and source link of the cases not withdrawn, sorted, once each."""
    found = set()
    for case in cases:
        if case.status == "withdrawn":
            continue
        found.update(u for p in case.promises for u in p.evidence)
        found.update(s.url for s in case.sources)
    return sorted(found)


@dataclass
class Endpoints:
    """Where the Wayback Machine is reached (tests point these at 127.0.0.1)."""

    availability: str = "https://archive.org/wayback/available"
    save: str = "https://web.archive.org/save/"
    web: str = "https://web.archive.org/web/"


@dataclass
class Summary:
    """What one run did."""

    archived: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    left: int = 0
    requests: int = 0

    def text(self) -> str:
        lines = [
            f"Archived {len(self.archived)} new links; found {len(self.found)} existing "
            f"snapshots; {len(self.gone)} originals gone; {len(self.failed)} failed; "
            f"{self.left} left for the next run; {self.requests} requests."
        ]
        lines += [f"  gone: {u}" for u in self.gone]
        lines += [f"  failed: {u}: {why}" for u, why in self.failed]
        return "\n".join(lines)


def _snapshot_url(endpoints: Endpoints, timestamp: str, url: str) -> str:
    return f"{endpoints.web.rstrip('/')}/{timestamp}/{url}"


def _timestamp_day(timestamp: str) -> str:
    return f"{timestamp[:4]}-{timestamp[4:6]}-{timestamp[6:8]}"


def find_snapshot(client: WebClient, endpoints: Endpoints, url: str) -> str | None:
    """The timestamp of an existing snapshot of `url`, if the Wayback Machine has one."""
    answer = client.json("GET", endpoints.availability, params={"url": url})
    closest = ((answer or {}).get("archived_snapshots") or {}).get("closest") or {}
    timestamp = str(closest.get("timestamp", ""))
    if closest.get("available") and re.fullmatch(r"\d{14}", timestamp):
        return timestamp
    return None


def save_snapshot(client: WebClient, endpoints: Endpoints, url: str) -> str:
    """Ask the Wayback Machine to save `url`; the new snapshot's timestamp."""
    response = client.request("GET", endpoints.save.rstrip("/") + "/" + quote(url, safe=":/?=&%"))
    for candidate in (
        response.headers.get("Content-Location", ""),
        response.url,
        *(r.headers.get("Location", "") for r in response.history),
    ):
        match = _SNAPSHOT.search(candidate or "")
        if match:
            return match.group(1)
    raise ServiceError(f"saving {url}: the answer named no snapshot")


def check_original(client: WebClient, url: str) -> int | None:
    """The original's HTTP status now, or None when it does not answer at all."""
    try:
        response = client.request("HEAD", url, ok=tuple(range(100, 600)), allow_redirects=True)
        if response.status_code in (403, 405, 501):  # some servers refuse HEAD
            response = client.request("GET", url, ok=tuple(range(100, 600)), stream=True)
            response.close()
    except BudgetExhausted:
        raise
    except ServiceError:
        return None
    return response.status_code


def archive(
    cases: Iterable[Case],
    *,
    path: Path,
    today: dt.date,
    wayback: WebClient,
    originals: WebClient,
    endpoints: Endpoints,
) -> Summary:
    """Archive links not yet archived, then re-check stale originals, within the budgets."""
    records = load_records(path)
    summary = Summary()
    todo = [u for u in links(cases) if u not in records or records[u].snapshot is None]
    recheck = sorted(
        (
            u
            for u, r in records.items()
            if r.snapshot is not None
            and (today - dt.date.fromisoformat(r.checked_on)).days >= RECHECK_DAYS
        ),
        key=lambda u: (records[u].checked_on, u),
    )
    queue = [(u, True) for u in todo] + [(u, False) for u in recheck]
    for index, (url, needs_snapshot) in enumerate(queue):
        try:
            status = check_original(originals, url)
            record = records.get(url)
            snapshot, archived_on = (
                (record.snapshot, record.archived_on) if record else (None, None)
            )
            if needs_snapshot:
                timestamp = find_snapshot(wayback, endpoints, url)
                if timestamp:
                    summary.found.append(url)
                elif status is not None and status < 400:
                    timestamp = save_snapshot(wayback, endpoints, url)
                    summary.archived.append(url)
                if timestamp:
                    snapshot = _snapshot_url(endpoints, timestamp, url)
                    archived_on = _timestamp_day(timestamp)
            records[url] = Record(snapshot, archived_on, status, today.isoformat())
            if status is None or status in GONE_STATUSES:
                summary.gone.append(url)
            save_records(path, records)
        except BudgetExhausted:
            summary.left = len(queue) - index
            break
        except ServiceError as exc:
            summary.failed.append((url, str(exc)))
    summary.requests = wayback.used + originals.used
    return summary
