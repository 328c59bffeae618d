"""Typographic rules of a language, applied to the interface's own text only: what a
contributor wrote is never rewritten."""

from __future__ import annotations

import re
from collections.abc import Callable

NNBSP = "\u202f"
"""Narrow no-break space: before ; ? ! and inside « » in French."""
NBSP = "\u00a0"
"""No-break space: before a colon in French."""

_BEFORE_TALL = re.compile(r"[ \u00a0\u202f]+([;?!»])")
_BEFORE_COLON = re.compile(r"[ \u00a0\u202f]+:(?=\s|$|<)")
_AFTER_GUILLEMET = re.compile(r"«[ \u00a0\u202f]+")


def french(text: str) -> str:
    """No line break before `: ; ? ! »` or after `«` (Imprimerie nationale's spaces).

    Only a space already written there is replaced, so URLs and times (`https://`,
    `18:40`) are untouched."""
    text = _BEFORE_TALL.sub(NNBSP + r"\1", text)
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    return _AFTER_GUILLEMET.sub("«" + NNBSP, text)


def plain(text: str) -> str:
    """Languages whose punctuation takes no space before it."""
    return text


RULES: dict[str, Callable[[str], str]] = {"fr": french}
"""Typography by language (the part of the locale before `_`); others print as written."""


def for_language(language: str) -> Callable[[str], str]:
    """The typographic rule of `language` (`fr`, `fr_CA`), else none."""
    return RULES.get(language.split("_")[0], plain)
