"""Corrections: what was taken back or contested, newest first, for the Corrections page and
its feed. A journalist citing a figure sees here everything that could move it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from generator.model.tracker import Tracker


class CorrectionKind(StrEnum):
    """What happened."""

    WITHDRAWN = "withdrawn"
    """The submitter withdrew the case: it is in no figure, and its text is no longer shown."""
    DISPUTED = "disputed"
    """The brand disputes a promise in a reply."""
    CLAIM_REJECTED = "claim-rejected"
    """The consumer rejects the brand's claim that a promise was kept."""


@dataclass(frozen=True)
class Correction:
    """One entry of the Corrections page."""

    kind: CorrectionKind
    day: dt.date
    """When: the withdrawal's closing day, the reply's date, or for a rejected claim the day
    the submitter last confirmed the case (a rejection carries no date of its own)."""
    case_id: str
    brand: str
    """The brand's slug."""
    promise: int | None
    """The promise's number (1-based), for disputes and rejected claims."""
    text: str | None
    """The stated reason: the submitter's, or the brand's for a dispute."""
    reply: int | None = None
    """For a dispute, the reply's position in the case (its anchor on the case page)."""


def corrections(data: Tracker) -> list[Correction]:
    """Every withdrawn case, disputed promise and rejected claim, newest first."""
    found: list[Correction] = []
    for case in data.cases:
        if case.is_withdrawn:
            day = case.closed_on or case.last_confirmed
            found.append(
                Correction(
                    CorrectionKind.WITHDRAWN,
                    day,
                    case.id,
                    case.brand,
                    None,
                    case.withdrawn_reason,
                )
            )
            continue
        for i, reply in enumerate(case.brand_reply):
            if reply.date > data.as_of:
                continue
            for position in reply.positions:
                if position.disputes is not None:
                    found.append(
                        Correction(
                            CorrectionKind.DISPUTED,
                            reply.date,
                            case.id,
                            case.brand,
                            position.promise,
                            position.disputes,
                            i,
                        )
                    )
        claimed = {
            x.promise for r in case.brand_reply for x in r.positions if x.kept_on is not None
        }
        for promise in case.promises:
            if promise.claim_rejected is not None and promise.index + 1 in claimed:
                found.append(
                    Correction(
                        CorrectionKind.CLAIM_REJECTED,
                        case.last_confirmed,
                        case.id,
                        case.brand,
                        promise.index + 1,
                        promise.claim_rejected,
                    )
                )
    return sorted(found, key=lambda c: (c.day, c.case_id, c.promise or 0, c.kind), reverse=True)
