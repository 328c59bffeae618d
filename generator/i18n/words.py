"""The closed vocabularies of the case format (statuses, kinds, channels, categories) as a
reader reads them. Each word has a gettext context, since the same English word has several
translations ("other" kind and "other" channel, "kept" promise)."""

from __future__ import annotations

from collections.abc import Callable

VOCABULARIES: dict[str, dict[str, str]] = {
    "category": {
        "contact": "Contact",
        "returns-refunds": "Returns and refunds",
        "delivery": "Delivery",
        "product": "Product",
        "other": "Other",
    },
    "status": {
        "kept": "kept",
        "kept-late": "kept late",
        "claimed": "kept, says the brand",
        "pending": "pending",
        "overdue": "overdue",
        "unconfirmed": "unconfirmed",
        "broken": "broken",
        "moot": "moot",
        "withdrawn": "withdrawn",
    },
    "case_status": {
        "open": "open",
        "resolved": "resolved",
        "abandoned": "abandoned",
        "withdrawn": "withdrawn",
    },
    "kind": {
        "refund": "refund",
        "callback": "callback",
        "reply": "reply",
        "delivery": "delivery",
        "replacement": "replacement",
        "repair": "repair",
        "pickup": "pickup",
        "other": "other",
    },
    "channel": {
        "phone": "phone",
        "email": "e-mail",
        "web-form": "web form",
        "chat": "chat",
        "store": "store",
        "mail": "mail",
        "twitter": "Twitter",
        "facebook": "Facebook",
        "instagram": "Instagram",
        "forum": "forum",
        "other": "other",
    },
}
"""Vocabulary -> code -> English word; the vocabulary's name is the word's gettext context.
The catalogue's extractor reads this table (`make messages`)."""


def translated(pgettext: Callable[[str, str], str]) -> dict[str, dict[str, str]]:
    """Every vocabulary in the language `pgettext` translates to."""
    return {
        name: {code: pgettext(name, word) for code, word in words.items()}
        for name, words in VOCABULARIES.items()
    }
