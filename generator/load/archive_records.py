"""`archive/evidence.json`: what is known of each archived evidence link.

Written only by `unkept archive`, but committed, so it is read as untrusted input: every
record is checked, and a wrong one is an error that names the line and the field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from generator.atomic import write_atomic
from generator.errors import ArchiveFileError

ARCHIVE_FILE = "archive/evidence.json"
GONE_STATUSES = frozenset({404, 410})
_SNAPSHOT_URL = re.compile(r"https://web\.archive\.org/web/\d{14}/https://\S+")


@dataclass(frozen=True)
class Record:
    """What is known about one archived link."""

    snapshot: str | None
    """The Wayback Machine copy, like https://web.archive.org/web/20261124093000/https://..."""
    archived_on: str | None
    """Day of the snapshot (ISO 8601)."""
    original_status: int | None
    """HTTP status of the original at the last check that got an answer; None when none
    did yet (a reset or a timeout is not knowledge: the link is tried again next run)."""
    checked_on: str
    """Day of the last check of the original."""

    @property
    def original_gone(self) -> bool:
        """The original's own server answered that it is gone (404, 410)."""
        return self.original_status in GONE_STATUSES


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
