"""Who may change what in a pull request: each rule is a small named function.

- A pull request may add cases, submitted by its author.
- Only a case's submitter may edit it, and never to change who submitted it.
- Only a brand's maintainers (as listed before the pull request) may add `brand_reply`
  entries, and replies are only ever added, never edited or removed.
- Cases are never deleted or renamed (withdraw them instead); brand files and their
  maintainers are changed by tracker maintainers only.
- The tracker's own files (`unkept.toml`, `archive/`, and every file under the cases
  folder that is neither a brand file nor a case) are changed by tracker maintainers only.
- Tracker maintainers (`maintainers` in unkept.toml) may change anything.

The settings (maintainers, cases folder) are those of the base branch: a pull request never
judges itself. Logins are compared as GitHub compares them, ignoring case. A pull request
opened by the new-case workflow's bot carries its case's submitter (the issue's author).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from generator.load import yamlsafe
from generator.load.discover import BRAND_FILE
from generator.load.problems import Code, Problem
from generator.review.git import Change, changed_files, files_at

Violation = tuple[str, str, Code]
"""(field, message, code): a rule broken, where, and which; the message names the rule."""


def _data(raw: bytes | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    text, error = yamlsafe.decode(raw)
    if error or text is None:
        return None
    doc, _ = yamlsafe.parse(text)
    return doc.data if doc and isinstance(doc.data, dict) else None


def _without(data: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != key}


BOT = "github-actions[bot]"
"""Who opens the pull requests of the tracker's own workflows (new cases from issues, the
evidence archive)."""


def same_login(a: object, b: object) -> bool:
    """GitHub's logins ignore case."""
    return isinstance(a, str) and isinstance(b, str) and a.casefold() == b.casefold()


def new_case_is_the_authors(new: dict[str, Any], author: str) -> Iterator[Violation]:
    """Rule `submitter-is-author`: a case is added in its author's own name (a case the
    new-case workflow proposes carries its issue author's)."""
    owner = new.get("submitted_by")
    if author == BOT:
        return
    if not same_login(owner, author):
        yield (
            "submitted_by",
            (f"expected your own GitHub name {author!r} for a new case, got {owner!r}"),
            Code.PR_SUBMITTER_IS_AUTHOR,
        )


def only_the_submitter_edits(
    old: dict[str, Any], new: dict[str, Any], author: str
) -> Iterator[Violation]:
    """Rule `case-owner`: only the submitter edits a case (replies aside)."""
    owner = old.get("submitted_by")
    edited = _without(old, "brand_reply") != _without(new, "brand_reply")
    if edited and not same_login(author, owner):
        yield (
            "",
            (
                f"edits a case submitted by {owner}; only its submitter or a tracker "
                "maintainer may edit it"
            ),
            Code.PR_CASE_OWNER,
        )
    if new.get("submitted_by") != owner:
        yield (
            "submitted_by",
            (f"expected {owner!r}: the submitter of a case never changes"),
            Code.PR_SUBMITTER_UNCHANGED,
        )


def replies_come_from_brand_maintainers(
    old: dict[str, Any] | None, new: dict[str, Any], author: str, maintainers: list[str]
) -> Iterator[Violation]:
    """Rules `brand-reply` and `replies-append-only`."""
    before = (old or {}).get("brand_reply") or []
    after = new.get("brand_reply") or []
    if before == after:
        return
    if not any(same_login(author, m) for m in maintainers):
        yield (
            "brand_reply",
            (
                f"{author} is not a maintainer of this brand; only the brand's "
                "maintainers may add its replies"
            ),
            Code.PR_BRAND_REPLY,
        )
    elif after[: len(before)] != before:
        yield (
            "brand_reply",
            ("expected earlier replies unchanged, with new ones added after them"),
            Code.PR_REPLIES_APPEND_ONLY,
        )


def brand_files_are_the_trackers(status: str, new: dict[str, Any] | None) -> Iterator[Violation]:
    """Rules `brand-file` and `brand-maintainers`: brand files belong to tracker maintainers."""
    if status != "A":
        yield (
            "",
            "only tracker maintainers may edit or delete a brand file",
            Code.PR_BRAND_FILE,
        )
    elif new and new.get("maintainers"):
        yield (
            "maintainers",
            "only tracker maintainers may name a brand's maintainers",
            Code.PR_BRAND_MAINTAINERS,
        )


def tracker_files_are_the_maintainers(path: str, author: str) -> Iterator[Violation]:
    """Rule `tracker-file`: the settings, the template, the evidence archive and anything else
    in the tracker that is not a brand or a case (the archive also comes from its workflow)."""
    if author == BOT and path.startswith("archive/"):
        return
    yield (
        "",
        "only tracker maintainers may change the tracker's settings or files",
        Code.PR_TRACKER_FILE,
    )


def cases_are_never_deleted(status: str) -> Iterator[Violation]:
    """Rule `never-delete`: a case stays, withdrawn if need be, so its URL never dies."""
    if status == "D":
        yield (
            "",
            "cases are never deleted or renamed; set status: withdrawn instead",
            Code.PR_NEVER_DELETE,
        )


TRACKER_FILES = ("unkept.toml", "archive")
"""The tracker's own files outside the cases folder."""


def ownership_problems(
    root: Path, base: str, author: str, tracker_maintainers: Sequence[str], cases_dir: str = "cases"
) -> list[Problem]:
    """Every ownership rule the changes since `base` break, for a pull request by `author`;
    `tracker_maintainers` and `cases_dir` are the base branch's settings."""
    if any(same_login(author, m) for m in tracker_maintainers):
        return []
    folder = cases_dir.strip("/")
    changes: list[Change] = changed_files(root, base, ".")
    old_files = files_at(root, base, folder)
    problems: list[Problem] = []

    def add(path: str, violations: Iterator[Violation]) -> None:
        for field, message, code in violations:
            rule = code.removeprefix("pr.")
            problems.append(Problem(path, 1, 1, field, f"{message} (rule: {rule})", code))

    for change in changes:
        path = change.path
        if not path.startswith(f"{folder}/"):
            if path.split("/", 1)[0] in TRACKER_FILES:
                add(path, tracker_files_are_the_maintainers(path, author))
            continue  # code and documents: a maintainer reviews them as code
        brand_dir, _, name = path.removeprefix(f"{folder}/").rpartition("/")
        if "/" in brand_dir or not brand_dir or not name.endswith(".yml") or name[0] in "._":
            add(path, tracker_files_are_the_maintainers(path, author))
            continue
        current = root / path
        new = _data(current.read_bytes()) if current.is_file() else None
        if name == BRAND_FILE:
            add(path, brand_files_are_the_trackers(change.status, new))
            continue
        if change.status == "D":
            add(path, cases_are_never_deleted(change.status))
            continue
        if new is None:
            continue  # unkept check reports why the file cannot be read
        brand_file = old_files.get(f"{folder}/{brand_dir}/{BRAND_FILE}")
        listed = (_data(brand_file) or {}).get("maintainers") or []
        maintainers = [m["login"] for m in listed if isinstance(m, dict) and "login" in m]
        if change.status == "A":
            add(path, new_case_is_the_authors(new, author))
            add(path, replies_come_from_brand_maintainers(None, new, author, maintainers))
        else:
            old = _data(old_files.get(path))
            if old is None:
                continue
            add(path, only_the_submitter_edits(old, new, author))
            add(path, replies_come_from_brand_maintainers(old, new, author, maintainers))
    return problems
