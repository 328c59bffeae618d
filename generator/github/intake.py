"""What the new-case workflow says on an issue: one comment, kept up to date, and a label.

The comment lists every problem with the issue's answers (and the issue gets the
`needs-changes` label), or says the case is ready, or links its pull request. Editing the
issue runs the workflow again, which edits the same comment instead of adding another.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from generator.github.api import GitHub
from generator.i18n import Language
from generator.markdown import escape

MARKER = "<!-- unkept:from-issue -->"
"""Marks the workflow's own comment, so that a new run edits it."""
BOT = "github-actions[bot]"
"""Who writes that comment (a marker in anybody else's comment is ignored)."""
NEEDS_CHANGES = "needs-changes"


def problems_comment(answers: Sequence[str], lang: Language) -> str:
    """The comment listing what to fix."""
    items = "\n".join(f"- {escape(line)}" for line in answers)
    return (
        f"{MARKER}\n"
        + lang.gettext(
            "Thank you. Some answers cannot make a case yet. Edit this issue to fix them (the "
            "⋯ menu, then Edit): this comment is updated each time."
        )
        + "\n\n"
        + items
        + "\n"
    )


def ready_comment(lang: Language) -> str:
    return (
        f"{MARKER}\n"
        + lang.gettext(
            "Thank you: every answer can make a case. A maintainer will read it; once they add "
            "the label `accepted`, a pull request is opened and linked here."
        )
        + "\n"
    )


def proposed_comment(pull_url: str, lang: Language) -> str:
    link = pull_url if re.fullmatch(r"https://[\w./#-]+", pull_url) else "a pull request"
    return (
        f"{MARKER}\n"
        + lang.text(
            "Thank you: your case is ready for review in %(link)s. Once it is merged, it "
            "appears on the site after the next daily build.",
            link=link,
        )
        + "\n"
    )


def reply(api: GitHub, number: int, body: str, *, needs_changes: bool) -> None:
    """Say `body` on issue `number` (editing the workflow's earlier comment, if any) and set
    or clear its `needs-changes` label."""
    mine = [
        c
        for c in api.comments(number)
        if MARKER in str(c.get("body", "")) and (c.get("user") or {}).get("login") == BOT
    ]
    if mine and isinstance(mine[-1].get("id"), int):
        api.edit_comment(mine[-1]["id"], body)
    else:
        api.comment(number, body)
    if needs_changes:
        api.add_label(number, NEEDS_CHANGES)
    else:
        api.remove_label(number, NEEDS_CHANGES)
