"""Problems found in contributors' files, and how they are printed.

Every check returns problems instead of raising, so that one run reports all of them at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from enum import StrEnum


class Code(StrEnum):
    """A stable name for each kind of problem, printed by `unkept check --format json`.

    Messages may be reworded; codes are not renamed, so programs and tests can rely on them.
    """

    FILE_UNREADABLE = "file.unreadable"
    """The file exists but cannot be read."""
    FILE_TOO_LARGE = "file.too-large"
    """Over the size limit (256 KiB)."""
    FILE_ENCODING = "file.encoding"
    """Not UTF-8 text."""
    FILE_SYMLINK = "file.symlink"
    """A symbolic link where a real file or folder is expected."""
    FILE_MISPLACED = "file.misplaced"
    """A file or folder where none belongs (a case outside a brand folder, a sub-folder)."""
    FILE_NAME = "file.name"
    """A brand folder or case file name that is not a slug."""
    FILE_OUTSIDE = "file.outside-cases"
    """A path named on the command line that lies outside the cases folder."""
    BRAND_MISSING = "brand.missing"
    """A brand folder with cases but no brand.yml."""
    YAML_SYNTAX = "yaml.syntax"
    """Not valid YAML."""
    YAML_EMPTY = "yaml.empty"
    """An empty file."""
    YAML_ANCHOR = "yaml.anchor"
    """Anchors and aliases (& and *), refused."""
    YAML_TAG = "yaml.tag"
    """Explicit tags (!!python/...), refused."""
    YAML_DUPLICATE_KEY = "yaml.duplicate-key"
    """A key given twice in one mapping."""
    YAML_KEY = "yaml.key"
    """A key that is not plain text (a list, or a word YAML 1.1 reads as a boolean)."""
    YAML_AMBIGUOUS = "yaml.ambiguous"
    """A plain value YAML 1.1 reads as something else than it looks (no, 0123, 1:30)."""
    TEXT_CONTROL = "text.control-character"
    """A control character (or U+FFFE, U+FFFF) written as an escape: XML and iCalendar forbid it."""
    YAML_DEPTH = "yaml.depth"
    """Nested too deep."""
    SCHEMA_NOT_MAPPING = "schema.not-a-mapping"
    """The document is not a mapping of fields."""
    SCHEMA_UNKNOWN_FIELD = "schema.unknown-field"
    """A field the format does not have."""
    SCHEMA_REQUIRED = "schema.required"
    """A required field is missing."""
    SCHEMA_FORBIDDEN = "schema.forbidden"
    """A field that must not be there (given what else is)."""
    SCHEMA_VALUE = "schema.value"
    """A value of the wrong type, form or range."""
    CASE_ID_DUPLICATE = "case.id.duplicate"
    """Two case files with one id."""
    CASE_DATE_ORDER = "case.date.order"
    """A date before the one it follows (kept before made, closed before opened)."""
    CASE_DATE_FUTURE = "case.date.future"
    """An event recorded after the as-of day."""
    CASE_TEMPLATE_TEXT = "case.template-text"
    """The template's example text or placeholder, left in a case."""
    CASE_POSITION_PROMISE = "case.position.promise"
    """A brand's position names a promise the case does not have."""
    BRAND_CONTACT = "brand.contact"
    """A brand's listed contact is neither an e-mail address nor a phone number."""
    BRAND_PROOF = "brand.proof"
    """A maintainer's proof is not a page of the brand's website or of its listed accounts."""
    CASE_CURRENCY = "case.currency"
    """An amount in a currency that does not exist (checked by the schema, as editors do)."""
    CASE_PII_EMAIL = "case.pii.email"
    """An e-mail address in free text."""
    CASE_PII_PHONE = "case.pii.phone"
    """A phone number in free text."""
    CASE_PII_IBAN = "case.pii.iban"
    """An IBAN in free text."""
    CASE_PII_CARD = "case.pii.card"
    """A payment card number in free text."""
    PR_SUBMITTER_IS_AUTHOR = "pr.submitter-is-author"
    """A pull request adds a case in someone else's name."""
    PR_CASE_OWNER = "pr.case-owner"
    """A pull request edits a case its author did not submit."""
    PR_SUBMITTER_UNCHANGED = "pr.submitter-unchanged"
    """A pull request changes who submitted a case."""
    PR_BRAND_REPLY = "pr.brand-reply"
    """A reply added by someone who is not one of the brand's maintainers."""
    PR_REPLIES_APPEND_ONLY = "pr.replies-append-only"
    """Earlier replies edited or removed."""
    PR_BRAND_FILE = "pr.brand-file"
    """A brand file edited or deleted by someone who is not a tracker maintainer."""
    PR_BRAND_MAINTAINERS = "pr.brand-maintainers"
    """A brand's maintainers named by someone who is not a tracker maintainer."""
    PR_TRACKER_FILE = "pr.tracker-file"
    """The tracker's settings, template, archive or another file that is neither a brand nor a
    case, changed by someone who is not a tracker maintainer."""
    PR_NEVER_DELETE = "pr.never-delete"
    """A case deleted or renamed."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, at one place."""

    file: str
    """Path of the file, relative to the project root, with forward slashes."""
    line: int
    """1-based line of the offending value (1 when the whole file is at fault)."""
    column: int
    """1-based column of the offending value."""
    field: str
    """Where in the document: `promises[0].due`; empty when the whole file is at fault."""
    message: str
    """What was expected and what arrived."""
    code: Code
    """What kind of problem it is, stable across versions."""

    def at(self, file: str) -> Problem:
        """The same problem, in `file` (readers find problems before they know the name)."""
        return replace(self, file=file)

    def text(self) -> str:
        """`cases/acme/foo.yml:12:5: promises[0].due: expected ..., got 'soon'`."""
        where = f"{self.field}: " if self.field else ""
        return f"{self.file}:{self.line}:{self.column}: {where}{self.message}"

    def github(self) -> str:
        """A GitHub Actions workflow command, shown as an annotation on the line."""
        where = f"{self.field}: " if self.field else ""
        body = _escape_data(f"{where}{self.message}")
        file = _escape_property(self.file)
        return f"::error file={file},line={self.line},col={self.column}::{body}"


def _escape_data(value: str) -> str:
    # Workflow commands treat %, CR and LF specially in the message part.
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Deterministic order: by file, then position, then message."""
    return sorted(set(problems))


def render_problems(problems: list[Problem], fmt: str) -> str:
    """Format problems as `text`, `github` annotations or `json`."""
    if fmt == "json":
        return json.dumps([asdict(p) for p in problems], indent=2, ensure_ascii=False)
    if fmt == "github":
        return "\n".join(p.github() for p in problems)
    return "\n".join(p.text() for p in problems)
