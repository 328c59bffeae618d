"""Write a new case file from the commented template, without ever overwriting a file."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from generator.errors import UsageError
from generator.load.brand_list import brand_names, is_free_slug
from generator.load.discover import BRAND_FILE
from generator.load.template import TEMPLATE, TEMPLATE_DATE, TEMPLATE_HANDLE
from generator.model.brand_names import describe_candidates, match_brand, slug_for

BRAND_SKELETON = """\
# yaml-language-server: $schema=../../generator/schemas/brand.schema.json
# The brand these cases are about. Only `name` is required.
name: {name}
# Other names the brand is known by.
# aliases: []
# website: https://www.example.com
# country: FR
# Public customer-service accounts, by channel.
# accounts:
#   twitter: "@ExampleHelp"
# GitHub user names allowed to write the brand's replies (brand_reply) in its cases.
# The brand's own public e-mail addresses and phone numbers (not personal data in cases).
# contacts: []
# GitHub accounts allowed to write the brand's replies, each with a proof: a page of the
# brand's website, or a post of one of its accounts, that names that GitHub account.
# maintainers:
#   - login: example-support
#     proof: https://www.example.com/press/unkept
"""


def next_case_id(cases_dir: Path, brand: str, today: dt.date) -> str:
    """`<brand>-<date>`, with `-2`, `-3`, ... when taken by any brand's case."""
    taken = {p.stem for p in cases_dir.glob("*/*.yml")}
    base = f"{brand}-{today.isoformat()}"[:80]
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@dataclass(frozen=True)
class NewCase:
    """What `new_case` wrote."""

    path: Path
    """The case file."""
    brand: str
    """The brand's folder."""
    new_brand: str | None
    """The name of the brand it created, when it was new."""


def resolve_brand(
    cases_dir: Path, root: Path, written: str, *, new_brand: bool
) -> tuple[str, str | None]:
    """The folder of the brand `written` names (its slug, name or alias, any case, accents or
    legal form), or the slug and name of a new brand; never a near match taken silently."""
    match = match_brand(written, brand_names(cases_dir, root))
    if match.brand is not None:
        return match.brand.slug, None
    if match.candidates and not new_brand:
        raise UsageError(
            f"{written!r} is close to brands this tracker has: "
            f"{describe_candidates(match.candidates)}; give one of their folder names, or "
            "--new-brand if it is another brand"
        )
    slug = slug_for(written)
    if not is_free_slug(slug) or len(written) > 80:
        raise UsageError(
            f'expected a brand\'s name like "Maison Meubles" or acme-telecom, got {written!r}'
        )
    name = written.strip() if written.strip() != slug else slug.replace("-", " ").title()
    return slug, name


def new_case(
    root: Path,
    cases_dir: str,
    written: str,
    *,
    today: dt.date,
    by: str,
    country: str | None,
    new_brand: bool = False,
) -> NewCase:
    """Write `cases/<brand>/<id>.yml` (and brand.yml if the brand is new) from the template."""
    folder = root / cases_dir
    template = folder / TEMPLATE
    if not template.is_file():
        raise UsageError(f"{cases_dir}/{TEMPLATE}: no such file; it is the case template")
    brand, name = resolve_brand(folder, root, written, new_brand=new_brand)
    text = template.read_text("utf-8")
    text = text.replace("$schema=../generator/", "$schema=../../generator/")
    text = text.replace(TEMPLATE_DATE, today.isoformat()).replace(TEMPLATE_HANDLE, by)
    if country:
        text = re.sub(r"(?m)^country: [A-Z]{2}$", f"country: {country}", text, count=1)
    brand_dir = folder / brand
    if brand_dir.is_symlink():
        raise UsageError(f"{cases_dir}/{brand}: is a symbolic link")
    brand_dir.mkdir(exist_ok=True)
    brand_file = brand_dir / BRAND_FILE
    if not brand_file.exists():
        with brand_file.open("x", encoding="utf-8") as handle:
            handle.write(BRAND_SKELETON.format(name=json.dumps(name or brand, ensure_ascii=False)))
    path = brand_dir / f"{next_case_id(folder, brand, today)}.yml"
    with path.open("x", encoding="utf-8") as handle:  # "x": fail rather than overwrite
        handle.write(text)
    return NewCase(path, brand, name)
