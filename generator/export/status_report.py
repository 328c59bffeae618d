"""Print computed statuses: an aligned text table for people, JSON for programs."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict

from generator.model.statuses import KeptPer, PromiseStatus, Status

COLUMNS = ("case", "#", "kind", "made", "due", "deadline", "kept", "status", "days", "notes")


def _row(s: PromiseStatus) -> tuple[str, ...]:
    return (
        s.case_id,
        str(s.index + 1),
        s.kind,
        s.made_on.isoformat(),
        s.due.isoformat(),
        s.deadline_source,
        s.kept_on.isoformat() if s.kept_on else "-",
        s.status.value,
        "-" if s.days is None else f"{s.days:+d}",
        notes(s),
    )


def notes(s: PromiseStatus) -> str:
    """The flags of a status, in words: `stale, disputed, on the brand's word`."""
    flags = ["stale"] if s.stale else []
    if s.disputed:
        flags.append("disputed")
    if s.kept_per == KeptPer.BRAND:
        flags.append("on the brand's word")
    if s.status == Status.CLAIMED and s.claim_due:
        flags.append(f"consumer may reject until {s.claim_due.isoformat()}")
    return ", ".join(flags)


def status_table(statuses: Sequence[PromiseStatus]) -> str:
    """One aligned line per promise, then a count per status."""
    rows = [COLUMNS, *(_row(s) for s in statuses)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]
    counts = Counter(s.status for s in statuses)
    summary = ", ".join(f"{counts[st]} {st.value}" for st in Status if counts[st])
    lines.append("")
    lines.append(f"{len(statuses)} promises: {summary or 'none'}")
    return "\n".join(lines)


def status_json(statuses: Sequence[PromiseStatus], *, as_of: str) -> str:
    """Every status as JSON, with the as-of date that produced it."""

    def plain(s: PromiseStatus) -> dict[str, object]:
        out = asdict(s)
        for key in ("made_on", "due", "kept_on", "claim_due"):
            out[key] = out[key].isoformat() if out[key] else None
        out["status"] = s.status.value
        return out

    return json.dumps(
        {"as_of": as_of, "promises": [plain(s) for s in statuses]}, indent=2, ensure_ascii=False
    )
