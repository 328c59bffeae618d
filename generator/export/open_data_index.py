"""The open data index: what each case wrote into cases.json and promises.csv, so that a
rebuild takes an unchanged case's line and rows back from the site in place instead of
making them again (as the render index does for pages).

A case's line and rows depend on its file and on what decides statuses (the as-of day, the
settings, the generator's code), nothing else: the index is valid for one such key, and
records each case by its file and content digest. The site's files are trusted only when
their digest is the one recorded, so a site changed by hand, or a build that failed after
writing the index, means making every line again, never a wrong one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.export import opendata
from generator.load.cache import CACHE_DIR, LOG, read_index, relative_name, write_index
from generator.model.tracker import Tracker
from generator.model.values import Case

INDEX = "open-data-index.json"
MAGIC = "unkept-open-data-index"
CASES_JSON = "data/cases.json"
PROMISES_CSV = "data/promises.csv"


def statuses_key(data: Tracker) -> str:
    """What decides every case's statuses besides the case itself (the generator's code is
    the index file's own key)."""
    decided = (data.as_of.isoformat(), data.stale_days, data.confirm_days, data.deadlines)
    return hashlib.blake2b(repr(decided).encode(), digest_size=16).hexdigest()


def case_key(case: Case) -> str:
    """The case's file and content digest; empty for a case not read from a file."""
    return f"{case.file}\0{case.digest}" if case.digest else ""


def _hash(content: bytes = b"") -> Any:
    """The files' hash: fed whole when reading, in parts when writing."""
    return hashlib.blake2b(content, digest_size=20)


def _digest(content: bytes) -> str:
    return _hash(content).hexdigest()


@dataclass
class OpenDataIndex:
    """The previous build's lines and rows that can be trusted, and this build's record."""

    path: Path
    key: str
    lines: dict[str, str] = field(default_factory=dict)
    """Each trusted case's line of the previous cases.json, by case id."""
    rows: dict[str, str] = field(default_factory=dict)
    """Each trusted case's rows of the previous promises.csv, by case id."""
    cases: dict[str, list[Any]] = field(default_factory=dict)
    """This build's record: by case id, `[case key, rows' start, rows' end]`."""
    files: dict[str, str] = field(default_factory=dict)
    """This build's files, by path: their digest."""
    reused: int = 0
    """Cases whose line and rows were taken back."""
    _at: int = field(default=0, init=False, repr=False)
    """Where the next case's rows start in the promises.csv being made."""

    @classmethod
    def load(cls, root: Path, site: Path, data: Tracker) -> OpenDataIndex:
        """The index of the site in place, with what of it is still true for `data`."""
        index = cls(root / CACHE_DIR / INDEX, statuses_key(data))
        entries, _, _ = read_index(index.path, MAGIC)
        recorded, files = entries.get("cases"), entries.get("files")
        if entries.get("key") != index.key or not isinstance(recorded, dict):
            return index
        if not isinstance(files, dict):
            return index
        try:
            # As bytes: reading text would turn the CSV's CRLF into LF.
            json_bytes = (site / CASES_JSON).read_bytes()
            csv_bytes = (site / PROMISES_CSV).read_bytes()
        except OSError:
            return index
        if files.get(CASES_JSON) != _digest(json_bytes):
            return index
        if files.get(PROMISES_CSV) != _digest(csv_bytes):
            return index
        json_text, csv_text = json_bytes.decode(), csv_bytes.decode()  # ours: UTF-8
        wanted = {c.id: case_key(c) for c in data.cases}
        for line in json_text.split("\n")[2:-2]:  # the meta line and `"cases":[` first
            line = line.removesuffix(",")
            case_id = line[7 : line.find('"', 7)] if line.startswith('{"id":"') else ""
            row = recorded.get(case_id)
            if not wanted.get(case_id) or not isinstance(row, list) or len(row) != 3:
                continue
            if row[0] != wanted[case_id] or not 0 <= row[1] <= row[2] <= len(csv_text):
                continue
            index.lines[case_id] = line
            index.rows[case_id] = csv_text[row[1] : row[2]]
        return index

    def line_of(self, data: Tracker) -> Callable[[Case], str]:
        """`cases_json`'s source of lines: the previous build's, else made."""

        def line(case: Case) -> str:
            taken = self.lines.get(case.id)
            if taken is not None and case.id in self.rows:
                self.reused += 1
                return taken
            return opendata.case_line(case, data.statuses[case.id])

        return line

    def rows_of(self, data: Tracker) -> Callable[[Case], str]:
        """`promises_csv`'s source of rows: the previous build's, else made; records where
        each case's rows lie."""
        self._at = len(opendata.promises_header())

        def rows(case: Case) -> str:
            text = self.rows.get(case.id)
            if text is None or case.id not in self.lines:
                text = opendata.promise_rows(case, data.statuses[case.id])
            self.cases[case.id] = [case_key(case), self._at, self._at + len(text)]
            self._at += len(text)
            return text

        return rows

    @staticmethod
    def digest(relative: str) -> Any:
        """A hash to feed a file's bytes as they are written, if the index covers the file
        (else None)."""
        return _hash() if relative in (CASES_JSON, PROMISES_CSV) else None

    def wrote(self, relative: str, digest: str) -> None:
        """Record a file this build wrote, with its digest (from `digest`)."""
        self.files[relative] = digest

    def save(self) -> None:
        """Write this build's record (once both files were written); an index that cannot
        be written is a warning (the next build is only slower)."""
        if len(self.files) != 2:
            return
        cases = {k: v for k, v in self.cases.items() if v[0]}
        try:
            write_index(self.path, MAGIC, {"key": self.key, "files": self.files, "cases": cases})
        except OSError as exc:
            LOG.warning(
                "%s: %s; the open data index was not saved (the next build makes every "
                "case's open data again)",
                relative_name(exc.filename, self.path.parent.parent),
                exc.strerror or exc,
            )
