"""Write the case and brand pages into the new site: each body rendered from its template and
filled into its layout's shell, on every core, reusing what the previous build made.

A page's key digests its inputs (`render_index.page_key`). When it is unchanged and the
previous site's file is the very one the render index recorded (same size, times, inode):
- with the same shells and stamps (as-of day, commit), the file is linked, not written;
- otherwise (a new commit changes every footer) its body is taken back from that file,
  where the index says it lies, its stamps put back in, and it is filled into the new
  shell, without rendering a template.
Only pages whose key changed are rendered.

A case's own feed and calendar are written with its page, under the same key (which also
holds the day the case entered the tracker): linked with it when it is linked, made again
otherwise.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from generator.errors import BuildFailed
from generator.export import calendars, feeds
from generator.export.downloads import case_files, case_paths
from generator.export.publisher import Publisher
from generator.load.cache import FileStamp
from generator.model.tracker import Tracker
from generator.model.values import Case
from generator.site.plan import Page
from generator.site.render import Rendering, render_body, template_error
from generator.site.render_index import STAMPS, Rendered, RenderIndex, page_key, stamped
from generator.site.shells import Layout, Shell, Values
from generator.site.templates import TEMPLATES_DIR
from generator.workers import CHUNK, PARALLEL_FROM, Beside, jobs, shared_out

STAMP_ORDER = tuple(STAMPS)
"""The stamps by number, as a page's body shape names them."""
_STAMP = re.compile("(" + "|".join(re.escape(STAMPS[name]) for name in STAMP_ORDER) + ")")
_STAMP_NUMBER = {STAMPS[name]: i for i, name in enumerate(STAMP_ORDER)}
BUILD_ENTRY = "#build"
"""The index entry of the shells' digest and the stamps the recorded pages were made with."""


@dataclass(frozen=True)
class CaseFiles:
    """What a case's own feed and calendar are made of, beside its page."""

    data: Tracker
    by: Publisher
    added: Mapping[str, dt.date]
    """The day git first recorded each case file (its path relative to the project)."""


@dataclass(frozen=True)
class DataPageJob:
    """What the workers need; forked, they inherit it."""

    rendering: Rendering
    pages: list[Page]
    shells: dict[Layout, Shell]
    site: Path
    """The new site, where pages are written."""
    previous: Path
    """The site of the previous build, whose fresh pages are reused."""
    index: RenderIndex
    stamps: tuple[bytes, ...]
    """This build's stamp values, in STAMP_ORDER."""
    old_stamps: tuple[bytes, ...] | None
    """The stamp values the recorded pages were made with; None when unknown."""
    same_build: bool
    """Whether the recorded pages were made with these shells and stamps: linked as they are."""
    case_files: CaseFiles | None = None
    """Given, each case's feed and calendar are written beside its page."""


def page_values(page: Page, body: str) -> Values:
    """The values a data page puts in its shell."""
    feed = ""
    if page.layout is Layout.CASE:
        feed = page.url.rstrip("/")
    elif page.layout is Layout.BRAND:
        feed = page.url.removeprefix("brands/").rstrip("/")
    return Values(page.url, page.title, page.description, body, page.brand, feed)


def body_shape(body: str) -> list[int]:
    """Where a rendered body's stamps are: `[text length, stamp number, text length, ...,
    text length]`, lengths in UTF-8 bytes."""
    parts = _STAMP.split(body)
    return [
        len(part.encode()) if i % 2 == 0 else _STAMP_NUMBER[part] for i, part in enumerate(parts)
    ]


def restamped(
    old: bytes,
    start: int,
    shape: Sequence[int],
    old_stamps: Sequence[bytes],
    stamps: Sequence[bytes],
) -> bytes | None:
    """The body lying in `old` at `start`, with `old_stamps` replaced by `stamps`; None when
    the bytes are not what the shape says."""
    out = []
    at = start
    for i, value in enumerate(shape):
        if i % 2 == 0:
            out.append(old[at : at + value])
            at += value
        else:
            was = old_stamps[value]
            if old[at : at + len(was)] != was:
                return None
            out.append(stamps[value])
            at += len(was)
    return b"".join(out)


def _write_range(job: DataPageJob, start: int, stop: int) -> tuple[list[tuple[str, list]], int]:
    """Write `job.pages[start:stop]`; returns their render index rows and how many were
    rendered from their templates."""
    rows: list[tuple[str, list]] = []
    rendered = 0
    site, previous = os.fspath(job.site), os.fspath(job.previous)  # strings: no Path per file
    for page in job.pages[start:stop]:
        case = page.context.get("case") if job.case_files and page.layout is Layout.CASE else None
        added = job.case_files.added.get(case.file) if job.case_files and case else None
        key = page_key(
            job.rendering.build_key,
            (page.source, page.template, page.title, page.description, page.brand, added),
            page.context,
        )
        target = f"{site}/{page.output}"
        if case is not None:
            rows += _write_case_files(job, case, key)
        fresh = job.index.fresh(page.output, key, previous)
        row = job.index.entries.get(page.output) if fresh else None
        if row is not None and job.same_build:
            stat = _link(f"{previous}/{page.output}", target)
            if stat is not None:
                rows.append((page.output, [key, *FileStamp.of(stat), *row[5:]]))
                continue
        body = _body_from(job, page, row) if row is not None else None
        shape = row[6] if body is not None and row is not None else None
        if body is None:
            text = render_body(job.rendering, page)
            body = stamped(text, **job.rendering.stamps)
            shape = body_shape(text)
            rendered += 1
        html, at = job.shells[page.layout].fill(page_values(page, body))
        _write_new(target, html.encode())
        body_start = len(html[:at].encode())
        rows.append((page.output, [*Rendered.of(key, target).row(), body_start, shape]))
    if rendered:
        # Each page Jinja renders leaves some 28 objects in reference cycles (its context,
        # the imported macros), and the build pauses the collector: without this, they
        # piled up to hundreds of MB at 100,000 cases. The young generation holds only
        # this chunk's objects, so collecting it costs about a millisecond.
        gc.collect(0)
    return rows, rendered


def _write_case_files(job: DataPageJob, case: Case, key: str) -> list[tuple[str, list]]:
    """Write the case's feed and calendar (while it is open); files recorded under this key
    by a build with the same stamps are linked from the previous site."""
    assert job.case_files is not None
    data, by = job.case_files.data, job.case_files.by
    site, previous = os.fspath(job.site), os.fspath(job.previous)
    names = case_paths(case)
    if job.same_build and all(job.index.fresh(n, key, previous) for n in names):
        stats = [_link(f"{previous}/{n}", f"{site}/{n}") for n in names]
        if all(stats):
            return [(n, [key, *FileStamp.of(st)]) for n, st in zip(names, stats, strict=True)]
    events = feeds.case_events(data, by, case, job.case_files.added.get(case.file))
    ics = {case.id: calendars.case_events(data, case, by)} if case.status == "open" else {}
    try:
        atom = job.rendering.env.get_template("files/atom.xml.j2")
        files = case_files(atom, data, by, case, events, ics)
    except jinja2.TemplateError as exc:  # as when the downloads worker renders a feed
        raise BuildFailed(f"{TEMPLATES_DIR}: {template_error(exc)}") from None
    rows = []
    for name, content in files.items():
        target = f"{site}/{name}"
        _write_new(target, content.encode() if isinstance(content, str) else content)
        rows.append((name, Rendered.of(key, target).row()))
    return rows


def _body_from(job: DataPageJob, page: Page, row: list) -> str | None:
    """The page's body taken back from the previous site, with this build's stamps."""
    if job.old_stamps is None or len(row) != 7:
        return None
    try:
        old = (job.previous / page.output).read_bytes()
    except OSError:
        return None
    body = restamped(old, row[5], row[6], job.old_stamps, job.stamps)
    return body.decode() if body is not None else None


def _clear(target: str) -> None:
    """Remove what the spare left where a file goes, if anything: a file (only unlinked:
    it may be the site in place's too), or a folder someone put there."""
    try:
        os.unlink(target)
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        shutil.rmtree(target)


def _write_new(target: str, content: bytes) -> None:
    """Write `target` as a new file: what the spare left there is removed first (it may
    share its inode with the site in place's file), and its folder made when missing (the
    spare's folders are there in a rebuild: no call for each)."""
    _clear(target)
    try:
        with open(target, "wb") as f:
            f.write(content)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(content)


def _link(source: str, target: str) -> os.stat_result | None:
    """Link the previous site's file into the new site (copy it where the two cannot share
    it: another file system), and return the new file's stat; None when it cannot be had.

    A file the spare left there is kept when it is that very file (same inode), and
    otherwise removed first: never written through, since it may share its inode with a
    file of the site in place."""
    try:
        there, wanted = os.lstat(target), os.stat(source)
    except FileNotFoundError:
        pass
    else:
        if (there.st_ino, there.st_dev) == (wanted.st_ino, wanted.st_dev):
            return there
        _clear(target)
    try:
        try:
            os.link(source, target)
        except FileNotFoundError:  # its folder, unless the source went
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.link(source, target)
    except OSError:
        try:
            shutil.copy2(source, target)
        except OSError:
            return None
    return os.stat(target)


def write_data_pages(
    rendering: Rendering,
    shells: dict[Layout, Shell],
    site: Path,
    *,
    previous: Path,
    index: RenderIndex,
    case_files: CaseFiles | None = None,
    busy: Beside | None = None,
) -> tuple[list[tuple[str, list]], int]:
    """Write every data page into `site`, on every core when there are many (with
    `case_files`, each case's feed and calendar too), but the one the process `busy` holds
    until it ends.

    Returns the render index rows (the build's own entry first) and the number of pages
    rendered from their templates.
    """
    digest = hashlib.blake2b(digest_size=16)
    for layout in Layout:
        digest.update(shells[layout].digest.encode())
    stamps = [rendering.stamps[name] for name in STAMP_ORDER]
    build = [digest.hexdigest(), stamps]
    recorded = index.entries.get(BUILD_ENTRY)
    old_stamps = None
    if isinstance(recorded, list) and len(recorded) == 2 and len(recorded[1]) == len(stamps):
        old_stamps = tuple(str(v).encode() for v in recorded[1])
    pages = rendering.data_pages
    job = DataPageJob(
        rendering,
        pages,
        shells,
        site,
        previous,
        index,
        tuple(v.encode() for v in stamps),
        old_stamps,
        recorded == build,
        case_files,
    )
    count = len(pages)
    ranges = [(start, min(count, start + CHUNK)) for start in range(0, count, CHUNK)]
    # Forked workers inherit the job, unpickled; this process writes pages too.
    processes = jobs() if count >= PARALLEL_FROM else 1
    chunks = shared_out(_write_range, job, ranges, processes, busy=busy)
    rows = [r for part, _ in chunks for r in part]
    rendered = sum(n for _, n in chunks)
    return [(BUILD_ENTRY, build), *rows], rendered
