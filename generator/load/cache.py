"""The validation cache: which case files were valid, so `unkept check` re-reads only changes.

An entry records a file's size, times, inode and content digest, and the latest date in it.
A file counts as still valid only when its stat matches (and was not "racy": written too
close to the cache itself, as git does) or, failing that, when its content digest matches.
The cache is keyed by a digest of the generator's code and schemas, carries a checksum, and
is JSON, never pickle: a corrupted or foreign cache (even one planted through a CI cache) is
detected and ignored, never trusted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import itertools
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from generator import FORMAT_VERSION, __version__
from generator.atomic import write_atomic

LOG = logging.getLogger("unkept")

WRITTEN_HERE_NS = 5 * 10**9
"""How far a cache file's change time may lie from the write time in its header for it to
count as written by this checkout (5 s)."""
"""Warnings for the person running unkept (the command line shows them on stderr)."""


def relative_name(name: object, root: Path) -> str:
    """A file named in a warning, relative to the project root when it lies inside it."""
    try:
        return Path(str(name)).relative_to(root).as_posix()
    except ValueError:
        return str(name)


CACHE_DIR = ".unkept-cache"
CHECK_INDEX = "check-index.json"
DOCS = "docs.jsonl"
"""Validated data of valid case files by content digest, for builds: one file, read and
written whole (one read instead of one per case), a line per case (`<digest> <JSON>`), so
that each case's data stays one string until a build uses it."""
DOCS_MAGIC = "unkept-case-data"
MAGIC = "unkept-check-cache"
BOUND = ":context:"
"""Prefix of the entries that record what a folder's entries were valid in (never a path)."""
RACY_NS = 2_000_000_000
"""Files changed less than this before the cache was written are re-hashed."""


@cache
def generator_key() -> str:
    """A digest of everything that decides validity: the code, the schemas, the versions."""
    return code_digest(Path(__file__).parent.parent)


def code_digest(package: Path) -> str:
    """A digest of every module of `package`, sub-packages included, and its schemas.

    Every stage is a sub-package: an edit anywhere in it must invalidate the caches.
    """
    h = hashlib.sha256(f"{MAGIC}:{FORMAT_VERSION}:{__version__}".encode())
    for path in sorted([*package.rglob("*.py"), *package.glob("schemas/*.json")]):
        h.update(path.relative_to(package).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def digest(raw: bytes) -> str:
    """Content digest of a file."""
    return hashlib.blake2b(raw, digest_size=20).hexdigest()


def read_index(path: Path, magic: str) -> tuple[dict[str, Any], int, str | None]:
    """The entries of an index file, when it is ours, of this generator, and intact.

    Returns (entries, write time in ns, why it was ignored); a missing file is simply empty.
    The file is a header line (JSON: magic, generator key, write time, checksum) and a body
    line (JSON: the entries); the checksum covers the body's exact bytes, so verifying it
    costs one hash, not a second serialisation.
    """
    return _read_verified(path, magic, json.loads)


def read_docs(path: Path) -> tuple[dict[str, str], int, str | None]:
    """The case data file's entries, each data still JSON text: verified as `read_index`
    verifies an index, its body a line per entry (`<digest> <JSON>`)."""

    def lines(body: bytes) -> dict[str, str]:
        entries = {}
        for line in body.decode("utf-8").splitlines():
            content_digest, space, text = line.partition(" ")
            if not space:
                raise ValueError("an entry without its data")
            entries[content_digest] = text
        return entries

    return _read_verified(path, DOCS_MAGIC, lines)


def _read_verified(
    path: Path, magic: str, entries_of: Callable[[bytes], Any]
) -> tuple[dict[str, Any], int, str | None]:
    if not path.exists():
        return {}, 0, None
    try:
        head, _, body = path.read_bytes().partition(b"\n")
        header = json.loads(head)
        if header.get("magic") != magic:
            return {}, 0, "not an unkept cache"
        if header.get("key") != generator_key():
            return {}, 0, "made by another version of unkept"
        if header.get("checksum") != hashlib.sha256(body).hexdigest():
            return {}, 0, "corrupted (checksum mismatch)"
        entries = entries_of(body)
        if not isinstance(entries, dict):
            raise TypeError("entries")
        return entries, int(header["written_ns"]), None
    except (ValueError, KeyError, TypeError, OSError, AttributeError) as exc:
        return {}, 0, f"unreadable ({type(exc).__name__})"


def write_index(path: Path, magic: str, entries: Mapping[str, Any]) -> None:
    """Write an index file atomically, in the format `read_index` verifies."""
    body = json.dumps(entries, separators=(",", ":"), sort_keys=True).encode()
    _write_verified(path, magic, lambda: (body,))


def write_docs(path: Path, entries: Mapping[str, str]) -> None:
    """Write the case data file atomically, in the format `read_docs` verifies: the entries
    sorted by digest, so the same data gives the same bytes.

    The body is made in parts, twice (for its checksum, then for the file), never whole:
    at 100,000 cases it is 150 MB, and joining it took 450 MB at once.
    """
    order = sorted(entries)

    def body() -> Iterator[bytes]:
        for start in range(0, len(order), DOCS_PER_PART):
            part = order[start : start + DOCS_PER_PART]
            yield "".join(f"{d} {entries[d]}\n" for d in part).encode()

    _write_verified(path, DOCS_MAGIC, body)


DOCS_PER_PART = 1000
"""Case data file lines encoded at a time."""


def doc_text(data: dict) -> str:
    """A case's validated data as the case data file keeps it: compact JSON on one line
    (JSON escapes line breaks inside text)."""
    return json.dumps(data, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def doc_data(text: str) -> dict | None:
    """The data `doc_text` wrote, or None when the text is not a mapping."""
    try:
        data = json.loads(text)
    except (ValueError, TypeError):
        return None
    return data if isinstance(data, dict) else None


def _write_verified(path: Path, magic: str, parts: Callable[[], Iterable[bytes]]) -> None:
    """Write a header (with the body's checksum) and the body, whose parts `parts` gives
    (called twice: for the checksum, then for the file)."""
    checksum = hashlib.sha256()
    for part in parts():
        checksum.update(part)
    header = json.dumps(
        {
            "magic": magic,
            "key": generator_key(),
            "written_ns": time.time_ns(),
            "checksum": checksum.hexdigest(),
        }
    ).encode()
    write_atomic(path, itertools.chain((header, b"\n"), parts()))


class FileStamp(NamedTuple):
    """What the kernel says of a file. The kernel sets ctime on every write, so a file whose
    stamp is unchanged was not written (git's racy-file caveat aside, see `RACY_NS`)."""

    size: int
    mtime_ns: int
    ctime_ns: int
    ino: int

    @classmethod
    def of(cls, st: os.stat_result) -> FileStamp:
        return cls(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class Entry(NamedTuple):
    """A case file found valid: one row of the check index (stored as a flat JSON list)."""

    stamp: FileStamp
    digest: str
    """Content digest."""
    latest: str
    """The latest date the file records: valid only for as-of days on or after it."""

    def row(self) -> list[Any]:
        """`[size, mtime_ns, ctime_ns, ino, digest, latest]`."""
        return [*self.stamp, self.digest, self.latest]

    @classmethod
    def from_row(cls, row: Any) -> Entry | None:
        """The entry a row holds, or None when the row is not one."""
        if not isinstance(row, list) or len(row) != 6:
            return None
        return cls(FileStamp(*row[:4]), row[4], row[5])


@functools.lru_cache(maxsize=8)
def _iso(day: dt.date) -> str:
    return day.isoformat()


@dataclass
class CheckCache:
    """The index of valid files, loaded from and saved to `.unkept-cache/check-index.json`.

    Its format is `read_index`'s. Entries stay plain lists until used.
    """

    path: Path
    entries: dict[str, list]
    written_ns: int
    ignored: str | None = None
    """Why an existing cache file was not used (corrupted, foreign...)."""
    changed: bool = False
    docs_changed: bool = False

    @classmethod
    def load(cls, root: Path) -> CheckCache:
        path = root / CACHE_DIR / CHECK_INDEX
        entries, written_ns, ignored = read_index(path, MAGIC)
        return cls(path, entries, written_ns, ignored)

    def is_valid(self, relative: str, path: str | Path, as_of: dt.date) -> bool:
        """Whether the file is unchanged since it was found valid (re-hashing if in doubt)."""
        raw = self.entries.get(relative)
        if not isinstance(raw, list) or len(raw) != 6:
            return False
        # An Entry's row, unpacked without building one: this runs for every file of a check.
        size, mtime_ns, ctime_ns, ino, content_digest, latest = raw
        if not isinstance(latest, str) or latest > _iso(as_of):
            return False
        try:
            st = os.lstat(path)
        except OSError:
            return False
        if (
            st.st_mtime_ns == mtime_ns
            and st.st_size == size
            and st.st_ctime_ns == ctime_ns
            and st.st_ino == ino
            and st.st_mtime_ns < self.written_ns - RACY_NS
        ):
            return True
        if st.st_size != size:
            return False
        try:
            with open(path, "rb") as handle:
                same = digest(handle.read()) == content_digest
        except OSError:
            return False
        if same:  # content unchanged (a fresh clone, a touch): refresh the stat
            self.record(relative, Entry(FileStamp.of(st), content_digest, latest))
        return same

    def digest_of(self, relative: str) -> str | None:
        """The content digest of a file that `is_valid` just confirmed."""
        entry = Entry.from_row(self.entries.get(relative))
        return entry.digest if entry else None

    @functools.cached_property
    def docs(self) -> dict[str, str]:
        """Validated data by content digest, as JSON text (`doc_text`)."""
        path = self.path.parent / DOCS
        docs, written_ns, _ = read_docs(path)
        try:
            changed_ns = os.stat(path).st_ctime_ns
        except OSError:
            changed_ns = written_ns
        # Written by this checkout, the file changed when its header says; restored from
        # elsewhere (a CI cache) or forged, later: its entries are then checked again.
        self.docs_trusted = not docs or abs(changed_ns - written_ns) <= WRITTEN_HERE_NS
        if not self.docs_trusted:
            self.docs_changed = True  # saved again once checked, so the next run trusts it
        return docs

    docs_trusted: bool = True
    """Whether the cached data was written here; if not, each entry is checked before use."""

    def load_doc(self, content_digest: str) -> dict | None:
        """The validated data of the file with this digest, if cached and intact."""
        found = self.docs.get(content_digest)
        return doc_data(found) if isinstance(found, str) else None

    def drop_doc(self, content_digest: str) -> None:
        """Forget cached data found wrong: the file is read again, and its data kept anew."""
        if self.docs.pop(content_digest, None) is not None:
            self.docs_changed = True

    def keep_doc(self, content_digest: str, text: str) -> None:
        """Keep the validated data of a valid file (`doc_text`) for the next build
        (content-addressed)."""
        if content_digest not in self.docs:
            self.docs[content_digest] = text
            self.docs_changed = True

    def record(self, relative: str, entry: Entry) -> None:
        row = entry.row()
        if self.entries.get(relative) != row:
            self.entries[relative] = row
            self.changed = True

    def forget(self, relative: str) -> None:
        if self.entries.pop(relative, None) is not None:
            self.changed = True

    def bind(self, folder: str, context: str) -> None:
        """Forget the entries under `folder` when the `context` they were valid in changed.

        A case's validity depends on its brand's file (its public contacts are not personal
        data), which the entries do not cover: the brand's context is kept beside them.
        """
        key = BOUND + folder
        if self.entries.get(key) == [context]:
            return
        for relative in [r for r in self.entries if r.startswith(folder)]:
            self.forget(relative)
        self.entries[key] = [context]
        self.changed = True

    def keep_only(self, relatives: set[str]) -> None:
        """Forget files that no longer exist (deleted or renamed)."""
        for gone in set(self.entries) - relatives:
            if not gone.startswith(BOUND):
                self.forget(gone)

    def save(self) -> None:
        """Write the index (and the case data, for builds) atomically, when they changed; a
        cache that cannot be written is a warning (the next run is only slower)."""
        try:
            self._save()
        except OSError as exc:
            LOG.warning(
                "%s: %s; the validation cache was not saved (the next run reads every file again)",
                relative_name(exc.filename, self.path.parent.parent),
                exc.strerror or exc,
            )

    def _save(self) -> None:
        if self.docs_changed or ("docs" in self.__dict__ and self.changed):
            rows = (Entry.from_row(row) for row in self.entries.values())
            live = {entry.digest for entry in rows if entry}
            write_docs(
                self.path.parent / DOCS, {d: text for d, text in self.docs.items() if d in live}
            )
        shutil.rmtree(self.path.parent / "docs", ignore_errors=True)  # one file per case, before
        with contextlib.suppress(OSError):  # one JSON document, before
            (self.path.parent / "docs.json").unlink()
        if not self.changed and self.path.exists() and not self.ignored:
            return
        write_index(self.path, MAGIC, self.entries)
