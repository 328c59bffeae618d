"""Load and check every brand and case: the checking pipeline, top to bottom.

Discover the files, read each one (bounded, strict, schema-checked), build the typed value,
apply the named rules, then the rules that span files. Every problem is collected; nothing is
raised for bad data. Many files are read on every core, and a validation cache skips the
files known to be valid.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.errors import UsageError, WorkerDied
from generator.load import schema, yamlsafe
from generator.load.cache import CheckCache, Entry, FileStamp, digest, doc_data, doc_text
from generator.load.discover import (
    BRAND_FILE,
    CaseFile,
    discover,
    display,
    duplicate_ids,
    resolve_targets,
)
from generator.load.problems import Code, Problem, sort_problems
from generator.load.read import Read, read_document
from generator.load.rules import (
    NO_CONTACTS,
    PublicContacts,
    Violation,
    brand_violations,
    case_violations,
    document_violations,
    is_not_the_template,
    latest_recorded_day,
    swallowed_promises,
    template_examples,
)
from generator.load.template import TEMPLATE
from generator.model.values import Brand, Case, brand_from_data
from generator.workers import CHUNK, PARALLEL_FROM, jobs, process_pool


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


def load_brand(slug: str, folder: Path, root: Path) -> tuple[Brand | None, list[Problem]]:
    """The brand described by `folder/brand.yml`, or its problems."""
    path = folder / BRAND_FILE
    read = read_document(path, root, "brand")
    if read.doc is None:
        return None, read.problems
    name = display(path, root)
    brand = brand_from_data(read.doc.data, slug=slug, file=name)
    return brand, located(name, read.raw, brand_violations(brand))


def located(name: str, raw: bytes, violations: list[Violation]) -> list[Problem]:
    """The problems of a file's broken rules, each at the line and column of its value.

    Files are parsed without positions; the rare file with a problem is parsed again here.
    """
    if not violations:
        return []
    doc, _ = yamlsafe.parse(yamlsafe.decode(raw)[0] or "")
    return [
        Problem(name, *doc.where(path), yamlsafe.format_path(path), message, code)
        for path, message, code in violations
    ]


def read_template_examples(path: Path) -> frozenset[str]:
    """The example texts of the case template at `path` (none when it is missing or broken:
    `unkept new` and the docs say why)."""
    try:
        text, _ = yamlsafe.decode(path.read_bytes())
    except OSError:
        return frozenset()
    doc, _ = yamlsafe.parse(text or "", positions=False)
    return template_examples(doc.data) if doc is not None else frozenset()


@dataclass(frozen=True)
class Loaded:
    """The outcome of loading one case file."""

    text: str | None
    """The case's validated data as JSON text (`cache.doc_text`), when valid and asked
    for. The main process builds the Case from it and keeps the text for the next build:
    text pickles faster than a Case, and one string holds less memory than the data's tree
    (about 1.5 KB a case instead of 7)."""
    problems: list[Problem]
    entry: Entry | None = None
    """For the validation cache, when valid."""

    @property
    def valid(self) -> bool:
        return not self.problems


def merged(
    schema_problems: list[Problem], name: str, doc: yamlsafe.Document, found: list[Violation]
) -> list[Problem]:
    """A file's schema problems and the other rules' findings, one message per place: a
    rule's more specific word on a missing field replaces the schema's."""
    rules = [
        Problem(name, *doc.where(path), yamlsafe.format_path(path), message, code)
        for path, message, code in found
    ]
    specific = {p.field for p in rules if p.code == Code.SCHEMA_REQUIRED}
    kept = [
        p for p in schema_problems if not (p.code == Code.SCHEMA_REQUIRED and p.field in specific)
    ]
    return kept + rules


def load_case(
    case_file: CaseFile,
    root: Path,
    as_of: dt.date,
    keep: bool = True,
    public: PublicContacts = NO_CONTACTS,
    examples: frozenset[str] = frozenset(),
) -> Loaded:
    """The data of the case in `case_file` (if `keep`), or every problem with it; `public`
    are the brand's own contact details, which are not personal data; `examples` the
    template's example texts, which a case may not keep."""
    read = read_document(case_file.path, root, "case")
    return check_case(read, case_file, as_of, public, examples, keep=keep)


def check_case(
    read: Read,
    case_file: CaseFile,
    as_of: dt.date,
    public: PublicContacts = NO_CONTACTS,
    examples: frozenset[str] = frozenset(),
    *,
    keep: bool = True,
) -> Loaded:
    """Every rule on a case file read (from disk, or drafted in memory)."""
    name = case_file.relative
    if read.doc is None:
        if read.partial is None or not isinstance(read.partial.data, dict):
            return Loaded(None, read.problems)
        data = read.partial.data
        found = [
            *document_violations(data, as_of, public),
            *is_not_the_template(data, examples),
            *swallowed_promises(data),
        ]
        return Loaded(None, merged(read.problems, name, read.partial, found))
    content_digest = digest(read.raw)
    case = case_file.case(read.doc.data, content_digest)
    violations = case_violations(case, as_of, public)
    violations.extend(is_not_the_template(read.doc.data, examples))
    if violations:
        return Loaded(None, located(name, read.raw, violations))
    st = read.stat
    entry = (
        Entry(FileStamp.of(st), content_digest, latest_recorded_day(case).isoformat())
        if st
        else None
    )
    return Loaded(doc_text(read.doc.data) if keep else None, [], entry)


@dataclass(frozen=True)
class LoadJob:
    """What every case file of one run is checked with (a worker's state)."""

    root: Path
    as_of: dt.date
    keep: bool
    contacts: dict[str, PublicContacts]
    """Each brand's own public contact details, by slug."""
    examples: frozenset[str] = frozenset()
    """The case template's example texts."""


def _load_chunk(job: LoadJob, chunk: list[CaseFile]) -> list[Loaded]:
    return [
        load_case(
            c, job.root, job.as_of, job.keep, job.contacts.get(c.brand, NO_CONTACTS), job.examples
        )
        for c in chunk
    ]


def load_cases(
    case_files: list[CaseFile],
    root: Path,
    as_of: dt.date,
    keep: bool = True,
    contacts: dict[str, PublicContacts] | None = None,
    examples: frozenset[str] = frozenset(),
) -> Iterator[Loaded]:
    """`load_case` for every file, in order, on every core when there are many files.

    Yielded as the workers finish each chunk: the caller builds each chunk's cases while
    the workers read the next ones, instead of after the last (half a second at 10,000
    cases), and never holds every file's outcome at once. With `keep=False` (checking
    only) the workers send back problems, not cases, which saves pickling every case
    between processes.
    """
    state = LoadJob(root, as_of, keep, contacts or {}, examples)
    workers = min(jobs(), max(1, len(case_files) // CHUNK))
    if workers == 1 or len(case_files) < PARALLEL_FROM:
        yield from _load_chunk(state, case_files)
        return
    chunks = [case_files[i : i + CHUNK] for i in range(0, len(case_files), CHUNK)]
    # forked workers inherit the loaded modules and compiled validators (no re-import)
    with process_pool(workers, state) as pool:
        try:
            for chunk in pool.map(_load_chunk, chunks):
                yield from chunk
        except concurrent.futures.BrokenExecutor:  # a worker killed, out of memory
            raise WorkerDied(None) from None


def _cached_case(case_file: CaseFile, data: object, content_digest: str) -> Case | None:
    """The case built from cached data, or None when the data cannot make one (the cache
    is untrusted: a bad entry is a cache miss, never a traceback)."""
    if not isinstance(data, dict):
        return None
    try:
        return case_file.case(data, content_digest)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return None


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
    examples = read_template_examples(folder / TEMPLATE)
    if cache is not None:  # and on the template's example texts
        cache.bind(f"{cases_dir}/", "template " + "\n".join(sorted(examples)))
    if cache is not None:  # a case's validity depends on its brand's public contacts
        for slug, brand in brands.items():
            cache.bind(f"{display(layout.brand_dirs[slug], root)}/", repr(PublicContacts.of(brand)))
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
                case = _cached_case(case_file, data, content_digest)
                if case is not None and not cache.docs_trusted:
                    public = (
                        PublicContacts.of(brands[case_file.brand])
                        if (case_file.brand in brands)
                        else NO_CONTACTS
                    )
                    if not schema.is_valid(data, "case") or case_violations(case, as_of, public):
                        cache.drop_doc(content_digest)
                        case = None
                if case is None:  # missing, or not what a valid case makes: read the file
                    todo.append(case_file)
                    continue
                if case_file.brand in brands:
                    cases.append(case)
            files += 1
            valid += case_file.brand in brands
    contacts = {slug: PublicContacts.of(brand) for slug, brand in brands.items()}
    loaded_all = load_cases(todo, root, as_of, keep_cases, contacts, examples)
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
            if loaded.text is not None and loaded.entry is not None:
                cases.append(case_file.case(doc_data(loaded.text), loaded.entry.digest))
                if cache is not None:
                    cache.keep_doc(loaded.entry.digest, loaded.text)
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
