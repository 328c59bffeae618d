"""Text from contributors, shown literally in Markdown that unkept writes (a job summary, a
comment on an issue): no link, image, HTML, table cell or mention can come from it."""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def escape(text: str) -> str:
    """`text` as Markdown shows it: punctuation escaped, line breaks as spaces, and no
    @mention (a word joiner after each @)."""
    one_line = " ".join(text.split())
    return _SPECIAL.sub(r"\\\1", one_line).replace("@", "@\u2060")
