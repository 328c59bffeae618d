"""Write a new case file from the commented template, without ever overwriting a file."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from generator.errors import UsageError
from generator.load.discover import BRAND_FILE, SLUG

TEMPLATE = "_template.yml"
TEMPLATE_DATE = "2026-01-05"
TEMPLATE_HANDLE = "your-github-handle"

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


def new_case(
    root: Path, cases_dir: str, brand: str, *, today: dt.date, by: str, country: str | None
) -> Path:
    """Write `cases/<brand>/<id>.yml` (and brand.yml if the brand is new); return its path."""
    if not SLUG.fullmatch(brand):
        raise UsageError(f"expected a brand name like acme-telecom (a-z, 0-9, -), got {brand!r}")
    folder = root / cases_dir
    template = folder / TEMPLATE
    if not template.is_file():
        raise UsageError(f"{cases_dir}/{TEMPLATE}: no such file; it is the case template")
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
        name = brand.replace("-", " ").title()
        with brand_file.open("x", encoding="utf-8") as handle:
            handle.write(BRAND_SKELETON.format(name=name))
    path = brand_dir / f"{next_case_id(folder, brand, today)}.yml"
    with path.open("x", encoding="utf-8") as handle:  # "x": fail rather than overwrite
        handle.write(text)
    return path
