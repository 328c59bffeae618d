"""The files readers download beside the pages: open data, feeds, calendars and badges.

They need nothing from MkDocs, and MkDocs nothing from them (pages link to them in HTML,
which MkDocs does not check), so the build writes them straight into the new site, in a
worker that runs while MkDocs builds the pages.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path

import jinja2

from generator.export import badges, calendars, feeds, opendata
from generator.export.publisher import Publisher
from generator.model.tracker import Tracker

DATA_FILES: dict[str, Callable[[Tracker, Publisher], str | bytes]] = {
    "data/cases.json": lambda data, by: opendata.cases_json(data),
    "data/promises.csv": lambda data, by: opendata.promises_csv(data),
    "data/brands.csv": lambda data, by: opendata.brands_csv(data.ranking),
    "data/datapackage.json": lambda data, by: opendata.datapackage(data, by),
}
"""The open data files and what makes each one."""


def write_downloads(
    folder: Path,
    data: Tracker,
    by: Publisher,
    *,
    env: jinja2.Environment,
    added: Mapping[str, dt.date] | None = None,
) -> list[str]:
    """Write every download under `folder`; returns their paths, relative to it."""
    written: list[str] = []

    def put(relative: str, content: str | bytes) -> None:
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        written.append(relative)

    for relative, make in DATA_FILES.items():
        put(relative, make(data, by))
    for relative, content in opendata.view_csvs(data).items():
        put(f"data/{relative}", content)
    write_feeds(put, data, by, env=env, added=added or {})
    return written


def write_feeds(
    put: Callable[[str, str | bytes], None],
    data: Tracker,
    by: Publisher,
    *,
    env: jinja2.Environment,
    added: Mapping[str, dt.date],
) -> None:
    """The site's feed and calendar, each brand's feed, calendar and badges, and each
    case's feed (and calendar while it is open)."""
    lang = by.language
    atom = env.get_template("files/atom.xml.j2")
    badge = env.get_template("files/badge.svg.j2")
    cases_by_brand: dict[str, list] = defaultdict(list)
    for case in data.cases:
        if not case.is_withdrawn:
            cases_by_brand[case.brand].append(case)
    events = {
        case.id: feeds.case_events(data, by, case, added.get(case.file))
        for cases in cases_by_brand.values()
        for case in cases
    }

    def feed(name: str, title: str, alternate: str, entries: list[feeds.FeedEntry]) -> None:
        """Write `feeds/<name>.xml`, whose id is the tracker's `feed` tag plus `:<name>`."""
        path = f"feeds/{name}.xml"
        put(
            path,
            atom.render(
                tracker=by.name,
                as_of=data.as_of.isoformat(),
                site_url=by.site_url,
                feed_id=by.tag("feed") if name == "atom" else by.tag("feed", *name.split("/")),
                title=title,
                self_path=path,
                alternate_path=alternate,
                entries=entries,
            ),
        )

    feed(
        "atom",
        lang.text("%(tracker)s: new cases and overdue promises", tracker=by.name),
        "",
        feeds.newest(events.values()),
    )
    feed(
        "corrections",
        lang.text("%(tracker)s: corrections", tracker=by.name),
        "corrections/",
        feeds.correction_entries(data, by),
    )
    open_cases = [c for c in data.cases if not c.is_withdrawn]
    ics = {c.id: calendars.case_events(data, c, by) for c in open_cases}
    put(
        f"calendars/{calendars.SITE_CALENDAR}.ics",
        calendars.calendar(
            data,
            open_cases,
            name=lang.gettext("Deadlines"),
            uid=calendars.SITE_CALENDAR,
            by=by,
            events=ics,
        ),
    )
    for case in open_cases:
        feed(
            f"cases/{case.id}",
            lang.text("%(tracker)s: %(case)s", tracker=by.name, case=case.title),
            f"cases/{case.id}/",
            feeds.newest([events[case.id]], limit=None),
        )
        if case.status != "open":  # a closed case has no deadline ahead
            continue
        put(
            f"calendars/cases/{case.id}.ics",
            calendars.calendar(data, [case], name=case.title, uid=case.id, by=by, events=ics),
        )
    rows = data.rows  # a property that builds the mapping: once, not once per brand
    label = by.name.casefold()
    for slug, brand in data.brands.items():
        row = rows[slug]
        feed(
            slug,
            lang.text("%(tracker)s: %(brand)s", tracker=by.name, brand=brand.name),
            f"brands/{slug}/",
            feeds.newest(events[c.id] for c in cases_by_brand[slug]),
        )
        put(
            f"calendars/{slug}.ics",
            calendars.calendar(
                data, cases_by_brand[slug], name=brand.name, uid=slug, by=by, events=ics
            ),
        )
        message = lang.plural("%(num)s overdue", "%(num)s overdue", row.overdue)
        colour = {"brightgreen": "#2e7d32", "orange": "#b35900", "red": "#b3261e"}[
            badges.badge_colour(row.overdue)
        ]
        put(
            f"badges/{slug}.svg",
            badge.render(
                label=label,
                message=message,
                colour=colour,
                label_width=7 * len(label),
                message_width=7 * len(message),
            ),
        )
        put(f"badges/{slug}.json", badges.badge_endpoint(label, message, row.overdue))
