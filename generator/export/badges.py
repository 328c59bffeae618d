"""Overdue-count badges: their colour, and the shields.io endpoint JSON."""

from __future__ import annotations

import json

BADGE_COLOURS = ((0, "brightgreen"), (1, "orange"), (5, "red"))


def badge_colour(overdue: int) -> str:
    """Green with none overdue, orange from one, red from five."""
    colour = BADGE_COLOURS[0][1]
    for threshold, name in BADGE_COLOURS:
        if overdue >= threshold:
            colour = name
    return colour


def badge_endpoint(label: str, message: str, overdue: int) -> str:
    """shields.io endpoint JSON for a brand's badge."""
    return (
        json.dumps(
            {
                "schemaVersion": 1,
                "label": label,
                "message": message,
                "color": badge_colour(overdue),
            },
            ensure_ascii=False,
        )
        + "\n"
    )
