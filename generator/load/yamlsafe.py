"""A strict, bounded YAML reader that remembers where every value came from.

Contributors write YAML; editors read it as YAML 1.2 while PyYAML reads YAML 1.1. To avoid
surprises (`no` becoming false, `0123` an octal number, `1:30` the number 90), every plain
scalar that YAML 1.1 would read as anything but text must be written in one unambiguous form,
or else quoted. Anchors, aliases, tags, duplicate keys and oversized files are refused. The
result holds only JSON types (str, int, Decimal, bool, None, list, dict), so the same JSON
Schema that editors use can validate it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

import yaml

from generator.load import syntax
from generator.load.problems import Code, Problem

try:  # libyaml's C parser is about 8x faster; fall back where it was not compiled in.
    from yaml import CSafeLoader as _LibLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _LibLoader  # type: ignore[assignment]

RESOLVED_MAX = 20_000
"""Plain values whose implicit tag the loader keeps (about 2 MB at most)."""


class _Loader(_LibLoader):  # type: ignore[misc, valid-type]
    """libyaml's safe loader, with the implicit tag of each short plain value looked up once:
    cases repeat the same dates, kinds and numbers, and the resolver ran its regular
    expressions on each (parsing 3,000 cases: 0.31 s instead of 0.38 s). The loader has no
    path resolvers, so a plain value's tag depends on the value alone."""

    resolved: ClassVar[dict[str, str]] = {}
    """Each remembered value's tag, shared by every loader in the process."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and implicit[0] and len(value) <= 40:
            tag = self.resolved.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(self.resolved) < RESOLVED_MAX:
                    self.resolved[value] = tag
            return tag
        return super().resolve(kind, value, implicit)


MAX_BYTES = 256 * 1024
"""Largest file accepted; a real case is a few kilobytes."""

MAX_DEPTH = 16
"""Deepest nesting accepted; the case format needs four levels."""

Path = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2})?(?:Z|[+-][0-9]{2}:[0-9]{2})"
)


@dataclass(frozen=True)
class Document:
    """A parsed YAML document and the position of each value and key in it."""

    data: Any
    """The value, made only of JSON types."""
    positions: dict[Path, tuple[int, int]] = field(repr=False)
    """(line, column) of the value at each path."""
    key_positions: dict[Path, tuple[int, int]] = field(repr=False)
    """(line, column) of the key that introduces the value at each path."""

    def where(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Position of `path`, or of its nearest ancestor that exists."""
        table = self.key_positions if key else self.positions
        path = tuple(path)
        while path:
            if path in table:
                return table[path]
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (1, 1))


def format_path(path: Path) -> str:
    """`('promises', 0, 'due')` -> `promises[0].due`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            if not part.isprintable():  # a key with a line break or an escape sequence
                part = repr(part)
            out += f".{part}" if out else part
    return out


def too_big(size: int) -> Problem:
    """The error for a file of `size` bytes, over the limit."""
    return Problem(
        "",
        1,
        1,
        "",
        f"file is {size} bytes; expected at most {MAX_BYTES} bytes (256 KiB)",
        Code.FILE_TOO_LARGE,
    )


def decode(raw: bytes) -> tuple[str | None, Problem | None]:
    """UTF-8 text of `raw`, or an error naming the line of the first bad byte."""
    if len(raw) > MAX_BYTES:
        return None, too_big(len(raw))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, Problem(
            "",
            line,
            column,
            "",
            f"expected UTF-8 text, got byte 0x{raw[exc.start]:02x} that is not valid UTF-8",
            Code.FILE_ENCODING,
        )
    return text.removeprefix("\ufeff"), None


def parse(text: str, *, positions: bool = True) -> tuple[Document | None, list[Problem]]:
    """Parse one YAML document strictly; return it, or every problem found.

    With `positions=False` the document records no positions (faster); callers parse again
    with positions only for the rare file that has a problem to point at.
    """
    if any(c in text for c in "&*!"):
        refused = _refuse_anchors_and_tags(text)
        if refused:
            return None, [refused]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_error(exc, text)]
    except yaml.reader.ReaderError as exc:  # a control character written as it is
        return None, [_unacceptable(text, exc)]
    except yaml.YAMLError as exc:
        return None, [Problem("", 1, 1, "", f"expected valid YAML: {exc}", Code.YAML_SYNTAX)]
    finally:
        loader.dispose()
    if node is None:
        return None, [
            Problem("", 1, 1, "", "file is empty; expected a YAML mapping", Code.YAML_EMPTY)
        ]
    builder = _Builder(track=positions)
    data = builder.build(node, (), 0)
    if builder.errors:
        return None, builder.errors
    return Document(data, builder.positions, builder.key_positions), []


def _unacceptable(text: str, exc: yaml.reader.ReaderError) -> Problem:
    """The character YAML refuses, where it is (the reader reports no line)."""
    found = _FORBIDDEN.search(text) or _UNPRINTABLE.search(text)
    at = found.start() if found else max(0, min(exc.position, len(text)))
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    code = ord(text[at]) if at < len(text) else exc.character
    return Problem(
        "",
        line,
        column,
        "",
        f"expected text, got the control character U+{code:04X}; XML feeds and calendars "
        "cannot carry it: remove it",
        Code.TEXT_CONTROL,
    )


_UNPRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
"""What YAML's reader refuses as it reads."""


def _mark(mark: Any) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def _syntax_error(exc: yaml.MarkedYAMLError, text: str = "") -> Problem:
    line, column, message = syntax.explain(text, exc)
    return Problem("", line, column, "", message, Code.YAML_SYNTAX)


def _refuse_anchors_and_tags(text: str) -> Problem | None:
    """Scan events (cheap, no tree) so a billion-laughs file fails at its first anchor."""
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line, column = _mark(event.start_mark)
                return Problem(
                    "",
                    line,
                    column,
                    "",
                    "anchors and aliases (& and *) are not "
                    "allowed; expected each value written out in full",
                    Code.YAML_ANCHOR,
                )
            if getattr(event, "tag", None) not in (None, "!"):
                line, column = _mark(event.start_mark)
                return Problem(
                    "",
                    line,
                    column,
                    "",
                    f"tags such as {event.tag!r} are not "
                    "allowed; expected plain values (quote text if needed)",
                    Code.YAML_TAG,
                )
    except yaml.MarkedYAMLError as exc:
        return _syntax_error(exc, text)
    except yaml.reader.ReaderError as exc:
        return _unacceptable(text, exc)
    return None


class _Builder:
    """Turns a composed YAML node tree into JSON values, recording positions and errors."""

    def __init__(self, *, track: bool = True) -> None:
        self.track = track
        self.positions: dict[Path, tuple[int, int]] = {}
        self.key_positions: dict[Path, tuple[int, int]] = {}
        self.errors: list[Problem] = []

    def fail(self, node: Any, path: Path, message: str, code: Code) -> None:
        line, column = _mark(node.start_mark)
        self.errors.append(Problem("", line, column, format_path(path), message, code))

    def build(self, node: Any, path: Path, depth: int) -> Any:
        if self.track:
            self.positions[path] = _mark(node.start_mark)
        if depth > MAX_DEPTH:
            self.fail(node, path, f"nested more than {MAX_DEPTH} levels deep", Code.YAML_DEPTH)
            return None
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        return self.scalar(node, path)

    def mapping(self, node: Any, path: Path, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        seen: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(
                    key_node,
                    path,
                    "expected a plain text key, got a list or mapping",
                    Code.YAML_KEY,
                )
                continue
            key = key_node.value
            child = (*path, key)
            if not key_node.style and key_node.tag != _TAG + "str":
                reads_as = _READS_AS.get(key_node.tag.removeprefix(_TAG), "something else")
                self.fail(
                    key_node,
                    child,
                    f"expected a field name, got {key!r}, which YAML 1.1 "
                    f"reads as {reads_as}; put it in quotes if it is meant",
                    Code.YAML_KEY,
                )
                continue
            if key in out:
                first = seen[key].start_mark.line + 1
                self.fail(
                    key_node,
                    child,
                    f"duplicate key; {key!r} was already given on line {first}",
                    Code.YAML_DUPLICATE_KEY,
                )
                continue
            seen[key] = key_node
            if self.track:
                self.key_positions[child] = _mark(key_node.start_mark)
            out[key] = self.build(value_node, child, depth + 1)
        return out

    def scalar(self, node: Any, path: Path) -> Any:
        value: str = node.value
        if node.style == '"':  # only its escapes (\x07, \uFFFE) can write a control character
            found = _FORBIDDEN.search(value)
            if found:
                self.fail(
                    node,
                    path,
                    f"expected text, got the control character U+{ord(found.group()):04X} at "
                    f"character {found.start() + 1}; XML feeds and calendars cannot carry it: "
                    "remove it",
                    Code.TEXT_CONTROL,
                )
                return _INVALID
        if node.style:  # quoted or block text is always text
            return value
        tag = node.tag.removeprefix(_TAG)
        if tag == "str":
            return value
        if tag == "bool":
            if value in ("true", "false"):
                return value == "true"
            return self.ambiguous(node, path, "true or false")
        if tag == "null":
            if value in ("", "~", "null"):
                return None
            return self.ambiguous(node, path, "null")
        if tag == "int":
            if _INT.fullmatch(value):
                return int(value)
            return self.ambiguous(node, path, "a plain decimal number like 12")
        if tag == "float":
            if _DECIMAL.fullmatch(value):
                return Decimal(value)
            return self.ambiguous(node, path, "a plain decimal like 12.50")
        if tag == "timestamp":
            if _ISO_DATE.fullmatch(value) or _ISO_DATETIME.fullmatch(value):
                return value
            return self.ambiguous(
                node,
                path,
                "an ISO 8601 date like 2026-01-31 or a date-time with its UTC offset like "
                "2026-01-31T09:30:00+01:00",
            )
        return self.ambiguous(node, path, "plain text")

    def ambiguous(self, node: Any, path: Path, expected: str) -> Any:
        reads_as = _READS_AS.get(node.tag.removeprefix(_TAG), "something else")
        self.fail(
            node,
            path,
            f"expected {expected} (or text in quotes), got {node.value!r}, "
            f"which YAML 1.1 reads as {reads_as}",
            Code.YAML_AMBIGUOUS,
        )
        return _INVALID


_READS_AS = {
    "bool": "a yes/no value",
    "null": "an empty value",
    "int": "a number",
    "float": "a number",
    "timestamp": "a date",
    "merge": "a merge key",
    "value": "a default-value key",
}

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 and RFC 5545 forbid in text (tab and line breaks aside)."""

_INVALID = object()
"""Stands for a scalar that was refused; its error is already recorded."""
