"""Find personal data in free text, so that nobody's details reach the public site.

People write personal data the way they write everything else: French phone numbers with
no-break spaces, e-mail addresses spelt out to dodge robots (`jane dot doe at mail dot
example`, `[at]`, `arobase`), full-width characters from a phone keyboard, IBANs in lower
case or with dashes, cards with dots. So the text is first normalised (Unicode forms and
spaces, the usual obfuscations), then searched with maintained libraries: e-mail addresses
by pattern; phone numbers with Google's libphonenumber (`phonenumbers`), in the case's
country, where toll-free, shared-cost, premium-rate and universal numbers are a business's,
not a person's; IBANs and cards only when their checksums hold (python-stdnum), cards only
in their networks' number ranges, and never numbers that are something else by their own
checksum (SIRET, SIREN, IMEI, ISBN) or that the text calls an order or a reference.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import phonenumbers
from stdnum import iban, imei, isbn, luhn
from stdnum.fr import siren, siret

from generator.load.problems import Code

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
"""An address, also URL-encoded in a link (`?email=jane%40mail.example`)."""
_DIGIT_RUN = re.compile(r"\+?[0-9][0-9 ().\-/]{5,}[0-9]")
_IBAN = re.compile(r"\b[A-Z]{2}[0-9]{2}(?:[ -]?[A-Z0-9]){11,30}\b")
_RIB = re.compile(r"(?<![0-9])([0-9]{5}) ?([0-9]{5}) ?([0-9A-Z]{11}) ?([0-9]{2})(?![0-9])")
_CARD = re.compile(r"(?<![0-9])[0-9](?:[ .-]?[0-9]){12,18}(?![0-9])")

_AT = r"(?:\s*[\[\(\{<]\s*(?:at|arobase)\s*[\]\)\}>]\s*|\s+(?:at|arobase)\s+)"
_DOT = r"(?:\s*[\[\(\{<]\s*(?:dot|point)\s*[\]\)\}>]\s*|\s+(?:dot|point)\s+|\.)"
_WORD = r"[A-Za-z0-9_%+-]+"
_SPELT_EMAIL = re.compile(
    rf"({_WORD}(?:{_DOT}{_WORD})*){_AT}({_WORD}(?:{_DOT}{_WORD})*){_DOT}([A-Za-z]{{2,}})\b",
    re.IGNORECASE,
)
_SPELT_DOT = re.compile(_DOT, re.IGNORECASE)
_BRACKETED_AT = re.compile(r"[\[\(\{<]\s*at\b")
_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_A_CARD_BEFORE = re.compile(
    r"(?:carte|card|\bcb\b|visa|mastercard|amex|american express|paid with|payé)[^0-9]{0,16}$",
    re.IGNORECASE,
)
_NOT_A_CARD_BEFORE = re.compile(
    r"(?:order|commande|ref(?:erence|érence)?|r[ée]f\.?|tracking|suivi|colis|parcel|invoice|"
    r"facture|ticket|dossier|n°|no\.|#|imei|siret|siren|isbn|contrat|contract|client)"
    r"[^0-9]{0,12}$",
    re.IGNORECASE,
)
_BUSINESS_LINES = frozenset(
    {
        phonenumbers.PhoneNumberType.TOLL_FREE,
        phonenumbers.PhoneNumberType.PREMIUM_RATE,
        phonenumbers.PhoneNumberType.SHARED_COST,
        phonenumbers.PhoneNumberType.UAN,
    }
)
"""Numbers a business pays or charges for: its hotline, never a person's own line."""
_BUSINESS_PREFIXES = ("+33969", "+33970")
"""French "09 69" and "09 70" lines: numbers the regulator reserves for customer services."""


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


def normalise(text: str) -> str:
    """The text as the matchers read it: full-width and other compatibility forms folded
    (NFKC: the full-width at sign is `@`), every kind of space a plain one. Offsets stay
    those of the original text: a character whose folded form is longer is left as it is."""
    if text.isascii():
        return text  # nothing to fold, and no space but the plain one
    folded = unicodedata.normalize("NFKC", text)
    if len(folded) != len(text):  # a ligature or the like: keep offsets, fold what we can
        folded = "".join(
            unicodedata.normalize("NFKC", c) if len(unicodedata.normalize("NFKC", c)) == 1 else c
            for c in text
        )
    return _SPACES.sub(" ", folded)


def _is_card(digits: str) -> bool:
    """A number in a card network's range, of that network's length, with a valid Luhn."""
    n, head2, head4 = len(digits), int(digits[:2]), int(digits[:4])
    in_range = (
        (digits[0] == "4" and n in (13, 16, 19))  # Visa
        or ((51 <= head2 <= 55 or 2221 <= head4 <= 2720) and n == 16)  # Mastercard
        or (head2 in (34, 37) and n == 15)  # American Express
        or ((head4 == 6011 or head2 == 65 or 644 <= int(digits[:3]) <= 649) and n in (16, 19))
        or (3528 <= head4 <= 3589 and n in (16, 19))  # JCB
        or ((300 <= int(digits[:3]) <= 305 or head2 in (36, 38)) and n in (14, 16))  # Diners
        or (head2 == 62 and 16 <= n <= 19)  # UnionPay
        or ((head2 == 50 or 56 <= head2 <= 69) and 12 <= n <= 19 and head2 not in (62, 65))
    )
    return in_range and luhn.is_valid(digits)


def _holds_an_iban(run: str) -> bool:
    """Whether `run` begins with a valid IBAN: the pattern may have run on into the next
    word ("... 42 PLEASE"), so shorter runs are tried, ending where a group ends."""
    ends = [len(run), *(i for i in range(len(run) - 1, 14, -1) if run[i] in " -")]
    return any(iban.is_valid(run[:end]) for end in ends)


def _is_something_else(digits: str) -> bool:
    """A number that its own checksum says is a company's, a device's or a book's."""
    return (
        (len(digits) == 14 and siret.is_valid(digits))
        or (len(digits) == 9 and siren.is_valid(digits))
        or (len(digits) == 15 and not digits.startswith(("34", "37")) and imei.is_valid(digits))
        or (len(digits) == 13 and digits.startswith(("978", "979")) and isbn.is_valid(digits))
    )


def _rib_is_valid(bank: str, branch: str, account: str, key: str) -> bool:
    """The French RIB key: 97 - (89 bank + 15 branch + 3 account) mod 97, letters as digits."""
    letters = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789")
    number = int(account.translate(letters))
    return 97 - (89 * int(bank) + 15 * int(branch) + 3 * number) % 97 == int(key)


def _is_business_line(number: phonenumbers.PhoneNumber) -> bool:
    if phonenumbers.number_type(number) in _BUSINESS_LINES:
        return True
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164.startswith(_BUSINESS_PREFIXES)


def find_personal_data(text: str, country: str) -> list[Finding]:
    """Every e-mail address, phone number, IBAN, RIB and card number in `text`."""
    plain = normalise(text)
    found = (
        [
            Finding(
                "an e-mail address", m.start(), _mask(m.group()), Code.CASE_PII_EMAIL, m.group()
            )
            for m in _EMAIL.finditer(plain)
        ]
        if "@" in plain or "%40" in plain  # the pattern is slow to fail: look first
        else []
    )
    low = plain.lower()
    if " at " in low or "arobase" in low or _BRACKETED_AT.search(low):
        seen = {f.offset for f in found}
        for m in _SPELT_EMAIL.finditer(plain):
            if m.start() not in seen and _looks_spelt(m):
                address = (
                    (_SPELT_DOT.sub(".", m.group(1)) + "@" + _SPELT_DOT.sub(".", m.group(2)))
                    + "."
                    + m.group(3)
                )
                found.append(
                    Finding(
                        "an e-mail address", m.start(), _mask(m.group()), Code.CASE_PII_EMAIL,
                        address,
                    )
                )  # fmt: skip
    if not _DIGIT_RUN.search(plain):
        return sorted(found, key=lambda f: f.offset)
    upper = plain.upper()
    for m in _IBAN.finditer(upper):
        if _holds_an_iban(m.group()):
            found.append(Finding("an IBAN", m.start(), _mask(m.group()), Code.CASE_PII_IBAN))
    for m in _RIB.finditer(upper):
        if _rib_is_valid(*m.groups()):
            found.append(
                Finding("a bank account (RIB)", m.start(), _mask(m.group()), Code.CASE_PII_IBAN)
            )
    covered = {f.offset for f in found}
    for m in _CARD.finditer(plain):
        digits = re.sub(r"[^0-9]", "", m.group())
        if m.start() in covered or not _is_card(digits) or _is_something_else(digits):
            continue
        before = plain[max(0, m.start() - 30) : m.start()]
        if not _A_CARD_BEFORE.search(before) and _NOT_A_CARD_BEFORE.search(before):
            continue  # "order 4111 1111 ...": a reference, unless the text says card
        found.append(
            Finding("a payment card number", m.start(), _mask(m.group()), Code.CASE_PII_CARD)
        )
        covered.add(m.start())
    for match in phonenumbers.PhoneNumberMatcher(plain, country, phonenumbers.Leniency.VALID):
        if match.start in covered or _is_business_line(match.number):
            continue
        digits = re.sub(r"[^0-9]", "", match.raw_string)
        if _is_something_else(digits):
            continue
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


def _looks_spelt(m: re.Match[str]) -> bool:
    """A spelt-out address, not a sentence. A bracketed `[at]` or `arobase` says so; a bare
    " at " does only with a spelt dot (` dot `, `[dot]`, ` point `) or a local part that looks
    like one (`jane.doe at mail.example`, not `bought it at shop.example`)."""
    written = m.group().lower()
    if re.search(r"[\[\(\{<]\s*(?:at|arobase)|\barobase\b", written):
        return True
    if re.search(r"[\[\(\{<]\s*(?:dot|point)|\s(?:dot|point)\s", written):
        return True
    return bool(re.search(r"[._0-9]", m.group(1)))
