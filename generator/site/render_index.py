"""The render index: which data pages of the previous site are still right, so a build
renders only the pages whose inputs changed.

A page's key digests everything its body is made from: the generator's code, the site's
templates and strings, the build-wide values templates read (brands, archived links,
settings) and the page's own context (its case, statuses...). Bodies print the as-of date
and the data's commit as stamps (`STAMPS`), whose places the index records, so a new commit
alone re-renders nothing (`data_pages.py`). A page file is reused only when its key matches
and the file is the one the index recorded (same size, times and inode; the kernel sets
ctime on every write, so an edit cannot hide). The index is deleted before the first page is
reused and written after the new site is in place, so an interrupted build leaves none and
the next one renders all.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from generator.load.cache import (
    CACHE_DIR,
    LOG,
    FileStamp,
    generator_key,
    read_index,
    relative_name,
    write_index,
)
from generator.model.values import Case

RENDER_INDEX = "render-index.json"
MAGIC = "unkept-render-index"
AS_OF_STAMP = "<!--unkept:as-of-->"
AS_OF_TEXT_STAMP = "<!--unkept:as-of-text-->"
COMMIT_STAMP = "<!--unkept:commit-->"
STAMPS = {"as_of": AS_OF_STAMP, "as_of_text": AS_OF_TEXT_STAMP, "commit": COMMIT_STAMP}
"""Build-wide values printed as stamps in cacheable pages; contributor text is escaped, so it
can never contain one (it has no raw `<`)."""


def stamped(text: str, *, as_of: str, as_of_text: str, commit: str) -> str:
    """`text` with its stamps replaced by the build's values (what the theme does)."""
    return (
        text.replace(AS_OF_STAMP, as_of)
        .replace(AS_OF_TEXT_STAMP, as_of_text)
        .replace(COMMIT_STAMP, commit)
    )


def build_key(templates: Path, values: Mapping[str, Any]) -> str:
    """A digest of what every page may read: code, template files, build-wide values."""
    h = hashlib.blake2b(generator_key().encode(), digest_size=20)
    for path in sorted(p for p in templates.rglob("*") if p.is_file()):
        h.update(path.relative_to(templates).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    h.update(fingerprint(dict(sorted(values.items()))).encode())
    return h.hexdigest()


def fingerprint(value: Any) -> str:
    """A canonical text for a value: equal texts mean equal values.

    A case read from a file is its path and content digest (the code that reads it is in
    the build key); other values are their `repr`, which for the frozen dataclasses, tuples,
    dates and strings of a page context spells out every field, in a fixed order.
    """
    if isinstance(value, Case) and value.digest:
        return f"Case({value.file!r}, {value.digest})"
    if isinstance(value, list | tuple):
        return "(" + ", ".join(map(fingerprint, value)) + ")"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {fingerprint(v)}" for k, v in value.items()) + "}"
    return repr(value)


def page_key(build: str, identity: tuple, context: Mapping[str, Any]) -> str:
    """A digest of one page's inputs; equal keys mean byte-identical page files."""
    h = hashlib.blake2b(build.encode(), digest_size=20)
    h.update(repr(identity).encode())
    h.update(fingerprint(dict(context)).encode())
    return h.hexdigest()


class Rendered(NamedTuple):
    """A page file as the build wrote it: one row of the render index (a flat JSON list)."""

    key: str
    """The page's key when written."""
    stamp: FileStamp

    @classmethod
    def of(cls, key: str, path: str | Path) -> Rendered:
        return cls(key, FileStamp.of(os.stat(path)))

    def row(self) -> list:
        """`[key, size, mtime_ns, ctime_ns, ino]`."""
        return [self.key, *self.stamp]


@dataclass
class RenderIndex:
    """Page files in docs/ by path, loaded from `.unkept-cache/render-index.json`."""

    path: Path
    entries: dict[str, list]
    ignored: str | None = None
    """Why an existing index was not used (corrupted, foreign...)."""

    @classmethod
    def load(cls, root: Path) -> RenderIndex:
        path = root / CACHE_DIR / RENDER_INDEX
        entries, _, ignored = read_index(path, MAGIC)
        return cls(path, entries, ignored)

    def fresh(self, relative: str, key: str, folder: str | Path) -> bool:
        """Whether `folder`/`relative` is the file rendered for `key`, untouched since."""
        row = self.entries.get(relative)
        if not row or row[0] != key:
            return False
        try:
            return list(FileStamp.of(os.stat(f"{folder}/{relative}"))) == row[1:5]
        except OSError:
            return False

    def discard(self) -> None:
        """Remove the index from disk before a page is reused (it stays in memory); where the
        cache folder cannot be (a file in its place), there is nothing to remove."""
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            self.path.unlink()

    def save(self, rows: Iterable[tuple[str, list]]) -> None:
        """Record the page files of a build that wrote or kept every one of them; an index
        that cannot be written is a warning (the next build renders every page)."""
        try:
            write_index(self.path, MAGIC, dict(rows))
        except OSError as exc:
            LOG.warning(
                "%s: %s; the render index was not saved (the next build renders every page)",
                relative_name(exc.filename, self.path.parent.parent),
                exc.strerror or exc,
            )
