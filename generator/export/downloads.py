"""The files readers download beside the pages: open data, feeds, calendars and badges.

They need nothing from MkDocs, and MkDocs nothing from them (pages link to them in HTML,
which MkDocs does not check), so the build writes them straight into the new site, in a
worker that runs while MkDocs builds the pages. A case's own feed and calendar
(`case_files`) change with its page: the build writes them beside the page, on every core,
and keeps them with it when it is unchanged. A rebuild takes unchanged cases' open data
back from the site in place (`open_data_index.py`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import jinja2

from generator.export import badges, calendars, feeds, opendata
from generator.export.open_data_index import CASES_JSON, PROMISES_CSV, OpenDataIndex
from generator.export.publisher import Publisher
from generator.model.tracker import Tracker
from generator.model.values import Case

Content = str | bytes | Iterable[str]
"""A file's content: text, bytes, or text in parts (a large file need not be in memory whole)."""

DATA_FILES: dict[str, Callable[[Tracker, Publisher, OpenDataIndex | None], Content]] = {
    CASES_JSON: lambda data, by, index: opendata.cases_json(
        data, index.line_of(data) if index else None
    ),
    PROMISES_CSV: lambda data, by, index: opendata.promises_csv(
        data, index.rows_of(data) if index else None
    ),
    "data/brands.csv": lambda data, by, index: opendata.brands_csv(data.ranking),
    "data/datapackage.json": lambda data, by, index: opendata.datapackage(data, by),
}
"""The open data files and what makes each one (taking unchanged cases' lines back from
the previous build, with its open data index)."""


def write_downloads(
    folder: Path,
    data: Tracker,
    by: Publisher,
    *,
    env: jinja2.Environment,
    added: Mapping[str, dt.date] | None = None,
    per_case: bool = True,
    index: OpenDataIndex | None = None,
) -> list[str]:
    """Write every download under `folder`; returns their paths, relative to it. Without
    `per_case`, each case's own feed and calendar are left to the caller (`case_files`);
    with an open data `index`, unchanged cases are taken back from the previous build and
    the index records this build's files (the caller saves it)."""
    written: list[str] = []

    def put(relative: str, content: Content) -> None:
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = index.digest(relative) if index is not None else None
        with open(path, "wb") as f:
            for raw in encoded(content):
                f.write(raw)
                if digest is not None:
                    digest.update(raw)
        written.append(relative)
        if index is not None and digest is not None:
            index.wrote(relative, digest.hexdigest())

    for relative, make in DATA_FILES.items():
        put(relative, make(data, by, index))
    for relative, content in opendata.view_csvs(data).items():
        put(f"data/{relative}", content)
    write_feeds(put, data, by, env=env, added=added or {}, per_case=per_case)
    return written


def encoded(content: Content, size: int = 1 << 20) -> Iterator[bytes]:
    """The content as UTF-8 bytes; text in parts is joined about `size` characters at a
    time (the same bytes as the whole text encoded at once)."""
    if isinstance(content, bytes):
        yield content
    elif isinstance(content, str):
        yield content.encode()
    else:
        batch: list[str] = []
        length = 0
        for part in content:
            batch.append(part)
            length += len(part)
            if length >= size:
                yield "".join(batch).encode()
                batch, length = [], 0
        if batch:
            yield "".join(batch).encode()


def atom_feed(
    atom: jinja2.Template,
    data: Tracker,
    by: Publisher,
    name: str,
    title: str,
    alternate: str,
    entries: list[feeds.FeedEntry],
) -> str:
    """The Atom feed `feeds/<name>.xml`, whose id is the tracker's `feed` tag plus `:<name>`."""
    return atom.render(
        tracker=by.name,
        as_of=data.as_of.isoformat(),
        site_url=by.site_url,
        feed_id=by.tag("feed") if name == "atom" else by.tag("feed", *name.split("/")),
        title=title,
        self_path=f"feeds/{name}.xml",
        alternate_path=alternate,
        entries=entries,
    )


def case_paths(case: Case) -> tuple[str, ...]:
    """Where a case's own files go: its feed, and its calendar while it is open (a closed
    case has no deadline ahead)."""
    feed = f"feeds/cases/{case.id}.xml"
    return (feed, f"calendars/cases/{case.id}.ics") if case.status == "open" else (feed,)


def case_files(
    atom: jinja2.Template,
    data: Tracker,
    by: Publisher,
    case: Case,
    events: list[feeds.FeedEntry],
    ics: Mapping[str, bytes],
) -> dict[str, str | bytes]:
    """A case's own files, by path (`case_paths`)."""
    name = f"cases/{case.id}"
    feed = atom_feed(
        atom,
        data,
        by,
        name,
        by.language.text("%(tracker)s: %(case)s", tracker=by.name, case=case.title),
        f"{name}/",
        feeds.newest([events], limit=None),
    )
    contents = [feed]
    if case.status == "open":
        contents.append(
            calendars.calendar(data, [case], name=case.title, uid=case.id, by=by, events=ics)
        )
    return dict(zip(case_paths(case), contents, strict=True))


def write_feeds(
    put: Callable[[str, Content], None],
    data: Tracker,
    by: Publisher,
    *,
    env: jinja2.Environment,
    added: Mapping[str, dt.date],
    per_case: bool = True,
) -> None:
    """The site's feed and calendar, each brand's feed, calendar and badges, and (with
    `per_case`) each case's own files."""
    lang = by.language
    atom = env.get_template("files/atom.xml.j2")
    badge = env.get_template("files/badge.svg.j2")
    cases_by_brand: dict[str, list] = defaultdict(list)
    for case in data.cases:
        if not case.is_withdrawn:
            cases_by_brand[case.brand].append(case)

    def feed(name: str, title: str, alternate: str, entries: list[feeds.FeedEntry]) -> None:
        put(f"feeds/{name}.xml", atom_feed(atom, data, by, name, title, alternate, entries))

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
    # A brand's events are made, used and dropped in turn (all of them at once took 250 MB
    # at 100,000 cases); the site's feed keeps the newest so far. The brands go in the
    # order of their first case, the order of one list of every event, so that entries of
    # the same day and id come out as a sort of that list would give them.
    newest: list[feeds.FeedEntry] = []
    rows = data.rows  # a property that builds the mapping: once, not once per brand
    label = by.name.casefold()
    for slug in [*cases_by_brand, *(s for s in data.brands if s not in cases_by_brand)]:
        brand, row = data.brands[slug], rows[slug]
        events = {
            case.id: feeds.case_events(data, by, case, added.get(case.file))
            for case in cases_by_brand.get(slug, ())
        }
        for case in cases_by_brand.get(slug, ()) if per_case else ():
            for relative, content in case_files(atom, data, by, case, events[case.id], ics).items():
                put(relative, content)
        brand_newest = feeds.newest(events.values())
        newest = feeds.newest([newest, brand_newest])
        feed(
            slug,
            lang.text("%(tracker)s: %(brand)s", tracker=by.name, brand=brand.name),
            f"brands/{slug}/",
            brand_newest,
        )
        put(
            f"calendars/{slug}.ics",
            calendars.calendar(
                data, cases_by_brand.get(slug, []), name=brand.name, uid=slug, by=by, events=ics
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
    feed(
        "atom",
        lang.text("%(tracker)s: new cases and overdue promises", tracker=by.name),
        "",
        newest,
    )
