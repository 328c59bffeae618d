"""Read one file strictly: bounded, without following links, parsed and schema-checked."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from generator.load import schema, yamlsafe
from generator.load.discover import display
from generator.load.problems import Code, Problem


@dataclass(frozen=True)
class Read:
    """A file read and checked against its schema."""

    doc: yamlsafe.Document | None
    """The document, when it is well-formed and matches the schema."""
    problems: list[Problem]
    raw: bytes = b""
    stat: os.stat_result | None = None
    partial: yamlsafe.Document | None = None
    """The document, with positions, when it parsed but broke the schema: the other rules
    still run on it, so that one run reports every problem of the file."""


def read_document(path: Path, root: Path, schema_name: str) -> Read:
    """Read, parse and schema-validate one file: the document, or every problem with it."""
    name = display(path, root)

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        unreadable = f"cannot be read: {exc.strerror}"
        return Read(None, [Problem(name, 1, 1, "", unreadable, Code.FILE_UNREADABLE)])
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(handle.fileno())
        if st.st_size > yamlsafe.MAX_BYTES:  # refuse before reading: the limit bounds memory
            return Read(None, [yamlsafe.too_big(st.st_size).at(name)])
        raw = handle.read(yamlsafe.MAX_BYTES + 1)
    return read_bytes(raw, name, schema_name, st)


def read_bytes(raw: bytes, name: str, schema_name: str, st: os.stat_result | None = None) -> Read:
    """Parse and schema-validate the bytes of a file shown as `name` (a file's, or text made
    in memory, like a case drafted from an issue)."""
    text, error = yamlsafe.decode(raw)
    if error:
        return Read(None, [error.at(name)])
    doc, errors = yamlsafe.parse(text, positions=False)
    if errors:
        return Read(None, [e.at(name) for e in errors])
    if not isinstance(doc.data, dict):
        got = schema.describe(doc.data)
        message = f"expected a mapping of fields, got {got}"
        return Read(None, [Problem(name, 1, 1, "", message, Code.SCHEMA_NOT_MAPPING)])
    errors = schema.validate(doc, schema_name)
    if errors:  # rare: parse again, this time recording where each value is
        doc, _ = yamlsafe.parse(text)
        errors = schema.validate(doc, schema_name)
        return Read(None, [e.at(name) for e in errors], raw, st, partial=doc)
    return Read(doc, [], raw, st)
