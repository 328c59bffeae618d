"""The files readers download beside the pages: open data, feeds, calendars and badges.

They need nothing from MkDocs, and MkDocs nothing from them (pages link to them in HTML,
which MkDocs does not check), so the build writes them straight into the new site, in a
worker that runs while MkDocs builds the pages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from generator.export import badges, calendars, feeds, opendata
from generator.model.tracker import Tracker

DATA_FILES: dict[str, Callable[[Tracker], str | bytes]] = {
    "data/cases.json": opendata.cases_json,
    "data/promises.csv": opendata.promises_csv,
    "data/brands.csv": lambda data: opendata.brands_csv(data.ranking),
    "data/datapackage.json": opendata.datapackage,
}
"""The open data files and what makes each one."""


def write_downloads(
    folder: Path,
    data: Tracker,
    t: dict[str, Any],
    *,
    env: jinja2.Environment,
    site_url: str,
) -> list[str]:
    """Write every download under `folder`; returns their paths, relative to it."""
    written: list[str] = []

    def put(relative: str, content: str | bytes) -> None:
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        written.append(relative)

    for relative, make in DATA_FILES.items():
        put(relative, make(data))
    for relative, content in opendata.view_csvs(data).items():
        put(f"data/{relative}", content)
    write_feeds(put, data, t, env=env, site_url=site_url)
    return written


def write_feeds(
    put: Callable[[str, str | bytes], None],
    data: Tracker,
    t: dict[str, Any],
    *,
    env: jinja2.Environment,
    site_url: str,
) -> None:
    """The site's feed, and each brand's feed, calendar and badges."""
    atom = env.get_template("files/atom.xml.j2")
    badge = env.get_template("files/badge.svg.j2")
    cases_by_brand: dict[str, list] = defaultdict(list)
    for case in data.cases:
        if not case.is_withdrawn:
            cases_by_brand[case.brand].append(case)

    def feed(name: str, title: str, alternate: str, entries: list[feeds.FeedEntry]) -> None:
        """Write `feeds/<name>.xml`, whose id is `tag:unkept,2026:feed` plus `:<name>`."""
        suffix = "" if name == "atom" else f":{name}"
        path = f"feeds/{name}.xml"
        put(
            path,
            atom.render(
                t=t,
                as_of=data.as_of.isoformat(),
                site_url=site_url,
                feed_id=f"tag:unkept,2026:feed{suffix}",
                title=title,
                self_path=path,
                alternate_path=alternate,
                entries=entries,
            ),
        )

    feed("atom", t["feed_title"], "", feeds.feed_entries(data, t, data.cases))
    feed(
        "corrections",
        t["feed_corrections_title"],
        "corrections/",
        feeds.correction_entries(data, t),
    )
    open_cases = [c for c in data.cases if not c.is_withdrawn]
    put(
        f"calendars/{calendars.SITE_CALENDAR}.ics",
        calendars.calendar(
            data, open_cases, name=t["deadlines"], uid=calendars.SITE_CALENDAR, site_url=site_url
        ),
    )
    for case in open_cases:
        if case.status != "open":  # a closed case has no deadline ahead
            continue
        put(
            f"calendars/cases/{case.id}.ics",
            calendars.calendar(data, [case], name=case.title, uid=case.id, site_url=site_url),
        )
    rows = data.rows  # a property that builds the mapping: once, not once per brand
    for slug, brand in data.brands.items():
        row = rows[slug]
        feed(
            slug,
            t["feed_brand_title"].format(brand=brand.name),
            f"brands/{slug}/",
            feeds.feed_entries(data, t, cases_by_brand[slug]),
        )
        put(
            f"calendars/{slug}.ics",
            calendars.calendar(
                data, cases_by_brand[slug], name=brand.name, uid=slug, site_url=site_url
            ),
        )
        message = t["badge_overdue"].format(n=row.overdue)
        colour = {"brightgreen": "#2e7d32", "orange": "#b35900", "red": "#b3261e"}[
            badges.badge_colour(row.overdue)
        ]
        put(
            f"badges/{slug}.svg",
            badge.render(
                label=t["badge_label"],
                message=message,
                colour=colour,
                label_width=7 * len(t["badge_label"]),
                message_width=7 * len(message),
            ),
        )
        put(f"badges/{slug}.json", badges.badge_endpoint(row.overdue, t))
