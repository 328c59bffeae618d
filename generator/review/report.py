"""`unkept diff BASE`: what a change does to the tracker, as Markdown for a job summary.

Cases added, changed or removed; promises whose status changes; and how the ranking moves.
Both sides are computed for the same as-of day, so only the data differs.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.load.loader import load_corpus
from generator.markdown import escape
from generator.model.deadlines import EU_DEADLINES, DeadlineRules
from generator.model.ranking import BrandFigures
from generator.model.statuses import DEFAULT_CONFIRM_DAYS, DEFAULT_STALE_DAYS
from generator.model.tracker import Tracker, compute
from generator.review.git import files_at, write_tree


@dataclass(frozen=True)
class Side:
    """One side of the comparison."""

    data: Tracker
    files: dict[str, bytes]
    problems: int


def _side(
    root: Path,
    cases_dir: str,
    as_of: dt.date,
    stale_days: int,
    confirm_days: int,
    deadlines: DeadlineRules = EU_DEADLINES,
) -> tuple[Tracker, int]:
    corpus = load_corpus(root, cases_dir=cases_dir, as_of=as_of)
    data = compute(
        corpus.brands,
        corpus.cases,
        as_of=as_of,
        commit="",
        stale_days=stale_days,
        confirm_days=confirm_days,
        deadlines=deadlines,
    )
    return data, len(corpus.problems)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder.parent).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*.yml"))
        if p.is_file() and not p.is_symlink()
    }


def compare(
    root: Path,
    base: str,
    *,
    as_of: dt.date,
    cases_dir: str = "cases",
    stale_days: int = DEFAULT_STALE_DAYS,
    confirm_days: int = DEFAULT_CONFIRM_DAYS,
    deadlines: DeadlineRules = EU_DEADLINES,
) -> tuple[Side, Side]:
    """The tracker at the merge base with `base`, and as it is in the work tree."""
    old_files = files_at(root, base, cases_dir)
    with tempfile.TemporaryDirectory(prefix="unkept-base-") as tmp:
        write_tree(old_files, Path(tmp))
        (Path(tmp) / cases_dir).mkdir(exist_ok=True)
        old, old_problems = _side(Path(tmp), cases_dir, as_of, stale_days, confirm_days, deadlines)
    new, new_problems = _side(root, cases_dir, as_of, stale_days, confirm_days, deadlines)
    new_files = _files(root / cases_dir)
    return Side(old, old_files, old_problems), Side(new, new_files, new_problems)


def _row(r: BrandFigures | None) -> str:
    return "none" if r is None else f"#{r.rank}, {r.overdue} overdue"


def report(old: Side, new: Side, *, base: str) -> str:
    """The Markdown report."""
    as_of = new.data.as_of.isoformat()
    old_cases = {c.id: c for c in old.data.cases}
    new_cases = {c.id: c for c in new.data.cases}
    added = sorted(set(new_cases) - set(old_cases))
    removed = sorted(set(old_cases) - set(new_cases))
    changed = sorted(
        i
        for i in set(old_cases) & set(new_cases)
        if old.files.get(old_cases[i].file) != new.files.get(new_cases[i].file)
    )
    lines = [f"## Unkept: what this change does (as of {as_of}, compared with `{base}`)", ""]
    if new.problems:
        lines += [
            f"**{new.problems} problems** stop the build: see the `unkept check` "
            "annotations. Only valid cases are compared below.",
            "",
        ]
    lines += [f"- Cases added: {len(added)}, changed: {len(changed)}, removed: {len(removed)}"]
    for label, ids, side in (
        ("added", added, new_cases),
        ("changed", changed, new_cases),
        ("removed", removed, old_cases),
    ):
        lines += [f"  - {label}: `{i}` ({side[i].brand})" for i in ids]
    old_status = {(s.case_id, s.index): s for s in old.data.all_statuses}
    moves = []
    for s in new.data.all_statuses:
        before = old_status.get((s.case_id, s.index))
        was = before.status.value if before else "new"
        if was != s.status.value:
            moves.append(f"| `{s.case_id}` | {s.index + 1} | {s.kind} | {was} | {s.status.value} |")
    lines += ["", "### Promises that change status", ""]
    lines += (
        ["| case | # | kind | before | after |", "| --- | --- | --- | --- | --- |", *moves]
        if moves
        else ["None."]
    )
    old_rows = old.data.rows
    new_rows = new.data.rows
    ranking = []
    for slug in sorted(
        set(old_rows) | set(new_rows),
        key=lambda s: (new_rows[s].rank if s in new_rows else 10**9, s),
    ):
        a, b = old_rows.get(slug), new_rows.get(slug)
        if a is not None and b is not None and (a.rank, a.overdue) == (b.rank, b.overdue):
            continue
        move = (
            "new"
            if a is None
            else "removed"
            if b is None
            else "up"
            if b.rank < a.rank
            else "down"
            if b.rank > a.rank
            else "same rank"
        )
        name = escape((b or a).name)
        ranking.append(f"| {name} | {_row(a)} | {_row(b)} | {move} |")
    lines += ["", "### Ranking", ""]
    lines += (
        ["| brand | before | after | move |", "| --- | --- | --- | --- |", *ranking]
        if ranking
        else ["No brand moves."]
    )
    return "\n".join(lines) + "\n"
