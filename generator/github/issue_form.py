"""`unkept from-issue`: turn the answers of the new-case issue form into a case file.

The issue body is untrusted text. It is parsed by the form's known headings only, bounded in
size, every answer is checked, and the YAML is written by a YAML emitter (never by pasting
text), then validated by exactly the rules of `unkept check` before it is kept.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.errors import FormError, UsageError
from generator.load.discover import BRAND_FILE, SLUG
from generator.load.loader import load_brand

MAX_BODY = 64 * 1024
NO_ANSWER = "_No response_"

# The form's labels (.github/ISSUE_TEMPLATE/new-case.yml), in order, and the field each fills.
FIELDS = {
    "Brand": "brand",
    "Title": "title",
    "Your country": "country",
    "Categories": "categories",
    "When did you first complain?": "opened_on",
    "What happened": "summary",
    "What did the brand promise?": "kind",
    "When did the brand make the promise?": "made_on",
    "Where did the brand make it?": "via",
    "The brand's exact words": "quote",
    "Deadline the brand gave": "deadline",
    "Kept on": "kept_on",
    "Links showing the promise": "evidence",
    "Personal data": "consent",
}
CATEGORY_LABELS = {
    "Contact": "contact",
    "Returns and refunds": "returns-refunds",
    "Delivery": "delivery",
    "Product": "product",
    "Other": "other",
}


def sections(body: str) -> dict[str, str]:
    """The answer under each known `### Label` heading, in the form's order."""
    if len(body.encode("utf-8")) > MAX_BODY:
        raise FormError(f"the issue is larger than {MAX_BODY // 1024} KiB")
    lines = body.replace("\r\n", "\n").split("\n")
    labels = list(FIELDS)
    starts: list[tuple[int, str]] = []
    position = 0
    for label in labels:
        for i in range(position, len(lines)):
            if lines[i].strip() == f"### {label}":
                starts.append((i, label))
                position = i + 1
                break
    answers: dict[str, str] = {}
    for n, (i, label) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        text = "\n".join(lines[i + 1 : end]).strip()
        answers[FIELDS[label]] = "" if text == NO_ANSWER else text
    return answers


def slugify(text: str) -> str:
    """`Norteva Télécom!` -> `norteva-telecom`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60]


def _date(answers: dict[str, str], key: str, label: str, required: bool = True) -> str | None:
    value = answers.get(key, "").strip()
    if not value and not required:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise FormError(f"{label}: expected a date like 2026-01-31, got {value[:40]!r}") from exc


def find_brand(cases_dir: Path, answer: str) -> tuple[str, str | None]:
    """The brand's folder for `answer` (its name, an alias or its slug), and its name if new.

    Brand files are read by the same strict loader as `unkept check`; an invalid one matches
    nothing (check reports it).
    """
    wanted = answer.strip().casefold()
    root = cases_dir.parent
    for brand_file in sorted(cases_dir.glob(f"*/{BRAND_FILE}")):
        slug = brand_file.parent.name
        brand, _ = load_brand(slug, brand_file.parent, root)
        names = [slug, *((brand.name, *brand.aliases) if brand else ())]
        if wanted in {n.casefold() for n in names}:
            return slug, None
    slug = slugify(answer)
    if not SLUG.fullmatch(slug):
        raise FormError(f"Brand: expected a brand name, got {answer[:40]!r}")
    return slug, " ".join(answer.split())[:80]


@dataclass(frozen=True)
class Draft:
    """A case made from an issue, not yet written."""

    brand: str
    new_brand_name: str | None
    case_id: str
    data: dict[str, Any]


def draft(
    answers: dict[str, str], *, cases_dir: Path, author: str, number: int, today: dt.date
) -> Draft:
    """The case the answers describe."""
    if "[x]" not in answers.get("consent", "").lower():
        raise FormError(
            "Personal data: the box confirming that the case holds no personal data was not ticked"
        )
    brand, new_name = find_brand(cases_dir, answers.get("brand", ""))
    categories = [
        CATEGORY_LABELS[label]
        for label in CATEGORY_LABELS
        if f"- [x] {label}".lower() in answers.get("categories", "").lower()
    ]
    promise: dict[str, Any] = {
        "kind": answers.get("kind", "").strip().lower(),
        "made_on": _date(answers, "made_on", "When did the brand make the promise?"),
    }
    if answers.get("via"):
        promise["via"] = answers["via"].strip().lower()
    if answers.get("quote"):
        promise["quote"] = answers["quote"].strip()
    deadline = answers.get("deadline", "").strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", deadline):
        promise["due"] = deadline
    elif deadline:
        promise["within"] = deadline
    kept = _date(answers, "kept_on", "Kept on", required=False)
    if kept:
        promise["kept_on"] = kept
    links = [u.strip() for u in answers.get("evidence", "").splitlines() if u.strip()]
    if links:
        promise["evidence"] = links
    data: dict[str, Any] = {
        "title": " ".join(answers.get("title", "").split()),
        "country": answers.get("country", "").strip().upper(),
        "categories": categories,
        "opened_on": _date(answers, "opened_on", "When did you first complain?"),
        "status": "open",
        "last_confirmed": today.isoformat(),
        "submitted_by": author,
    }
    if answers.get("summary"):
        data["summary"] = answers["summary"].strip() + "\n"
    data["promises"] = [promise]
    case_id = f"{brand}-issue-{number}"[:80]
    return Draft(brand, new_name, case_id, data)


def case_text(d: Draft, number: int) -> str:
    """The case file: the schema modeline, a provenance comment, and YAML from an emitter."""
    body = yaml.safe_dump(d.data, sort_keys=False, allow_unicode=True, width=88, default_style=None)
    return (
        "# yaml-language-server: $schema=../../generator/schemas/case.schema.json\n"
        f"# Made from issue #{number} by unkept from-issue.\n" + body
    )


def write_draft(d: Draft, cases_dir: Path, number: int) -> list[Path]:
    """Write the case (and brand.yml for a new brand); never overwrite. Return the files."""
    folder = cases_dir / d.brand
    if folder.is_symlink():
        raise UsageError(f"{folder}: is a symbolic link")
    written = []
    folder.mkdir(exist_ok=True)
    if d.new_brand_name is not None and not (folder / BRAND_FILE).exists():
        brand = yaml.safe_dump({"name": d.new_brand_name}, allow_unicode=True)
        with (folder / BRAND_FILE).open("x", encoding="utf-8") as handle:
            handle.write(
                "# yaml-language-server: $schema=../../generator/schemas/"
                "brand.schema.json\n" + brand
            )
        written.append(folder / BRAND_FILE)
    path = folder / f"{d.case_id}.yml"
    with path.open("x", encoding="utf-8") as handle:
        handle.write(case_text(d, number))
    written.append(path)
    return written
