"""`unkept archive`: keep a Wayback Machine copy of every evidence and source link.

For each link not yet archived it asks the Wayback Machine for an existing snapshot, else to
save one, and checks whether the original still answers. Results go to a generated,
committed file (`archive/evidence.json`), written after every link so an interrupted run
loses nothing; contributors' case files are never rewritten.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from generator.errors import BudgetExhausted, ServiceError
from generator.github.http import WebClient
from generator.load.archive_records import GONE_STATUSES, Record, load_records, save_records
from generator.load.settings import Settings
from generator.model.values import Case

RECHECK_DAYS = 30
_SNAPSHOT = re.compile(r"/web/(\d{14})[a-z_]*/")


def links(cases: Iterable[Case]) -> list[str]:
    """Every evidence and source link of the cases not withdrawn, sorted, once each."""
    found = set()
    for case in cases:
        if case.is_withdrawn:
            continue
        found.update(u for p in case.promises for u in p.evidence)
        found.update(s.url for s in case.sources)
    return sorted(found)


@dataclass(frozen=True)
class Endpoints:
    """Where the Wayback Machine is reached (tests point these at 127.0.0.1)."""

    availability: str
    save: str
    web: str

    @classmethod
    def of(cls, settings: Settings) -> Endpoints:
        """The endpoints set in `unkept.toml` (whose defaults are the real service's)."""
        return cls(settings.wayback_availability, settings.wayback_save, settings.wayback_web)


@dataclass
class Summary:
    """What one run did."""

    archived: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    """Originals that did not answer this time (a reset, a timeout): not marked gone."""
    failed: list[tuple[str, str]] = field(default_factory=list)
    left: int = 0
    requests: int = 0

    def text(self) -> str:
        lines = [
            f"Archived {len(self.archived)} new links; found {len(self.found)} existing "
            f"snapshots; {len(self.gone)} originals gone; {len(self.unknown)} originals did not "
            f"answer (tried again next run); {len(self.failed)} failed; "
            f"{self.left} left for the next run; {self.requests} requests."
        ]
        lines += [f"  gone: {u}" for u in self.gone]
        lines += [f"  no answer: {u}" for u in self.unknown]
        lines += [f"  failed: {u}: {why}" for u, why in self.failed]
        return "\n".join(lines)


def _snapshot_url(endpoints: Endpoints, timestamp: str, url: str) -> str:
    return f"{endpoints.web.rstrip('/')}/{timestamp}/{url}"


def _timestamp_day(timestamp: str) -> str | None:
    """`20261124093000` -> `2026-11-24`; None for a timestamp that is no moment."""
    try:
        return dt.datetime.strptime(timestamp, "%Y%m%d%H%M%S").date().isoformat()
    except ValueError:
        return None


def find_snapshot(client: WebClient, endpoints: Endpoints, url: str) -> str | None:
    """The timestamp of an existing snapshot of `url`, if the Wayback Machine has one."""
    answer = client.json("GET", endpoints.availability, params={"url": url})
    snapshots = answer.get("archived_snapshots") if isinstance(answer, dict) else None
    closest = snapshots.get("closest") if isinstance(snapshots, dict) else None
    if not isinstance(closest, dict):
        return None
    timestamp = str(closest.get("timestamp", ""))
    if closest.get("available") is True and _timestamp_day(timestamp):
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
        if match and _timestamp_day(match.group(1)):
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


def archive_links(
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
            if status is None:  # no answer: unknown, tried again next run (never "gone")
                summary.unknown.append(url)
                known, checked = (
                    (record.original_status, record.checked_on)
                    if record
                    else (
                        None,
                        today.isoformat(),
                    )
                )
                records[url] = Record(snapshot, archived_on, known, checked)
            else:
                records[url] = Record(snapshot, archived_on, status, today.isoformat())
                if status in GONE_STATUSES:
                    summary.gone.append(url)
            save_records(path, records)
        except BudgetExhausted:
            summary.left = len(queue) - index
            break
        except ServiceError as exc:
            summary.failed.append((url, str(exc)))
    summary.requests = wayback.used + originals.used
    return summary
