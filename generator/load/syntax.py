"""YAML syntax errors in plain words, at the line where the mistake is.

The parser reports where it gave up, in its own terms ("did not find expected key"): an
unclosed quote on line 2 is reported at line 18, where the next quote happens to close it.
This module looks at the text for the usual mistakes (a quote left open, text after a closing
quote, a colon inside unquoted text, a line indented out of step, a tab) and names them where
they are; anything else keeps the parser's words and position.
"""

from __future__ import annotations

import re
from typing import Any

_VALUE = re.compile(r"^(?P<indent> *)(?:- +)*(?:(?P<key>[^\s#'\"][^:#]*?):(?: +|$))?(?P<value>.*)$")


def _quoted(line: str) -> tuple[int, str, int | None] | None:
    """For a line whose value starts with a quote: where it starts, the quote, and where the
    value ends (None when the quote is not closed on the line)."""
    match = _VALUE.match(line)
    if not match or match["value"][:1] not in ("'", '"'):
        return None
    value, start = match["value"], match.start("value")
    quote = value[0]
    i = 1
    while i < len(value):
        if quote == '"' and value[i] == "\\":
            i += 2
            continue
        if value[i] == quote:
            if quote == "'" and value[i + 1 : i + 2] == "'":  # '' is a quote inside '...'
                i += 2
                continue
            return start, quote, start + i + 1
        i += 1
    return start, quote, None


def _open_quote(line: str) -> tuple[int, str] | None:
    """Where a quoted value starts on `line` without closing on it, if it does."""
    quoted = _quoted(line)
    return (quoted[0], quoted[1]) if quoted and quoted[2] is None else None


def _text_after_quote(line: str) -> int | None:
    """Where text follows a value's closing quote on `line` (`"Sorry" he said`), if it does."""
    quoted = _quoted(line)
    if not quoted or quoted[2] is None:
        return None
    rest = line[quoted[2] :]
    stripped = rest.lstrip()
    if stripped and not stripped.startswith(("#", ",")):
        return quoted[2] + len(rest) - len(stripped)
    return None


def explain(text: str, error: Any) -> tuple[int, int, str]:
    """(line, column, message) for the parser's `error` on `text`, in plain words."""
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    lines = text.split("\n")
    problem = error.problem or ""
    for n, content in enumerate(lines[:line], start=1):
        if content.lstrip().startswith("#"):
            continue
        opened = _open_quote(content)
        if opened and (n < line or "end of stream" in problem):
            at, quote = opened
            name = "double" if quote == '"' else "single"
            return (
                n,
                at + 1,
                f"this text opens a {name} quote ({quote}) that is not closed on its line; "
                f"add the closing {quote} at the end of the text",
            )
        after = _text_after_quote(content)
        if after is not None:
            return (
                n,
                after + 1,
                "text after the closing quote; put the whole text inside the quotes",
            )
    if "tab" in problem or "\t" in lines[line - 1][: max(column, 1)]:
        return line, column, "a tab character; indent with spaces only"
    current = lines[line - 1] if line - 1 < len(lines) else ""
    if "mapping values are not allowed" in problem:
        first_colon = current.find(": ") if ": " in current else current.find(":")
        if first_colon != column - 1:  # a colon inside the value
            return (
                line,
                column,
                'a colon followed by a space inside unquoted text; put the text in quotes ("...")',
            )
        return line, _indent(current) + 1, _out_of_step(lines, line)
    if "expected key" in problem or "expected '-'" in problem or "expected ':'" in problem:
        if "expected ':'" in problem and error.context_mark:
            line = error.context_mark.line + 1
            current = lines[line - 1]
            return (
                line,
                _indent(current) + 1,
                "a line that is not `field: value`; if it continues the text above, indent it "
                "under that field (after `|`)",
            )
        return line, _indent(current) + 1, _out_of_step(lines, line)
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        closing = "]" if "]" in problem else "}"
        start = error.context_mark
        where = (start.line + 1, start.column + 1) if start else (line, column)
        return (*where, f"a list opened here is not closed; add {closing} at its end")
    what = " ".join(x for x in (error.context, problem) if x)
    return line, column, f"expected valid YAML, but {what}"


def _spaces(n: int) -> str:
    return "1 space" if n == 1 else f"{n} spaces"


def _indent(content: str) -> int:
    return len(content) - len(content.lstrip(" "))


def _out_of_step(lines: list[str], line: int) -> str:
    """The message for a line indented out of step with the lines above it."""
    here = _indent(lines[line - 1])
    if lines[line - 1].lstrip().startswith("- "):
        return (
            "a list item (- ...) where a field is expected; indent it under the field whose "
            "list it belongs to"
        )
    for above in reversed(lines[: line - 1]):
        if above.strip() and not above.lstrip().startswith("#"):
            key = above.strip().split(":", 1)[0].lstrip("- ")
            there = _indent(above) + (len(above.lstrip()) - len(above.lstrip().lstrip("- ")))
            if here > there:
                return (
                    f"this line is indented more than `{key}:` above it ({_spaces(here)}, "
                    f"expected {there}); line it up with the field it belongs beside"
                )
            return (
                f"this line's indentation ({_spaces(here)}) matches none of the fields above "
                f"(`{key}:` has {there}); line it up with the field it belongs beside"
            )
    return "this line is indented, but nothing above it opens a field it could belong to"
