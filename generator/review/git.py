"""Read the case files as they were at a git ref, and list what changed since then."""

from __future__ import annotations

import io
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from generator.errors import GitError, UsageError

MAX_TREE_BYTES = 512 * 1024 * 1024


def _git(root: Path, *args: str) -> bytes:
    try:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, check=True, timeout=300
        ).stdout
    except FileNotFoundError as exc:
        raise GitError("git is not installed") from exc
    except subprocess.CalledProcessError as exc:
        message = exc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {' '.join(args[:2])}: {message[-1] if message else exc}") from exc


def merge_base(root: Path, base: str) -> str:
    """The commit where the current branch left `base`."""
    return _git(root, "merge-base", base, "HEAD").decode().strip()


@dataclass(frozen=True)
class Change:
    """A file under cases/ that differs from the base."""

    status: str
    """A (added), M (modified) or D (deleted); a rename shows as a deletion and an addition."""
    path: str
    """Path relative to the project root, with forward slashes."""


def prefix(root: Path) -> str:
    """Where `root` lies in its repository (`tracker/`, or "" at the top): git's own paths
    start with it, the tracker's do not."""
    return _git(root, "rev-parse", "--show-prefix").decode().strip()


def changed_files(root: Path, base: str, folder: str = ".") -> list[Change]:
    """Files under `folder` that differ between the merge base with `base` and the work tree,
    with paths relative to `root` (also when `root` is a sub-folder of its repository)."""
    commit = merge_base(root, base)
    out = _git(
        root, "diff", "--name-status", "--no-renames", "--relative", "-z", commit, "--", folder
    )
    parts = [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]
    changes = [Change(parts[i][0], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "-z", "--", folder)
    changes += [
        Change("A", p.decode("utf-8", "surrogateescape")) for p in untracked.split(b"\0") if p
    ]
    return sorted(changes, key=lambda c: c.path)


def files_at(root: Path, ref: str, folder: str = "cases") -> dict[str, bytes]:
    """Every regular file under `folder` at `ref`, by path relative to `root` (links and
    others left out)."""
    commit = merge_base(root, ref) if ref != "HEAD" else "HEAD"
    top = Path(_git(root, "rev-parse", "--show-toplevel").decode().strip())
    data = _git(top, "archive", "--format=tar", f"{commit}:{prefix(root)}", "--", folder)
    if len(data) > MAX_TREE_BYTES:
        raise UsageError(f"{folder}/ at {ref} is larger than {MAX_TREE_BYTES} bytes")
    files: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        for member in tar.getmembers():
            if member.isfile():
                extracted = tar.extractfile(member)
                if extracted is not None:
                    files[member.name] = extracted.read()
    return files


def file_at(root: Path, ref: str, path: str) -> bytes | None:
    """The file at `path` (relative to `root`) as it is where the branch left `ref`; None
    when it did not exist there."""
    commit = merge_base(root, ref)
    try:
        return _git(root, "show", f"{commit}:{prefix(root)}{path}")
    except GitError:
        return None


def write_tree(files: dict[str, bytes], target: Path) -> None:
    """Write `files` under `target`, refusing any path that would leave it."""
    target = target.resolve()
    for name, content in files.items():
        path = (target / name).resolve()
        if not path.is_relative_to(target):
            raise UsageError(f"refusing path outside the tree: {name!r}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
