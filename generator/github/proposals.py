"""Changes proposed as pull requests through GitHub's API.

`propose` never pushes to the default branch: it writes files to a work branch and opens (or
reuses) a pull request.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.errors import UsageError
from generator.github.api import GitHub


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
        raise UsageError("--branch: the work branch must differ from the base branch")
    if github.branch_sha(branch) is None:
        base_sha = github.branch_sha(base)
        if base_sha is None:
            raise UsageError(f"--base: no branch {base!r} on GitHub")
        github.create_branch(branch, base_sha)
    for path in sorted(paths):
        github.put_file(path, (root / path).read_bytes(), branch, f"{title}\n\n{path}")
    existing = github.open_pull(branch)
    if existing:
        return Proposal(branch, existing.get("html_url", ""), created=False)
    pull = github.create_pull(branch, base, title, body)
    return Proposal(branch, pull.get("html_url", ""), created=True)
