"""Monthly citable snapshots: the first publish of each month is tagged and released.

`release_snapshot` tags the commit and attaches the day's open data, so that a cited figure
stays reproducible after the live site moves on.
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
    """Tag and release the first publish of as-of's month; None when the month has one."""
    month = f"ranking-{as_of.isoformat()[:7]}-"
    if github.tags(month):
        return None
    tag = release_tag(as_of)
    github.create_tag(tag, commit)
    body = (
        f"Unkept figures as of {as_of.isoformat()}, data commit {commit}.\n\n"
        f"Reproduce: `git checkout {tag} && unkept build --as-of {as_of.isoformat()}`.\n"
    )
    created = github.create_release(tag, f"Ranking as of {as_of.isoformat()}", body)
    for name in DATA_FILES:
        path = data_dir / name
        github.upload_asset(
            str(field(created, "upload_url", what="POST releases")),
            name,
            path.read_bytes(),
            MEDIA_TYPES[path.suffix],
        )
    return tag
