"""Find, read and validate every brand and case under `cases/`.

Reads top to bottom as the checking pipeline: discover the files without following links,
read each one bounded, parse it strictly, validate it against its schema, build the typed
value, apply the named rules, then the rules that span files. Every problem is collected;
nothing is raised for bad data.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import UsageError
from generator.load import schema, yamlsafe
from generator.load.cache import CheckCache, Entry, digest
from generator.load.problems import Problem, sort_problems
from generator.load.rules import case_violations, latest_recorded_day
from generator.model.values import Brand, Case, brand_from_data, case_from_data
from generator.workers import CHUNK, PARALLEL_FROM, jobs, process_pool

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,79}")
BRAND_FILE = "brand.yml"
ALLOWED_AT_TOP = frozenset({"_template.yml", "README.md"})


@dataclass(frozen=True)
class CaseFile:
    """A case file found on disk, before it is read."""

    brand: str
    """The brand folder's name."""
    case_id: str
    """The file name without `.yml`."""
    file: str
    """Absolute path (a string: discovery makes a hundred thousand of these)."""
    relative: str
    """Path relative to the project root, as shown in messages."""

    @property
    def path(self) -> Path:
        return Path(self.file)

    def case(self, data: dict[str, Any], content_digest: str) -> Case:
        """The case this file holds, from its validated data and its content digest."""
        return case_from_data(
            data,
            case_id=self.case_id,
            brand=self.brand,
            file=self.relative,
            digest=content_digest,
        )


@dataclass(frozen=True)
class Corpus:
    """Every valid brand and case, and every problem found on the way."""

    brands: dict[str, Brand]
    """Valid brands by slug."""
    cases: tuple[Case, ...]
    """Valid cases, sorted by id."""
    problems: tuple[Problem, ...]
    """Every problem, sorted by file and position."""
    files_checked: int
    """How many files were read."""
    valid_cases: int = 0
    """How many cases are valid (also when the cases themselves were not kept)."""


@dataclass(frozen=True)
class Layout:
    """What discovery found under `cases/`."""

    brand_dirs: dict[str, Path]
    """Brand folders by slug."""
    case_files: tuple[CaseFile, ...]
    """Every case file, sorted by path."""
    problems: tuple[Problem, ...]
    """Misplaced files, links, bad names."""


def display(path: Path, root: Path) -> str:
    """A path as shown in messages: relative to the project root, with forward slashes."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _file_problem(path: Path, root: Path, message: str) -> Problem:
    return Problem(display(path, root), 1, 1, "", message)


def discover(cases_dir: Path, root: Path) -> Layout:
    """List brand folders and case files, refusing links and anything out of place."""
    problems: list[Problem] = []
    brand_dirs: dict[str, Path] = {}
    case_files: list[CaseFile] = []
    for top in sorted(os.scandir(cases_dir), key=lambda e: e.name):
        path = Path(top.path)
        if top.is_symlink():
            problems.append(
                _file_problem(
                    path, root, "symbolic links are not allowed; expected a real file or folder"
                )
            )
        elif top.is_dir(follow_symlinks=False):
            if not SLUG.fullmatch(top.name):
                problems.append(
                    _file_problem(
                        path,
                        root,
                        f"expected a brand folder name like "
                        f"acme-telecom (a-z, 0-9, -), got {top.name!r}",
                    )
                )
                continue
            brand_dirs[top.name] = path
            prefix = f"{display(cases_dir, root)}/{top.name}/"
            case_files.extend(_discover_brand(path, top.name, root, problems, prefix))
        elif not (top.name in ALLOWED_AT_TOP or top.name.startswith(".")):
            problems.append(
                _file_problem(
                    path, root, "expected cases in a brand folder: cases/<brand>/<case-id>.yml"
                )
            )
    return Layout(brand_dirs, tuple(case_files), tuple(problems))


def _discover_brand(
    folder: Path, brand: str, root: Path, problems: list[Problem], prefix: str
) -> list[CaseFile]:
    found: list[CaseFile] = []
    has_brand_file = False
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        name = entry.name
        if (
            name.endswith(".yml")
            and name != BRAND_FILE
            and SLUG.fullmatch(name[:-4])
            and (entry.is_file(follow_symlinks=False))
        ):  # the common case first, without building a Path
            found.append(CaseFile(brand, name[:-4], entry.path, prefix + name))
            continue
        path = Path(entry.path)
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            problems.append(
                _file_problem(path, root, "symbolic links are not allowed; expected a real file")
            )
        elif entry.is_dir(follow_symlinks=False):
            problems.append(_file_problem(path, root, "expected no sub-folders in a brand folder"))
        elif entry.name == BRAND_FILE:
            has_brand_file = True
        else:
            problems.append(
                _file_problem(
                    path,
                    root,
                    "expected a case file named <case-id>.yml, "
                    "with a-z, 0-9 and - only (like acme-refund-2026-03)",
                )
            )
    if not has_brand_file and found:
        for case_file in found:
            problems.append(
                _file_problem(
                    case_file.path,
                    root,
                    f"expected {BRAND_FILE} in cases/{brand}/ describing the brand; none found",
                )
            )
        return []
    return found


@dataclass(frozen=True)
class Read:
    """A file read and checked against its schema."""

    doc: yamlsafe.Document | None
    """The document, when it is well-formed and matches the schema."""
    problems: list[Problem]
    raw: bytes = b""
    stat: os.stat_result | None = None


def read_document(path: Path, root: Path, schema_name: str) -> Read:
    """Read, parse and schema-validate one file: the document, or every problem with it."""
    name = display(path, root)

    def problem(error: yamlsafe.LoadError) -> Problem:
        return Problem(name, error.line, error.column, error.field, error.message)

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        return Read(None, [Problem(name, 1, 1, "", f"cannot be read: {exc.strerror}")])
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(handle.fileno())
        if st.st_size > yamlsafe.MAX_BYTES:  # refuse before reading: the limit bounds memory
            return Read(None, [problem(yamlsafe.too_big(st.st_size))])
        raw = handle.read(yamlsafe.MAX_BYTES + 1)
    text, error = yamlsafe.decode(raw)
    if error:
        return Read(None, [problem(error)])
    doc, errors = yamlsafe.parse(text, positions=False)
    if errors:
        return Read(None, [problem(e) for e in errors])
    if not isinstance(doc.data, dict):
        return Read(
            None,
            [
                Problem(
                    name, 1, 1, "", f"expected a mapping of fields, got {schema.describe(doc.data)}"
                )
            ],
        )
    errors = schema.validate(doc, schema_name)
    if errors:  # rare: parse again, this time recording where each value is
        doc, _ = yamlsafe.parse(text)
        errors = schema.validate(doc, schema_name)
        return Read(None, [problem(e) for e in errors])
    return Read(doc, [], raw, st)


def load_brand(slug: str, folder: Path, root: Path) -> tuple[Brand | None, list[Problem]]:
    """The brand described by `folder/brand.yml`, or its problems."""
    path = folder / BRAND_FILE
    read = read_document(path, root, "brand")
    if read.doc is None:
        return None, read.problems
    return brand_from_data(read.doc.data, slug=slug, file=display(path, root)), []


@dataclass(frozen=True)
class Loaded:
    """The outcome of loading one case file."""

    data: dict | None
    """The case's validated data, when valid and asked for (the main process builds the
    Case from it, and keeps it for the next build: data pickles faster than a Case)."""
    problems: list[Problem]
    entry: Entry | None = None
    """For the validation cache, when valid."""

    @property
    def valid(self) -> bool:
        return not self.problems


def load_case(
    case_file: CaseFile,
    root: Path,
    as_of: dt.date,
    keep: bool = True,
) -> Loaded:
    """The data of the case in `case_file` (if `keep`), or every problem with it."""
    read = read_document(case_file.path, root, "case")
    if read.doc is None:
        return Loaded(None, read.problems)
    name = case_file.relative
    content_digest = digest(read.raw)
    case = case_file.case(read.doc.data, content_digest)
    violations = case_violations(case, as_of)
    if violations:  # rare: parse again, this time recording where each value is
        doc, _ = yamlsafe.parse(yamlsafe.decode(read.raw)[0] or "")
        return Loaded(
            None,
            [
                Problem(name, *doc.where(path), yamlsafe.format_path(path), message)
                for path, message in violations
            ],
        )
    st = read.stat
    entry = (
        Entry(
            st.st_size,
            st.st_mtime_ns,
            st.st_ctime_ns,
            st.st_ino,
            content_digest,
            latest_recorded_day(case).isoformat(),
        )
        if st
        else None
    )
    return Loaded(read.doc.data if keep else None, [], entry)


def _load_chunk(chunk: list[CaseFile], root: Path, as_of: dt.date, keep: bool) -> list[Loaded]:
    return [load_case(c, root, as_of, keep) for c in chunk]


def load_cases(
    case_files: list[CaseFile],
    root: Path,
    as_of: dt.date,
    keep: bool = True,
) -> list[Loaded]:
    """`load_case` for every file, in order, on every core when there are many files.

    With `keep=False` (checking only) the workers send back problems, not cases, which
    saves pickling every case between processes.
    """
    workers = min(jobs(), max(1, len(case_files) // CHUNK))
    if workers == 1 or len(case_files) < PARALLEL_FROM:
        return _load_chunk(case_files, root, as_of, keep)
    chunks = [case_files[i : i + CHUNK] for i in range(0, len(case_files), CHUNK)]
    # forked workers inherit the loaded modules and compiled validators (no re-import); the
    # process is single-threaded here.
    n = len(chunks)
    with process_pool(workers) as pool:
        results = pool.map(_load_chunk, chunks, [root] * n, [as_of] * n, [keep] * n)
        return [item for chunk in results for item in chunk]


def duplicate_ids(case_files: Iterable[CaseFile]) -> list[Problem]:
    """A case id names one case across all brands, so its page URL is unambiguous."""
    by_id: dict[str, list[CaseFile]] = defaultdict(list)
    for case_file in case_files:
        by_id[case_file.case_id].append(case_file)
    problems = []
    for same in by_id.values():
        if len(same) > 1:
            for case_file in same:
                others = ", ".join(c.relative for c in same if c is not case_file)
                problems.append(
                    Problem(
                        case_file.relative,
                        1,
                        1,
                        "",
                        f"case id {case_file.case_id!r} is already used by "
                        f"{others}; expected a unique id",
                    )
                )
    return problems


def resolve_targets(
    paths: Sequence[Path], cases_dir: Path, root: Path
) -> tuple[list[Path], list[Problem]]:
    """The absolute paths named on the command line, each checked to lie inside `cases/`."""
    targets: list[Path] = []
    problems: list[Problem] = []
    for given in paths:
        path = given if given.is_absolute() else root / given
        if not os.path.lexists(path):
            raise UsageError(f"{given.as_posix()}: no such file or folder")
        absolute = Path(os.path.abspath(path))
        real_inside = Path(os.path.realpath(path)).is_relative_to(os.path.realpath(cases_dir))
        if not absolute.is_relative_to(cases_dir) or not real_inside:
            problems.append(
                Problem(
                    given.as_posix(),
                    1,
                    1,
                    "",
                    f"expected a file inside {display(cases_dir, root)}/, got one outside it",
                )
            )
        elif any(
            p.is_symlink() for p in (absolute, *absolute.parents) if p.is_relative_to(cases_dir)
        ):
            problems.append(
                _file_problem(
                    absolute, root, "symbolic links are not allowed; expected a real file"
                )
            )
        else:
            targets.append(absolute)
    return targets, problems


def load_corpus(
    root: Path,
    *,
    cases_dir: str = "cases",
    as_of: dt.date,
    paths: Sequence[Path] = (),
    keep_cases: bool = True,
    cache: CheckCache | None = None,
) -> Corpus:
    """Load and check every brand and case (or only those under `paths`) on day `as_of`.

    Rules that span files (unique case ids, a brand.yml per folder) always look at the whole
    of `cases/`, even when only some files are named.
    """
    root = root.absolute()
    folder = root / cases_dir
    if not folder.is_dir():
        raise UsageError(f"{cases_dir}/: no such folder; run unkept from the project's root")
    layout = discover(folder, root)
    problems = list(layout.problems)
    if paths:
        targets, problems_with_paths = resolve_targets(paths, folder, root)

        def wanted(path: Path) -> bool:
            return any(path == t or path.is_relative_to(t) for t in targets)

        case_files = [c for c in layout.case_files if wanted(c.path)]
        slugs = {c.brand for c in case_files} | {
            slug for slug, d in layout.brand_dirs.items() if wanted(d / BRAND_FILE)
        }
        problems = [p for p in problems if wanted(root / p.file)] + problems_with_paths
    else:
        case_files, slugs = list(layout.case_files), set(layout.brand_dirs)
    brands: dict[str, Brand] = {}
    files = 0
    for slug in sorted(slugs):
        if not (layout.brand_dirs[slug] / BRAND_FILE).exists():
            continue
        files += 1
        brand, found = load_brand(slug, layout.brand_dirs[slug], root)
        problems.extend(found)
        if brand:
            brands[slug] = brand
    cases: list[Case] = []
    valid = 0
    todo = case_files
    if cache is not None:
        todo = []
        for case_file in case_files:
            relative = case_file.relative
            if not cache.is_valid(relative, case_file.file, as_of):
                todo.append(case_file)
                continue
            if keep_cases:  # a build: the validated data, from the cache instead of YAML
                content_digest = cache.digest_of(relative) or ""
                data = cache.load_doc(content_digest)
                if data is None:
                    todo.append(case_file)
                    continue
                if case_file.brand in brands:
                    cases.append(case_file.case(data, content_digest))
            files += 1
            valid += case_file.brand in brands
    loaded_all = load_cases(todo, root, as_of, keep_cases)
    for case_file, loaded in zip(todo, loaded_all, strict=True):
        files += 1
        problems.extend(loaded.problems)
        if cache is not None:
            relative = case_file.relative
            if loaded.entry is not None:
                cache.record(relative, loaded.entry)
            else:
                cache.forget(relative)
        if loaded.valid and case_file.brand in brands:
            valid += 1
            if loaded.data is not None and loaded.entry is not None:
                cases.append(case_file.case(loaded.data, loaded.entry.digest))
                if cache is not None:
                    cache.keep_doc(loaded.entry.digest, loaded.data)
    if cache is not None and not paths:
        cache.keep_only({c.relative for c in layout.case_files})
    checked = {c.relative for c in case_files}
    problems.extend(p for p in duplicate_ids(layout.case_files) if p.file in checked)
    return Corpus(
        brands,
        tuple(sorted(cases, key=lambda c: c.id)),
        tuple(sort_problems(problems)),
        files,
        valid,
    )
