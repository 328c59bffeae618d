"""`unkept remind`: ask owners to confirm open cases before they go stale.

One GitHub issue per owner, found again by a hidden marker, so a re-run updates it instead of
opening a second one. The marker is in the body, which only the bot and maintainers edit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from generator.errors import ServiceError
from generator.github.api import GitHub
from generator.model.statuses import stale_from
from generator.model.values import Case

LABEL = "stale-reminder"
WARN_DAYS = 14
_MARKER = "<!-- unkept-remind: {owner} -->"


@dataclass(frozen=True)
class Due:
    """An open case that will be (or is) stale soon."""

    case: Case
    stale_on: dt.date
    """First day the case counts as stale."""


def due_for_reminder(
    cases: Iterable[Case], today: dt.date, stale_days: int, warn_days: int = WARN_DAYS
) -> dict[str, list[Due]]:
    """Open cases that will be stale within `warn_days`, by owner, oldest first."""
    by_owner: dict[str, list[Due]] = defaultdict(list)
    for case in cases:
        if not case.is_open:
            continue
        stale_on = stale_from(case, stale_days)
        if (stale_on - today).days <= warn_days:
            by_owner[case.submitted_by].append(Due(case, stale_on))
    return {
        o: sorted(d, key=lambda x: (x.stale_on, x.case.id)) for o, d in sorted(by_owner.items())
    }


def reminder_body(owner: str, items: list[Due], today: dt.date) -> str:
    """The issue's text: the owner's cases and what to do."""
    lines = [
        _MARKER.format(owner=owner),
        "",
        f"@{owner}, these open cases of yours need a fresh confirmation. A case whose "
        "facts were not confirmed for a while is marked stale on the site.",
        "",
        "| case | stale on |",
        "| --- | --- |",
    ]
    lines += [
        f"| `{d.case.file}` | {d.stale_on.isoformat()}"
        f"{' (already stale)' if d.stale_on <= today else ''} |"
        for d in items
    ]
    lines += [
        "",
        "To confirm a case, check that everything in it is still true, set "
        "`last_confirmed` to today's date, and open a pull request. If the brand kept "
        "its promise, add `kept_on`; if you gave up, set `status: abandoned` and "
        "`closed_on`.",
        "",
        "_This issue is updated by `unkept remind`; it closes "
        "itself when nothing is left to confirm._",
    ]
    return "\n".join(lines) + "\n"


@dataclass
class RemindSummary:
    """What one run did."""

    opened: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def text(self) -> str:
        lines = [
            f"Reminders: {len(self.opened)} opened, {len(self.updated)} updated, "
            f"{len(self.closed)} closed, "
            f"{len(self.unchanged)} already up to date, {len(self.failed)} failed."
        ]
        lines += [f"  failed: @{o}: {why}" for o, why in self.failed]
        return "\n".join(lines)


def remind(
    github: GitHub, cases: Iterable[Case], *, today: dt.date, stale_days: int, dry_run: bool = False
) -> RemindSummary:
    """Open or update one reminder issue per owner; never a second one."""
    summary = RemindSummary()
    wanted = due_for_reminder(cases, today, stale_days)
    existing: dict[str, dict] = {}
    for issue in github.open_issues(LABEL):
        match = re.search(r"<!-- unkept-remind: ([A-Za-z0-9-]+) -->", issue.get("body") or "")
        if match:
            existing.setdefault(match.group(1), issue)
    for owner, items in wanted.items():
        body = reminder_body(owner, items, today)
        try:
            issue = existing.get(owner)
            if issue is None:
                if not dry_run:
                    github.create_issue(
                        f"Please confirm your Unkept cases (@{owner})", body, [LABEL]
                    )
                summary.opened.append(owner)
            elif issue.get("body") != body:
                if not dry_run:
                    github.update_issue(int(issue["number"]), body)
                summary.updated.append(owner)
            else:
                summary.unchanged.append(owner)
        except ServiceError as exc:
            summary.failed.append((owner, str(exc)))
    for owner, issue in sorted(existing.items()):
        if owner in wanted:
            continue
        try:
            if not dry_run:
                github.close_issue(int(issue["number"]))
            summary.closed.append(owner)
        except ServiceError as exc:
            summary.failed.append((owner, str(exc)))
    return summary
