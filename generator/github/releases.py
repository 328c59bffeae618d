"""Monthly citable snapshots: the first publish of each month is tagged and released.

`release_snapshot` releases the commit with the day's open data attached, so that a cited
figure stays reproducible after the live site moves on.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.github.api import GitHub, field

DATA_FILES = ("brands.csv", "promises.csv", "cases.json", "datapackage.json")
MEDIA_TYPES = {".csv": "text/csv", ".json": "application/json"}


def release_tag(as_of: dt.date) -> str:
    """The tag of a snapshot: `ranking-2026-11-01`."""
    return f"ranking-{as_of.isoformat()}"


def release_snapshot(github: GitHub, data_dir: Path, *, as_of: dt.date, commit: str) -> str | None:
    """Release the first publish of as-of's month; None when the month has its release.

    Made so that no failure leaves a month without one: a draft is created, its assets
    uploaded, then it is published (which makes the tag). A run that stops half-way leaves a
    draft, which the next run completes (the same day) or replaces (a later day).
    """
    month = f"ranking-{as_of.isoformat()[:7]}-"
    tag = release_tag(as_of)
    draft = None
    for release in github.releases():
        if not str(release.get("tag_name", "")).startswith(month):
            continue
        if not release.get("draft"):
            return None
        if release.get("tag_name") == tag and draft is None:
            draft = release
        else:  # an unfinished release of an earlier day: today's data replaces it
            github.delete_release(int(field(release, "id", what="GET releases")))
    if draft is None:
        body = (
            f"Unkept figures as of {as_of.isoformat()}, data commit {commit}.\n\n"
            f"Reproduce, in a clone of the repository: "
            f"`git checkout {tag} && make site AS_OF={as_of.isoformat()}`.\n"
        )
        draft = github.create_draft_release(tag, commit, f"Ranking as of {as_of.isoformat()}", body)
    present = {a.get("name") for a in draft.get("assets") or [] if isinstance(a, dict)}
    upload_url = str(field(draft, "upload_url", what="POST releases"))
    for name in DATA_FILES:
        if name in present:
            continue
        path = data_dir / name
        github.upload_asset(upload_url, name, path.read_bytes(), MEDIA_TYPES[path.suffix])
    github.publish_release(int(field(draft, "id", what="POST releases")))
    return tag
