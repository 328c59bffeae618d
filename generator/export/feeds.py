"""Atom feed entries: what happened to each case (it entered the tracker, a promise fell
overdue or was kept, the brand replied, the case closed), newest first.

Every date derives from the data and the as-of day, never from the clock, so the same data
and day give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from generator.export.publisher import Publisher
from generator.model.corrections import CorrectionKind, corrections
from generator.model.statuses import Status
from generator.model.tracker import Tracker
from generator.model.values import Case

FEED_ENTRIES = 50


@dataclass(frozen=True)
class FeedEntry:
    """One Atom entry: something that happened to a case, on a day."""

    id: str
    """A tag URI, stable across builds."""
    day: dt.date
    """When it happened: the day the case entered the tracker (from git), a promise fell
    overdue (the day after its due day), was kept, the case closed, the brand replied."""
    title: str
    path: str
    """Page URL relative to the site root, with the anchor of what it is about."""
    brand: str
    summary: str = ""
    """What happened, in a sentence or two (plain text)."""
    case: str = ""
    """The case's id, for its own feed."""


def case_events(data: Tracker, by: Publisher, case: Case, added: dt.date | None) -> list[FeedEntry]:
    """Everything that happened to `case` up to the as-of day, each an entry: it entered
    the tracker (on `added`, the day git first recorded its file, else its opening day),
    each promise fell overdue or was kept, the brand replied, the case closed."""
    lang = by.language
    brand = data.brands[case.brand].name
    page = f"cases/{case.id}/"
    last = data.as_of
    events = []

    def event(kind: str, day: dt.date, title: str, summary: str, anchor: str = "", n: int = 0):
        if day <= last:
            parts = ("event", case.id, kind) + ((str(n),) if n else ())
            events.append(
                FeedEntry(by.tag(*parts), day, title, page + anchor, case.brand, summary, case.id)
            )

    promises = len(case.promises)
    event(
        "added",
        min(added or case.opened_on, last),
        lang.text("New case: %(title)s", title=case.title),
        lang.plural(
            "%(brand)s: %(num)s promise, first complained about on %(date)s.",
            "%(brand)s: %(num)s promises, first complained about on %(date)s.",
            promises,
            brand=brand,
            date=lang.date(case.opened_on),
        ),
    )
    for s in data.statuses[case.id]:
        promise = case.promises[s.index]
        kind = lang.word("kind", s.kind)
        anchor = f"#promise-{s.index + 1}"
        if (
            s.due is not None
            and s.status
            in (Status.OVERDUE, Status.UNCONFIRMED, Status.BROKEN, Status.KEPT_LATE, Status.CLAIMED)
            and (s.kept_on is None or s.kept_on > s.due)
        ):
            event(
                "overdue",
                s.due + dt.timedelta(days=1),
                lang.text(
                    "Overdue: %(brand)s's %(kind)s promise (%(case)s)",
                    kind=kind,
                    brand=brand,
                    case=case.title,
                )
                + (lang.gettext(" (disputed by the brand)") if s.disputed else ""),
                lang.text(
                    "Promised on %(made)s, due on %(due)s: not kept by then.",
                    made=lang.date(promise.made.day),
                    due=lang.date(s.due),
                ),
                anchor,
                s.index + 1,
            )
        if s.kept_on is not None and s.status in (Status.KEPT, Status.KEPT_LATE, Status.CLAIMED):
            word = (
                lang.gettext("says the brand")
                if s.status == Status.CLAIMED or s.kept_per == "brand"
                else lang.gettext("says the consumer")
            )
            event(
                "kept",
                s.kept_on,
                lang.text(
                    "Kept: %(brand)s's %(kind)s promise (%(case)s)",
                    kind=kind,
                    brand=brand,
                    case=case.title,
                ),
                lang.plural(
                    "Kept on %(date)s, %(num)s day late, %(who)s.",
                    "Kept on %(date)s, %(num)s days late, %(who)s.",
                    s.days or 0,
                    date=lang.date(s.kept_on),
                    who=word,
                )
                if (s.days or 0) > 0
                else lang.text(
                    "Kept on %(date)s, on time, %(who)s.", date=lang.date(s.kept_on), who=word
                ),
                anchor,
                s.index + 1,
            )
    for number, reply in enumerate(case.brand_reply, 1):
        event(
            "reply",
            reply.date,
            lang.text("%(brand)s replied: %(case)s", brand=brand, case=case.title),
            " ".join(reply.text.split())[:280],
            f"#reply-{number}",
            number,
        )
    if case.closed_on is not None and not case.is_withdrawn:
        event(
            "closed",
            case.closed_on,
            lang.text(
                "Case closed (%(status)s): %(case)s",
                status=lang.word("case_status", str(case.status)),
                case=case.title,
            ),
            lang.text(
                "%(brand)s · opened on %(date)s.", brand=brand, date=lang.date(case.opened_on)
            ),
        )
    return events


def newest(events: Iterable[list[FeedEntry]], limit: int | None = FEED_ENTRIES) -> list[FeedEntry]:
    """The newest `limit` of several cases' events, newest first (each case's events are
    made once per build, then shared by the site's, its brand's and its own feed)."""
    entries = [e for some in events for e in some]
    entries.sort(key=lambda e: (e.day, e.id), reverse=True)
    return entries[:limit]


def correction_entries(data: Tracker, by: Publisher) -> list[FeedEntry]:
    """The newest corrections: withdrawn cases, disputed promises and rejected claims."""
    lang = by.language
    entries = []
    for c in corrections(data):
        name = data.brands[c.brand].name
        if c.kind == CorrectionKind.WITHDRAWN:
            title = lang.text("Case %(case)s was withdrawn by its submitter.", case=c.case_id)
        elif c.kind == CorrectionKind.DISPUTED:
            title = lang.text(
                "%(brand)s disputes promise %(n)s of case %(case)s.",
                brand=name,
                n=c.promise,
                case=c.case_id,
            )
        else:
            title = lang.text(
                "The consumer rejects %(brand)s's claim that promise %(n)s of case %(case)s "
                "was kept.",
                brand=name,
                n=c.promise,
                case=c.case_id,
            )
        entries.append(
            FeedEntry(
                by.tag("correction", str(c.kind), c.case_id, str(c.promise or 0)),
                c.day,
                title,
                f"cases/{c.case_id}/",
                c.brand,
            )
        )
    return entries[:FEED_ENTRIES]
