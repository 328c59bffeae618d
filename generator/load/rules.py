"""Named rules that a schema cannot express: timelines that make sense and no personal
data. Each rule is a small pure function returning (path, message) pairs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urlsplit

import phonenumbers

from generator.load.pii import Finding, find_personal_data
from generator.load.problems import Code
from generator.load.template import TEMPLATE_HANDLE
from generator.load.yamlsafe import Path, format_path
from generator.model.values import Brand, Case, Moment


class Violation(NamedTuple):
    """A rule broken at one place of a case."""

    path: Path
    """Where in the document: `("promises", 0, "due")`."""
    message: str
    """What was expected and what arrived."""
    code: Code


def is_not_before(
    later: dt.date | None, earlier: dt.date | None, path: Path, what: str
) -> Iterator[Violation]:
    """`later` (at `path`) must not fall before `earlier`."""
    if later is not None and earlier is not None and later < earlier:
        message = f"expected a date on or after {what} ({earlier}), got {later}"
        yield Violation(path, message, Code.CASE_DATE_ORDER)


def is_not_after(day: dt.date | None, limit: dt.date, path: Path) -> Iterator[Violation]:
    """A recorded event cannot have happened after the as-of day."""
    if day is not None and day > limit:
        message = f"expected a date on or before the as-of date {limit}, got {day}"
        yield Violation(path, message, Code.CASE_DATE_FUTURE)


@dataclass(frozen=True)
class PublicContacts:
    """A brand's own public contact details: not personal data where a case or reply gives
    them (its support address, its hotline)."""

    emails: frozenset[str] = frozenset()
    """Addresses listed in brand.yml, lower case."""
    domains: frozenset[str] = frozenset()
    """The website's host: any address at it (or a sub-domain) is the brand's."""
    phones: frozenset[str] = frozenset()
    """Numbers listed in brand.yml, as digits only (national and international forms)."""

    @classmethod
    def of(cls, brand: Brand) -> PublicContacts:
        host = urlsplit(brand.website).hostname if brand.website else None
        domains = {host.removeprefix("www.")} if host else set()
        emails = {c.strip().lower() for c in brand.contacts if "@" in c}
        phones: set[str] = set()
        for contact in brand.contacts:
            if "@" not in contact:
                phones.update(_phone_forms(contact, brand.country or "FR"))
        return cls(frozenset(emails), frozenset(domains), frozenset(phones))

    def allows(self, finding: Finding, country: str) -> bool:
        """Whether `finding` is one of these public details."""
        if finding.code == Code.CASE_PII_EMAIL:
            address = finding.value.lower()
            domain = address.rpartition("@")[2]
            return address in self.emails or any(
                domain == d or domain.endswith("." + d) for d in self.domains
            )
        if finding.code == Code.CASE_PII_PHONE:
            return bool(_phone_forms(finding.value, country) & self.phones)
        return False


def _phone_forms(text: str, country: str) -> set[str]:
    """A phone number's digits, in its E.164 form when it parses, and as written."""
    forms = {re.sub(r"[^0-9]", "", text)}
    try:
        number = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException:
        return forms
    forms.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:])
    return forms


NO_CONTACTS = PublicContacts()


def has_no_personal_data(
    text: str | None, country: str, path: Path, public: PublicContacts = NO_CONTACTS
) -> Iterator[Violation]:
    """Free text must not publish anyone's e-mail, phone, IBAN or card number (the brand's own
    public contact details aside)."""
    if not text:
        return
    for finding in find_personal_data(text, country):
        if public.allows(finding, country):
            continue
        message = (
            f"expected no personal data, got what looks like {finding.kind} "
            f"(starting {finding.masked!r} at character {finding.offset + 1}); "
            "remove it or replace it with [redacted]"
        )
        yield Violation(path, message, finding.code)


def _day(moment: Moment | None) -> dt.date | None:
    return moment.day if moment else None


def positions_are_sound(case: Case) -> Iterator[Violation]:
    """A brand's position names a promise of the case, and a claimed day falls between the
    day the promise was made and the day of the reply that claims it."""
    for i, reply in enumerate(case.brand_reply):
        for j, position in enumerate(reply.positions):
            at: Path = ("brand_reply", i, "promises", j)
            count = len(case.promises)
            if not 1 <= position.promise <= count:
                yield Violation(
                    (*at, "promise"),
                    f"expected the number of one of the case's promises (1 to {count}), "
                    f"got {position.promise}",
                    Code.CASE_POSITION_PROMISE,
                )
                continue
            if position.kept_on is None:
                continue
            made = case.promises[position.promise - 1].made.day
            kept = position.kept_on.day
            yield from is_not_before(
                kept, made, (*at, "kept_on"), f"promise {position.promise} was made"
            )
            if kept > reply.date:
                yield Violation(
                    (*at, "kept_on"),
                    f"expected a date on or before the reply's date ({reply.date}), got {kept}",
                    Code.CASE_DATE_ORDER,
                )


def case_violations(
    case: Case, as_of: dt.date, public: PublicContacts = NO_CONTACTS
) -> list[Violation]:
    """Every rule broken by `case` on the day `as_of`; `public` are its brand's contacts."""
    out: list[Violation] = []
    add = out.extend
    add(positions_are_sound(case))
    add(is_not_before(case.closed_on, case.opened_on, ("closed_on",), "opened_on"))
    add(is_not_before(case.last_confirmed, case.opened_on, ("last_confirmed",), "opened_on"))
    for name in ("opened_on", "closed_on", "last_confirmed"):
        add(is_not_after(getattr(case, name), as_of, (name,)))
    country = case.country
    add(has_no_personal_data(case.title, country, ("title",), public))
    add(has_no_personal_data(case.summary, country, ("summary",), public))
    for p in case.promises:
        at: Path = ("promises", p.index)
        add(is_not_before(_day(p.kept), p.made.day, (*at, "kept_on"), "made_on"))
        add(is_not_before(_day(p.due), p.made.day, (*at, "due"), "made_on"))
        add(is_not_after(p.made.day, as_of, (*at, "made_on")))
        add(is_not_after(_day(p.kept), as_of, (*at, "kept_on")))
        add(has_no_personal_data(p.quote, country, (*at, "quote"), public))
        add(has_no_personal_data(p.note, country, (*at, "note"), public))
        add(has_no_personal_data(p.claim_rejected, country, (*at, "claim_rejected"), public))
    for i, entry in enumerate(case.timeline):
        add(is_not_after(entry.date.day, as_of, ("timeline", i, "date")))
        add(has_no_personal_data(entry.text, country, ("timeline", i, "text"), public))
    for i, reply in enumerate(case.brand_reply):
        add(is_not_after(reply.date, as_of, ("brand_reply", i, "date")))
        add(has_no_personal_data(reply.text, country, ("brand_reply", i, "text"), public))
        for j, position in enumerate(reply.positions):
            at = ("brand_reply", i, "promises", j, "disputes")
            add(has_no_personal_data(position.disputes, country, at, public))
    add(has_no_personal_data(case.withdrawn_reason, country, ("withdrawn_reason",), public))
    for i, source in enumerate(case.sources):
        add(has_no_personal_data(source.title, country, ("sources", i, "title"), public))
        add(has_no_personal_data(_query(source.url), country, ("sources", i, "url"), public))
    for p in case.promises:
        for j, link in enumerate(p.evidence):
            at = ("promises", p.index, "evidence", j)
            add(has_no_personal_data(_query(link), country, at, public))
    for i, reply in enumerate(case.brand_reply):
        add(has_no_personal_data(_query(reply.url), country, ("brand_reply", i, "url"), public))
    return out


def _query(url: str | None) -> str | None:
    """The part of a link that carries what someone typed in a form (`?email=...&tel=...`)."""
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.query} {parts.fragment}".strip() or None


STRUCTURED = frozenset(
    {
        "country",
        "categories",
        "channels",
        "opened_on",
        "status",
        "closed_on",
        "last_confirmed",
        "submitted_by",
        "amount",
        "kind",
        "made_on",
        "via",
        "due",
        "within",
        "kept_on",
        "evidence",
        "date",
        "channel",
        "url",
        "promise",
    }
)
"""Fields whose values are codes, dates or links: every other text is free text."""


def free_texts(data: object, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """Every free-text value of a parsed document, with its path: the fields the format names
    and any field it does not (a misspelt `sumary:` is still published text)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key not in STRUCTURED:
                yield from free_texts(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from free_texts(value, (*path, i))
    elif isinstance(data, str):
        yield path, data


def _written_day(value: object) -> dt.date | None:
    """The day a date or date-time value names, when it is one (else the schema says why)."""
    if not isinstance(value, str):
        return None
    try:
        return (
            dt.datetime.fromisoformat(value).date()
            if "T" in value
            else dt.date.fromisoformat(value)
        )
    except ValueError:
        return None


def _items(data: dict, key: str) -> list[tuple[int, dict]]:
    value = data.get(key)
    return (
        [(i, x) for i, x in enumerate(value) if isinstance(x, dict)]
        if isinstance(value, list)
        else []
    )


def document_violations(
    data: dict, as_of: dt.date, public: PublicContacts = NO_CONTACTS
) -> list[Violation]:
    """The rules of `case_violations`, on a case that parsed but broke the schema: every part
    that can be read is checked, so that one run reports every problem of the file."""
    written = data.get("country")
    known = isinstance(written, str) and phonenumbers.country_code_for_region(written) != 0
    country = written if known else "FR"  # as brand files without a country
    out: list[Violation] = []
    add = out.extend
    for path, text in free_texts(data):
        add(has_no_personal_data(text, country, path, public))
    opened = _written_day(data.get("opened_on"))
    for name in ("opened_on", "closed_on", "last_confirmed"):
        add(is_not_after(_written_day(data.get(name)), as_of, (name,)))
    for name in ("closed_on", "last_confirmed"):
        add(is_not_before(_written_day(data.get(name)), opened, (name,), "opened_on"))
    for i, promise in _items(data, "promises"):
        made = _written_day(promise.get("made_on"))
        add(is_not_after(made, as_of, ("promises", i, "made_on")))
        add(is_not_after(_written_day(promise.get("kept_on")), as_of, ("promises", i, "kept_on")))
        for name in ("kept_on", "due"):
            add(
                is_not_before(
                    _written_day(promise.get(name)), made, ("promises", i, name), "made_on"
                )
            )
    for key in ("timeline", "brand_reply"):
        for i, entry in _items(data, key):
            add(is_not_after(_written_day(entry.get("date")), as_of, (key, i, "date")))
    return out


def is_not_the_template(data: dict, examples: frozenset[str]) -> Iterator[Violation]:
    """A case in its own words: no free text left as the template's example, and a real
    submitter instead of the template's placeholder."""
    if data.get("submitted_by") == TEMPLATE_HANDLE:
        yield Violation(
            ("submitted_by",),
            f"expected your GitHub user name, got the template's placeholder {TEMPLATE_HANDLE!r}",
            Code.CASE_TEMPLATE_TEXT,
        )
    if not examples:
        return
    for path, text in free_texts(data):
        if " ".join(text.split()) in examples:
            yield Violation(
                path,
                "expected your own words, got the template's example text; "
                "replace it (or remove the field if it is optional)",
                Code.CASE_TEMPLATE_TEXT,
            )


def template_examples(data: object) -> frozenset[str]:
    """The example texts of the case template, whitespace-normalised, to refuse them in cases."""
    return frozenset(" ".join(text.split()) for _, text in free_texts(data) if text.strip())


def swallowed_promises(data: dict) -> Iterator[Violation]:
    """A hint for the usual way promises go missing: `promises:` indented into the text
    above it, which YAML then reads as more text."""
    if "promises" in data:
        return
    for path, text in free_texts(data):
        if re.search(r"(?m)^\s*promises:\s*$", text):
            yield Violation(
                ("promises",),
                f"missing; the text of {format_path(path)} contains a line `promises:`: "
                "it is indented as part of that text; start `promises:` at the beginning of "
                "its line, with no spaces before it",
                Code.SCHEMA_REQUIRED,
            )
            return


ACCOUNT_HOSTS = {
    "twitter": ("twitter.com", "x.com"),
    "facebook": ("facebook.com",),
    "instagram": ("instagram.com",),
}
"""Where each kind of public account posts: a proof there must be under the account's path."""


def proves_on_the_brands_own_pages(proof: str, brand: Brand) -> bool:
    """Whether `proof` is on the brand's website (or a sub-domain), or a page of one of its
    listed accounts (`https://x.com/AcmeHelp/status/1`)."""
    parts = urlsplit(proof)
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    site = urlsplit(brand.website).hostname if brand.website else None
    if site and (
        host == site.removeprefix("www.") or host.endswith("." + site.removeprefix("www."))
    ):
        return True
    first = parts.path.strip("/").split("/")[0].casefold()
    return any(
        host in ACCOUNT_HOSTS.get(channel, ()) and first == handle.lstrip("@").casefold()
        for channel, handle in brand.accounts
    )


def is_a_contact(contact: str, country: str) -> bool:
    """An e-mail address, or a phone number valid in `country` (or in international form)."""
    if "@" in contact:
        return bool(_EMAIL_ADDRESS.fullmatch(contact.strip()))
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(contact, country))
    except phonenumbers.NumberParseException:
        return False


_EMAIL_ADDRESS = re.compile(r"[^@\s]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def brand_violations(brand: Brand) -> list[Violation]:
    """Every rule broken by a brand file: each contact is an e-mail address or a phone
    number, and each maintainer's proof is the brand's own page."""
    out = []
    public = PublicContacts.of(brand)
    country = brand.country or "FR"
    out.extend(has_no_personal_data(brand.name, country, ("name",), public))
    for i, alias in enumerate(brand.aliases):
        out.extend(has_no_personal_data(alias, country, ("aliases", i), public))
    for i, (_, proof) in enumerate(brand.proofs):
        out.extend(
            has_no_personal_data(_query(proof), country, ("maintainers", i, "proof"), public)
        )
    for i, contact in enumerate(brand.contacts):
        if not is_a_contact(contact, brand.country or "FR"):
            out.append(
                Violation(
                    ("contacts", i),
                    f"expected an e-mail address or a phone number, got {contact!r}",
                    Code.BRAND_CONTACT,
                )
            )
    for i, (login, proof) in enumerate(brand.proofs):
        if not proves_on_the_brands_own_pages(proof, brand):
            out.append(
                Violation(
                    ("maintainers", i, "proof"),
                    f"expected a page of the brand's website or of one of its listed accounts "
                    f"naming {login}, got {proof!r}",
                    Code.BRAND_PROOF,
                )
            )
    return out


def latest_recorded_day(case: Case) -> dt.date:
    """The latest day the case records as past: valid only for as-of days on or after it."""
    days = [
        case.opened_on,
        case.last_confirmed,
        case.closed_on,
        *(p.made.day for p in case.promises),
        *(p.kept.day for p in case.promises if p.kept),
        *(t.date.day for t in case.timeline),
        *(r.date for r in case.brand_reply),
        *(x.kept_on.day for r in case.brand_reply for x in r.positions if x.kept_on),
    ]
    return max(d for d in days if d is not None)
