"""Changes proposed as pull requests, and monthly citable snapshots, through GitHub's API.

`propose` never pushes to the default branch: it writes files to a work branch and opens (or
reuses) a pull request. `release` tags the first publish of each month and attaches the
day's open data, so a cited figure stays reproducible after the live site moves on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from generator.github.api import GitHub

DATA_FILES = ("brands.csv", "promises.csv", "cases.json", "datapackage.json")
MEDIA_TYPES = {".csv": "text/csv", ".json": "application/json"}


@dataclass(frozen=True)
class Proposal:
    """What `propose` did."""

    branch: str
    pull_url: str
    created: bool


def propose(
    github: GitHub, root: Path, paths: list[str], *, branch: str, base: str, title: str, body: str
) -> Proposal:
    """Put `paths` (relative to `root`) on `branch` and open a pull request into `base`."""
    if branch == base:
        raise ValueError("the work branch must differ from the base branch")
    if github.branch_sha(branch) is None:
        base_sha = github.branch_sha(base)
        if base_sha is None:
            raise ValueError(f"no branch {base!r} on GitHub")
        github.create_branch(branch, base_sha)
    for path in sorted(paths):
        github.put_file(path, (root / path).read_bytes(), branch, f"{title}\n\n{path}")
    existing = github.open_pull(branch)
    if existing:
        return Proposal(branch, existing.get("html_url", ""), created=False)
    pull = github.create_pull(branch, base, title, body)
    return Proposal(branch, pull.get("html_url", ""), created=True)


def release_tag(as_of: dt.date) -> str:
    return f"ranking-{as_of.isoformat()}"


def release(github: GitHub, data_dir: Path, *, as_of: dt.date, commit: str) -> str | None:
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
            created["upload_url"], name, path.read_bytes(), MEDIA_TYPES[path.suffix]
        )
    return tag
