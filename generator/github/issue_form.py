"""`unkept from-issue`: turn the answers of the new-case issue form into a case file.

The form (`.github/ISSUE_TEMPLATE/new-case.yml`) is the contract: its questions' ids name the
case's fields (`promise2_made_on` is `promises[1].made_on`), and each dropdown option's code
is the text before its colon. The issue body is untrusted text: it is read by the form's own
labels only, bounded in size, turned into YAML by a YAML emitter (never by pasting text), and
checked by exactly the rules of `unkept check`; every problem is reported at once, in the
words of the form's questions.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.errors import FormError, UsageError
from generator.load.brand_list import brand_names, is_free_slug
from generator.load.discover import BRAND_FILE, CaseFile
from generator.load.loader import check_case, load_brand, read_template_examples
from generator.load.read import read_bytes
from generator.load.rules import NO_CONTACTS, PublicContacts
from generator.load.template import TEMPLATE
from generator.model.brand_names import describe_candidates, match_brand, slug_for

FORM_FILE = ".github/ISSUE_TEMPLATE/new-case.yml"
MAX_BODY = 64 * 1024
NO_ANSWER = "_No response_"
PROMISES = 3
"""How many promises the form holds."""
NEW_BRAND_LABEL = "new-brand"
"""The label a maintainer adds to an issue whose brand is new although close to another."""


@dataclass(frozen=True)
class Question:
    """One question of the issue form."""

    id: str
    """Which case field it fills (see the module's docstring)."""
    label: str
    """Its words, as the issue body repeats them in a `### label` heading."""
    kind: str
    """input, textarea, dropdown or checkboxes."""
    options: tuple[str, ...] = ()
    """A dropdown's options, or a checkbox list's labels."""


@dataclass(frozen=True)
class Form:
    """The questions of the issue form, in order."""

    questions: tuple[Question, ...]
    language: str = "en"
    """The language of its questions (`new-case.fr.yml` is French): the bot answers in it."""
    path: str = FORM_FILE
    """The form's file, relative to the tracker's root."""

    def label(self, question_id: str) -> str:
        """The words of the question `question_id` (its id if the form has no such question)."""
        return next((q.label for q in self.questions if q.id == question_id), question_id)


FORMS = ".github/ISSUE_TEMPLATE"
"""Where the forms are: `new-case.yml`, and one `new-case.<language>.yml` per other
language, with the same ids and option codes."""


def form_language(path: Path) -> str:
    """`fr` for `new-case.fr.yml`; English for `new-case.yml`."""
    parts = path.name.split(".")
    return parts[1] if len(parts) == 3 else "en"


def choose_form(root: Path, body: str) -> Form:
    """The tracker's form the issue was written with: the one whose questions head the most
    of its answers (the English form when none does)."""
    paths = sorted(
        (root / FORMS).glob("new-case*.yml"), key=lambda p: (p.name != "new-case.yml", p.name)
    )
    if not paths:
        return read_form(root / FORM_FILE)
    headings = {line.strip() for line in body.splitlines() if line.startswith("### ")}
    forms = [read_form(p, relative=p.relative_to(root).as_posix()) for p in paths]
    return max(forms, key=lambda f: sum(f"### {q.label}" in headings for q in f.questions))


def read_form(path: Path, relative: str = FORM_FILE) -> Form:
    """The questions of the issue form at `path`, the tracker's own file."""
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
        questions = tuple(
            Question(
                item["id"],
                item["attributes"]["label"],
                item["type"],
                tuple(
                    o["label"] if isinstance(o, dict) else str(o)
                    for o in item["attributes"].get("options", ())
                ),
            )
            for item in data["body"]
            if item["type"] != "markdown"
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise UsageError(f"{relative}: expected GitHub's issue-form format ({exc})") from exc
    return Form(questions, form_language(path), relative)


def read_answers(body: str, form: Form) -> dict[str, str]:
    """The answer under each `### label` heading of the form, by question id ("" when the
    question was left empty). Headings are looked for in the form's order, so a heading typed
    inside an answer cannot take a later question's place."""
    if len(body.encode("utf-8")) > MAX_BODY:
        raise FormError(f"the issue is larger than {MAX_BODY // 1024} KiB")
    lines = body.replace("\r\n", "\n").split("\n")
    starts: list[tuple[int, str]] = []
    position = 0
    for question in form.questions:
        for i in range(position, len(lines)):
            if lines[i].strip() == f"### {question.label}":
                starts.append((i, question.id))
                position = i + 1
                break
    answers: dict[str, str] = {}
    for n, (i, question_id) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        text = "\n".join(lines[i + 1 : end]).strip()
        answers[question_id] = "" if text == NO_ANSWER else text
    return answers


def option_code(answer: str) -> str:
    """`refund: pay money back` -> `refund`: an option's code, the text before its colon."""
    return answer.split(":", 1)[0].strip()


def _choices(answer: str) -> list[str]:
    """A multiple-choice answer, as GitHub writes it (`a: x, b: y`), as codes."""
    return [option_code(part) for part in answer.split(", ") if part.strip()]


_DATE_LIKE = re.compile(r"\d{4}-\d{2}-\d{2}(T.*)?")


def promise_data(answers: dict[str, str], n: int) -> dict[str, Any]:
    """The promise the form's questions `promise<n>_*` describe (empty when unanswered)."""

    def get(name: str) -> str:
        return answers.get(f"promise{n}_{name}", "").strip()

    promise: dict[str, Any] = {}
    if get("kind"):
        promise["kind"] = option_code(get("kind"))
    if get("made_on"):
        promise["made_on"] = get("made_on")
    if get("via"):
        promise["via"] = option_code(get("via"))
    if get("quote"):
        promise["quote"] = get("quote")
    deadline = get("deadline")
    if deadline:
        promise["due" if _DATE_LIKE.fullmatch(deadline) else "within"] = deadline
    if get("kept_on"):
        promise["kept_on"] = get("kept_on")
    links = [u.strip() for u in get("evidence").splitlines() if u.strip()]
    if links:
        promise["evidence"] = links
    return promise


def case_data(
    answers: dict[str, str], *, author: str, today: dt.date
) -> tuple[dict[str, Any], list[int]]:
    """The case the answers describe, and the form's number of each of its promises."""
    data: dict[str, Any] = {
        "title": answers.get("title", "").strip(),
        "country": answers.get("country", "").strip().upper(),
        "categories": _choices(answers.get("categories", "")),
    }
    if answers.get("channels"):
        data["channels"] = _choices(answers["channels"])
    data["opened_on"] = answers.get("opened_on", "").strip()
    data["status"] = option_code(answers.get("status", "")) or "open"
    if answers.get("closed_on"):
        data["closed_on"] = answers["closed_on"].strip()
    data["last_confirmed"] = today.isoformat()
    data["submitted_by"] = author
    if answers.get("amount"):
        data["amount"] = answers["amount"].strip()
    if answers.get("summary"):
        data["summary"] = answers["summary"].strip() + "\n"
    promises, numbers = [], []
    for n in range(1, PROMISES + 1):
        promise = promise_data(answers, n)
        if promise or n == 1:
            promises.append(promise)
            numbers.append(n)
    data["promises"] = promises
    return data, numbers


_PROMISE_FIELD = re.compile(r"promises(?:\[(\d+)\](?:\.(\w+))?)?")


def question_of(field: str, numbers: list[int]) -> str:
    """The form question a problem at `field` (`promises[1].due`) is about."""
    top = re.split(r"[.\[]", field, maxsplit=1)[0]
    promise = _PROMISE_FIELD.match(field)
    if top == "promises" and promise:
        index, name = promise.groups()
        n = numbers[int(index)] if index is not None and int(index) < len(numbers) else 1
        name = {"due": "deadline", "within": "deadline"}.get(name or "kind", name or "kind")
        return f"promise{n}_{name}"
    return top


@dataclass(frozen=True)
class Draft:
    """A case made from an issue, checked, not yet written."""

    brand: str
    """The brand's folder."""
    new_brand_name: str | None
    """The name of a brand the tracker does not have yet."""
    case_id: str
    text: str
    """The case file."""


def case_text(data: dict[str, Any], number: int) -> str:
    """The case file: the schema modeline, a provenance comment, and YAML from an emitter."""
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88, default_style=None)
    return (
        "# yaml-language-server: $schema=../../generator/schemas/case.schema.json\n"
        f"# Made from issue #{number} by unkept from-issue.\n" + body
    )


def draft(
    body: str,
    form: Form,
    *,
    root: Path,
    cases_dir: Path,
    author: str,
    number: int,
    today: dt.date,
    new_brand: bool = False,
) -> Draft:
    """The case the issue describes, checked by the rules of `unkept check`; a FormError
    listing every problem, in the words of the form's questions, when it cannot be one."""
    answers = read_answers(body, form)
    problems: list[tuple[str, str]] = []  # (question id, message)
    if "[x]" not in answers.get("consent", "").lower():
        problems.append(
            ("consent", "the box confirming that the case holds no personal data is not ticked")
        )
    brand, new_name, public = _brand(answers.get("brand", ""), root, cases_dir, new_brand)
    if isinstance(brand, Exception):
        problems.append(("brand", str(brand)))
        brand = "brand"
    data, numbers = case_data(answers, author=author, today=today)
    case_id = f"{brand}-issue-{number}"[:80]
    text = case_text(data, number)
    read = read_bytes(text.encode("utf-8"), f"issue #{number}", "case")
    found = check_case(
        read,
        CaseFile(brand, case_id, "", f"issue #{number}"),
        today,
        public,
        read_template_examples(cases_dir / TEMPLATE),
        keep=False,
    )
    problems.extend((question_of(p.field, numbers), p.message) for p in found.problems)
    if problems:
        order = {q.id: i for i, q in enumerate(form.questions)}
        problems.sort(key=lambda item: order.get(item[0], len(order)))
        raise FormError(
            f"issue #{number}: the answers cannot make a case yet",
            [f"{form.label(qid)}: {message}" for qid, message in problems],
        )
    return Draft(brand, new_name, case_id, text)


def _brand(
    answer: str, root: Path, cases_dir: Path, new_brand: bool
) -> tuple[str | Exception, str | None, PublicContacts]:
    """The brand's folder (or why there is none), its name when it is new, and its public
    contact details (not personal data in the case)."""
    written = " ".join(answer.split())
    match = match_brand(written, brand_names(cases_dir, root))
    if match.brand is not None:
        brand, _ = load_brand(match.brand.slug, cases_dir / match.brand.slug, root)
        contacts = PublicContacts.of(brand) if brand else NO_CONTACTS
        return match.brand.slug, None, contacts
    if match.candidates and not new_brand:
        return (
            FormError(
                f"{written[:80]!r} is close to brands this tracker has: "
                f"{describe_candidates(match.candidates)}. Write the brand as one of them; if it "
                f"is another brand, a maintainer adds the label {NEW_BRAND_LABEL}"
            ),
            None,
            NO_CONTACTS,
        )
    slug = slug_for(written)
    if not is_free_slug(slug) or len(written) > 80:
        return (
            FormError(f"expected a brand's name of at most 80 characters, got {written[:40]!r}"),
            None,
            NO_CONTACTS,
        )
    return slug, written, NO_CONTACTS


def write_draft(d: Draft, cases_dir: Path) -> list[Path]:
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
        handle.write(d.text)
    written.append(path)
    return written
