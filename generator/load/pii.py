"""Find personal data in free text, so that nobody's details reach the public site.

E-mail addresses by pattern; phone numbers with Google's libphonenumber (`phonenumbers`), in
the case's country; IBANs and payment card numbers only when their checksums hold (python-stdnum),
so that order and case numbers are not mistaken for them. Cheap patterns run first; the
expensive matchers only see text that has a long enough run of digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import phonenumbers
from stdnum import iban, luhn

from generator.load.problems import Code

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_DIGIT_RUN = re.compile(r"\+?[0-9][0-9 ().\-/]{5,}[0-9]")
_IBAN = re.compile(r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}\b")
_CARD = re.compile(r"(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])")


@dataclass(frozen=True)
class Finding:
    """Personal data found in a text."""

    kind: str
    """What it looks like: `an e-mail address`, `a phone number`, ..."""
    offset: int
    """Where it starts in the text (0-based)."""
    masked: str
    """A hint that locates it without repeating it in public logs: `jo…`."""
    code: Code
    """The problem code it is reported under."""
    value: str = field(default="", repr=False)
    """What was found, for comparing with a brand's public contacts; never printed."""


def _mask(value: str) -> str:
    return value[:2] + "…"


def find_personal_data(text: str, country: str) -> list[Finding]:
    """Every e-mail address, phone number, IBAN and card number in `text`."""
    found = [
        Finding("an e-mail address", m.start(), _mask(m.group()), Code.CASE_PII_EMAIL, m.group())
        for m in _EMAIL.finditer(text)
    ]
    if not _DIGIT_RUN.search(text):
        return found
    for m in _IBAN.finditer(text):
        if iban.is_valid(m.group()):
            found.append(Finding("an IBAN", m.start(), _mask(m.group()), Code.CASE_PII_IBAN))
    for m in _CARD.finditer(text):
        digits = re.sub(r"[^0-9]", "", m.group())
        if digits[0] in "23456" and luhn.is_valid(digits):
            found.append(
                Finding("a payment card number", m.start(), _mask(m.group()), Code.CASE_PII_CARD)
            )
    covered = {f.offset for f in found}
    for match in phonenumbers.PhoneNumberMatcher(text, country, phonenumbers.Leniency.VALID):
        if match.start not in covered:
            found.append(
                Finding(
                    "a phone number",
                    match.start,
                    _mask(match.raw_string),
                    Code.CASE_PII_PHONE,
                    match.raw_string,
                )
            )
    return sorted(found, key=lambda f: f.offset)
