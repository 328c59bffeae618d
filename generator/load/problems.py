"""Problems found in contributors' files, and how they are printed.

Every check returns problems instead of raising, so that one run reports all of them at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, at one place."""

    file: str
    """Path of the file, relative to the project root, with forward slashes."""
    line: int
    """1-based line of the offending value (1 when the whole file is at fault)."""
    column: int
    """1-based column of the offending value."""
    field: str
    """Where in the document: `promises[0].due`; empty when the whole file is at fault."""
    message: str
    """What was expected and what arrived."""

    def text(self) -> str:
        """`cases/acme/foo.yml:12:5: promises[0].due: expected ..., got 'soon'`."""
        where = f"{self.field}: " if self.field else ""
        return f"{self.file}:{self.line}:{self.column}: {where}{self.message}"

    def github(self) -> str:
        """A GitHub Actions workflow command, shown as an annotation on the line."""
        where = f"{self.field}: " if self.field else ""
        body = _escape_data(f"{where}{self.message}")
        file = _escape_property(self.file)
        return f"::error file={file},line={self.line},col={self.column}::{body}"


def _escape_data(value: str) -> str:
    # Workflow commands treat %, CR and LF specially in the message part.
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Deterministic order: by file, then position, then message."""
    return sorted(set(problems))


def render_problems(problems: list[Problem], fmt: str) -> str:
    """Format problems as `text`, `github` annotations or `json`."""
    if fmt == "json":
        return json.dumps([asdict(p) for p in problems], indent=2, ensure_ascii=False)
    if fmt == "github":
        return "\n".join(p.github() for p in problems)
    return "\n".join(p.text() for p in problems)
