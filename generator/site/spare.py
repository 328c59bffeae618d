"""The site a build replaces, kept as the spare of the next one.

A build after a small change used to link every unchanged case and brand page, feed and
calendar (some 27,000 files at 10,000 cases) from the previous site into a new folder, and
then delete the previous site: 4.5 s of its 10.6 s, file system work alone. The replaced
site is now renamed `.<site>.spare` instead of deleted. The next build moves its data-page
folders into its new site (a rename each) and finds there, already, every file that the
site it replaces shares with it (same inode): those files stay as they are, and only the
others are linked or written anew. The site in place is never written to, so a failed
build still leaves it untouched; the spare is only a cache, safe to delete.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

DATA_TREES = ("cases", "brands", "feeds/cases", "calendars/cases")
"""The folders only data pages and each case's own files are written in (the site engine
builds nothing there once the shells are taken out, nor do the downloads)."""


def spare_of(site: Path) -> Path:
    """Where the site that `site` replaces is kept: beside it, hidden."""
    return site.with_name(f".{site.name}.spare")


def take_spare(spare: Path, site: Path) -> tuple[str, ...]:
    """Move the spare's data-page folders into the new `site` (where the engine left them
    empty or absent), remove the rest of the spare, and return the folders moved."""
    moved: list[str] = []
    if spare.is_dir() and not spare.is_symlink():
        for tree in DATA_TREES:
            source, target = spare / tree, site / tree
            if not source.is_dir() or source.is_symlink():
                continue
            with contextlib.suppress(OSError):
                target.rmdir()  # the engine's folder, emptied of its shell
            if target.exists():  # the engine built something there: leave the spare's
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                source.rename(target)
            except OSError:
                continue
            moved.append(tree)
    remove(spare)
    return tuple(moved)


def remove_stale(site: Path, trees: Iterable[str], kept: set[str]) -> int:
    """Delete the files of the moved `trees` that this build did not keep or write (a
    deleted case's page, a closed case's calendar) and the folders left empty; returns how
    many files went."""
    return sum(_remove_stale(f"{site}/", tree, kept)[0] for tree in trees)


def _remove_stale(site: str, relative: str, kept: set[str]) -> tuple[int, bool]:
    """(files removed, whether anything is left) under `relative`."""
    removed, left = 0, False
    with os.scandir(site + relative) as entries:
        for entry in entries:
            name = f"{relative}/{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                gone, stays = _remove_stale(site, name, kept)
                removed += gone
                if stays:
                    left = True
                else:
                    try:
                        os.rmdir(entry.path)
                    except OSError:  # something came in meanwhile: it stays
                        left = True
            elif name in kept:
                left = True
            else:
                os.unlink(entry.path)
                removed += 1
    return removed, left


def keep_as_spare(old: Path, spare: Path) -> bool:
    """Keep the replaced site as the next build's spare; delete it where it cannot be
    (returns False then)."""
    remove(spare)
    try:
        old.rename(spare)
    except OSError:
        remove(old)
        return False
    return True


def remove(folder: Path) -> None:
    """Delete a folder (a link or file in its place too), if there."""
    if folder.is_symlink() or folder.is_file():
        folder.unlink()
    else:
        shutil.rmtree(folder, ignore_errors=True)
