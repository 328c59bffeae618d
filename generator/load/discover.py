"""Find the brand folders and case files under `cases/`, refusing links and misplaced files.

Discovery reads no file: it lists what is there, by name, and says what is out of place.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import UsageError
from generator.load.problems import Code, Problem
from generator.model.values import Case, case_from_data

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,79}")
BRAND_FILE = "brand.yml"
RESERVED_BRANDS = frozenset(
    {"assets", "atom", "badges", "brands", "calendars", "cases", "corrections", "data", "feeds"}
    | {"deadlines", "index", "ranking", "search"}
)
"""Names the site gives its own files and sections: a brand named so would overwrite one
(feeds/atom.xml) or be published where every link gives 404 (brands/index)."""
RESERVED_CASE_IDS = frozenset({"index"})
"""A case named so would be published as cases/, where every link to it gives 404."""
"""Brand slugs whose feed would overwrite the site's own (`feeds/<slug>.xml`)."""
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


def _file_problem(path: Path, root: Path, message: str, code: Code) -> Problem:
    """A problem with a whole file (or folder), at its first line."""
    return Problem(display(path, root), 1, 1, "", message, code)


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
                    path,
                    root,
                    "symbolic links are not allowed; expected a real file or folder",
                    Code.FILE_SYMLINK,
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
                        Code.FILE_NAME,
                    )
                )
                continue
            if top.name in RESERVED_BRANDS:
                problems.append(
                    _file_problem(
                        path,
                        root,
                        f"expected a brand folder name that is not one of the site's own names "
                        f"({', '.join(sorted(RESERVED_BRANDS))}), got {top.name!r}",
                        Code.FILE_NAME,
                    )
                )
                continue
            brand_dirs[top.name] = path
            prefix = f"{display(cases_dir, root)}/{top.name}/"
            case_files.extend(_discover_brand(path, top.name, root, problems, prefix))
        elif not (top.name in ALLOWED_AT_TOP or top.name.startswith(".")):
            problems.append(
                _file_problem(
                    path,
                    root,
                    "expected cases in a brand folder: cases/<brand>/<case-id>.yml",
                    Code.FILE_MISPLACED,
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
            and name[:-4] not in RESERVED_CASE_IDS
            and (entry.is_file(follow_symlinks=False))
        ):  # the common case first, without building a Path
            found.append(CaseFile(brand, name[:-4], entry.path, prefix + name))
            continue
        path = Path(entry.path)
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            problems.append(
                _file_problem(
                    path,
                    root,
                    "symbolic links are not allowed; expected a real file",
                    Code.FILE_SYMLINK,
                )
            )
        elif entry.is_dir(follow_symlinks=False):
            problems.append(
                _file_problem(
                    path, root, "expected no sub-folders in a brand folder", Code.FILE_MISPLACED
                )
            )
        elif entry.name == BRAND_FILE:
            has_brand_file = True
        elif name.endswith(".yml") and name[:-4] in RESERVED_CASE_IDS:
            problems.append(
                _file_problem(
                    path,
                    root,
                    f"expected a case id that is not one of the site's own names "
                    f"({', '.join(sorted(RESERVED_CASE_IDS))}), got {name[:-4]!r}",
                    Code.FILE_NAME,
                )
            )
        else:
            problems.append(
                _file_problem(
                    path,
                    root,
                    "expected a case file named <case-id>.yml, "
                    "with a-z, 0-9 and - only (like acme-refund-2026-03)",
                    Code.FILE_NAME,
                )
            )
    if not has_brand_file and found:
        for case_file in found:
            problems.append(
                _file_problem(
                    case_file.path,
                    root,
                    f"expected {BRAND_FILE} in cases/{brand}/ describing the brand; none found",
                    Code.BRAND_MISSING,
                )
            )
        return []
    return found


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
                        Code.CASE_ID_DUPLICATE,
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
                    Code.FILE_OUTSIDE,
                )
            )
        elif any(
            p.is_symlink() for p in (absolute, *absolute.parents) if p.is_relative_to(cases_dir)
        ):
            problems.append(
                _file_problem(
                    absolute,
                    root,
                    "symbolic links are not allowed; expected a real file",
                    Code.FILE_SYMLINK,
                )
            )
        else:
            targets.append(absolute)
    return targets, problems
