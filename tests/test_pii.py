"""Personal-data detection: what it must catch, and ordinary text it must leave alone."""

from __future__ import annotations

import pytest

from generator.load.pii import find_personal_data


@pytest.mark.parametrize(
    ("text", "country", "kind"),
    [
        ("mail me: jane.doe+x@mail.example", "FR", "an e-mail address"),
        ("my mobile 06 12 34 56 78", "FR", "a phone number"),
        ("call 0612345678 please", "FR", "a phone number"),
        ("ring +33 6 12 34 56 78", "GB", "a phone number"),
        ("phone 020 7946 0958", "GB", "a phone number"),
        ("IBAN DE89370400440532013000", "DE", "an IBAN"),
        ("card 5555-5555-5555-4444", "FR", "a payment card number"),
        ("amex 3782 822463 10005", "FR", "a payment card number"),
    ],
)
def test_finds_personal_data(text, country, kind):
    assert [f.kind for f in find_personal_data(text, country)] == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "Order FR-2026-11834 was refunded on 2026-08-19.",
        "Case number 4711, ticket 2026/1103, 1249.00 EUR.",
        "Refund of £649.99 within 14 days, reference 1234 5678.",
        "The adviser promised a callback at 18:30 on 2026-10-02.",
        "IBAN-like but wrong checksum: FR76 3000 6000 0112 3456 7890 180",
        "Order 4111 1111 1111 1112 (fails the Luhn check)",
        "Write to the brand on https://social.example/NortevaHelp/status/1001",
    ],
)
def test_leaves_ordinary_text_alone(text):
    assert find_personal_data(text, "FR") == []


def test_findings_do_not_repeat_the_data():
    (finding,) = find_personal_data("mail jane.doe@mail.example", "FR")
    assert finding.masked == "ja…"
