"""`unkept check` on bad input: the exact message, the exit status, and never a traceback."""

from __future__ import annotations

import json
import os
import time

import pytest

from tests.support import AS_OF, VALID_CASE

BASE = VALID_CASE.split("promises:")[0]
PROMISE = "promises:\n  - kind: callback\n    made_on: 2026-10-01\n"
FILE = "cases/acme/acme-case.yml"
LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)

REPLY = "brand_reply:\n  - date: 2026-10-05\n    text: We called.\n    promises:\n"

# (id, file content, the one message expected for it)
BAD_INPUTS = [
    (
        "position-on-a-missing-promise",
        VALID_CASE + REPLY + "      - promise: 3\n        kept_on: 2026-10-04\n",
        "16:18: brand_reply[0].promises[0].promise: expected the number of one of the case's "
        "promises (1 to 1), got 3",
    ),
    (
        "claimed-before-the-promise",
        VALID_CASE + REPLY + "      - promise: 1\n        kept_on: 2026-09-04\n",
        "17:18: brand_reply[0].promises[0].kept_on: expected a date on or after promise 1 was "
        "made (2026-10-01), got 2026-09-04",
    ),
    (
        "claimed-after-the-reply",
        VALID_CASE + REPLY + "      - promise: 1\n        kept_on: 2026-10-06\n",
        "17:18: brand_reply[0].promises[0].kept_on: expected a date on or before the reply's "
        "date (2026-10-05), got 2026-10-06",
    ),
    (
        "claim-and-dispute-at-once",
        VALID_CASE
        + REPLY
        + "      - promise: 1\n        kept_on: 2026-10-04\n        disputes: No.\n",
        "18:9: brand_reply[0].promises[0].disputes: expected either kept_on or disputes, not both",
    ),
    (
        "withdrawn-reason-on-an-open-case",
        VALID_CASE + "withdrawn_reason: Settled.\n",
        "5:9: status: expected status: withdrawn with a withdrawn_reason, got 'open'",
    ),
    (
        "personal-data-in-a-rejection",
        VALID_CASE.replace(
            "    due: 2026-10-03\n",
            "    due: 2026-10-03\n    claim_rejected: Call me on 06 12 34 56 78.\n",
        ),
        "12:21: promises[0].claim_rejected: expected no personal data, got what looks like a "
        "phone number (starting '06…' at character 12); remove it or replace it with [redacted]",
    ),
    (
        "malformed-yaml",
        BASE + "promises: [\n",
        "9:1: expected valid YAML, but while parsing a flow node did not find expected node content",
    ),
    (
        "duplicate-key",
        BASE + "title: again\n" + PROMISE,
        "8:1: title: duplicate key; 'title' was already given on line 1",
    ),
    (
        "yaml11-boolean",
        BASE + "summary: no\n" + PROMISE,
        "8:10: summary: expected true or false (or text in quotes), got 'no', which YAML 1.1 reads "
        "as a yes/no value",
    ),
    (
        "yaml11-boolean-key",
        BASE + "on: 2026-10-01\n" + PROMISE,
        "8:1: on: expected a field name, got 'on', which YAML 1.1 reads as a yes/no value; put it "
        "in quotes if it is meant",
    ),
    (
        "yaml11-octal",
        BASE + "amount: 0123\n" + PROMISE,
        "8:9: amount: expected a plain decimal number like 12 (or text in quotes), got '0123', "
        "which YAML 1.1 reads as a number",
    ),
    (
        "yaml11-sexagesimal",
        BASE + PROMISE + "    within: 1:30\n",
        "11:13: promises[0].within: expected a plain decimal number like 12 (or text in quotes), "
        "got '1:30', which YAML 1.1 reads as a number",
    ),
    (
        "yaml11-date",
        BASE.replace("opened_on: 2026-10-01", "opened_on: 2026-10-01 10:00:00") + PROMISE,
        "4:12: opened_on: expected an ISO 8601 date like 2026-01-31 or a date-time with its UTC "
        "offset like 2026-01-31T09:30:00+01:00 (or text in quotes), got '2026-10-01 10:00:00', "
        "which YAML 1.1 reads as a date",
    ),
    (
        "datetime-without-offset",
        BASE + "promises:\n  - kind: callback\n    made_on: 2026-10-01T10:00:00\n",
        "10:14: promises[0].made_on: expected an ISO 8601 date like 2026-01-31 or a date-time with "
        "its UTC offset like 2026-01-31T09:30:00+01:00 (or text in quotes), got "
        "'2026-10-01T10:00:00', which YAML 1.1 reads as a date",
    ),
    (
        "explicit-tag",
        BASE + "summary: !!python/object:os.system echo\n" + PROMISE,
        "8:10: tags such as 'tag:yaml.org,2002:python/object:os.system' are not allowed; expected "
        "plain values (quote text if needed)",
    ),
    (
        "billion-laughs",
        LAUGHS,
        "1:4: anchors and aliases (& and *) are not allowed; expected each value written out in full",
    ),
    (
        "not-a-date",
        BASE + PROMISE + "    due: soon\n",
        "11:10: promises[0].due: expected a date like 2026-01-31 or a date-time with its UTC offset "
        "like 2026-01-31T09:30:00+01:00, got 'soon'",
    ),
    (
        "impossible-date",
        BASE.replace("opened_on: 2026-10-01", "opened_on: 2026-02-30") + PROMISE,
        "4:12: opened_on: expected a date like 2026-01-31, got '2026-02-30'",
    ),
    (
        "due-and-within",
        BASE + PROMISE + "    due: 2026-10-05\n    within: 2 days\n",
        "12:5: promises[0].within: expected either due or within, not both",
    ),
    (
        "bad-delay",
        BASE + PROMISE + "    within: soon\n",
        '11:13: promises[0].within: expected a delay like "48 hours", "14 days", "2 weeks" or '
        "\"5 business days\", got 'soon'",
    ),
    (
        "unknown-field",
        BASE + PROMISE + "    kept: 2026-10-02\n",
        "11:5: promises[0].kept: unknown field; did you mean 'kept_on'?",
    ),
    (
        "unknown-kind",
        BASE + "promises:\n  - kind: refnd\n    made_on: 2026-10-01\n",
        "9:11: promises[0].kind: expected one of refund, callback, reply, delivery, replacement, "
        "repair, pickup, other, got 'refnd'; did you mean 'refund'?",
    ),
    (
        "missing-field",
        BASE.replace("submitted_by: demo-tester\n", "") + PROMISE,
        "1:1: submitted_by: missing; expected a GitHub user name like jane-doe",
    ),
    (
        "title-too-long",
        BASE.replace("Callback promised, never made", "x" * 121) + PROMISE,
        "1:8: title: expected one line of text, at most 120 characters, got 121 characters",
    ),
    (
        "kept-before-made",
        BASE + PROMISE + "    kept_on: 2026-09-30\n",
        "11:14: promises[0].kept_on: expected a date on or after made_on (2026-10-01), got 2026-09-30",
    ),
    (
        "closed-before-opened",
        BASE.replace("status: open", "status: resolved\nclosed_on: 2026-09-01") + PROMISE,
        "6:12: closed_on: expected a date on or after opened_on (2026-10-01), got 2026-09-01",
    ),
    (
        "closed-while-open",
        BASE.replace("status: open", "status: open\nclosed_on: 2026-10-09") + PROMISE,
        "6:1: closed_on: expected no closed_on while status is open",
    ),
    (
        "closed-without-date",
        BASE.replace("status: open", "status: resolved") + PROMISE,
        "1:1: closed_on: missing; expected a date like 2026-01-31 (required unless status is open)",
    ),
    (
        "date-after-as-of",
        BASE + PROMISE + "    kept_on: 2026-12-01\n",
        "11:14: promises[0].kept_on: expected a date on or before the as-of date 2026-11-24, got "
        "2026-12-01",
    ),
    (
        "http-link",
        BASE + PROMISE + "    evidence: [http://social.example/1]\n",
        "11:16: promises[0].evidence[0]: expected an https:// link like https://example.com/page, "
        "got 'http://social.example/1'",
    ),
    (
        "javascript-link",
        BASE + "sources:\n  - url: javascript:alert(1)\n" + PROMISE,
        "9:10: sources[0].url: expected an https:// link like https://example.com/page, got "
        "'javascript:alert(1)'",
    ),
    (
        "link-with-credentials",
        BASE + "sources:\n  - url: https://user:pw@forum.example/t/1\n" + PROMISE,
        "9:10: sources[0].url: expected an https:// link like https://example.com/page, got "
        "'https://user:pw@forum.example/t/1'",
    ),
    (
        "email-address",
        BASE + "summary: Write to me at jane.doe@mail.example please.\n" + PROMISE,
        "8:10: summary: expected no personal data, got what looks like an e-mail address (starting "
        "'ja…' at character 16); remove it or replace it with [redacted]",
    ),
    (
        "phone-number",
        BASE + "summary: Call me on 06 12 34 56 78 after six.\n" + PROMISE,
        "8:10: summary: expected no personal data, got what looks like a phone number (starting "
        "'06…' at character 12); remove it or replace it with [redacted]",
    ),
    (
        "international-phone",
        BASE + PROMISE + "    note: Agent said call +44 20 7946 0958 now\n",
        "11:11: promises[0].note: expected no personal data, got what looks like a phone number "
        "(starting '+4…' at character 17); remove it or replace it with [redacted]",
    ),
    (
        "iban",
        BASE + "summary: Refund to FR76 3000 6000 0112 3456 7890 189 please.\n" + PROMISE,
        "8:10: summary: expected no personal data, got what looks like an IBAN (starting 'FR…' at "
        "character 11); remove it or replace it with [redacted]",
    ),
    (
        "card-number",
        BASE + "summary: I paid with 4111 1111 1111 1111 in May.\n" + PROMISE,
        "8:10: summary: expected no personal data, got what looks like a payment card number "
        "(starting '41…' at character 13); remove it or replace it with [redacted]",
    ),
    (
        "unknown-currency",
        BASE + 'amount: "12.00 EUX"\n' + PROMISE,
        "8:9: amount: expected an ISO 4217 currency code like EUR, got 'EUX'",
    ),
    (
        "float-amount",
        BASE + "amount: 12.5\n" + PROMISE,
        '8:9: amount: expected an amount and an ISO 4217 currency code like "1249.00 EUR", got the '
        "number 12.5",
    ),
    (
        "unknown-country",
        BASE.replace("country: FR", "country: XX") + PROMISE,
        "2:10: country: expected an ISO 3166-1 alpha-2 country code like FR or GB, got 'XX'",
    ),
    ("empty-file", "", "1:1: file is empty; expected a YAML mapping"),
    ("list-at-top", "- a\n- b\n", "1:1: expected a mapping of fields, got a list"),
    (
        "two-documents",
        BASE + "---\n" + BASE,
        "8:1: expected valid YAML, but expected a single document in the stream but found another "
        "document",
    ),
    (
        "non-utf8",
        BASE.encode() + b"summary: caf\xe9\n",
        "8:13: expected UTF-8 text, got byte 0xe9 that is not valid UTF-8",
    ),
    (
        "too-big",
        "summary: " + "x" * 300_000 + "\n",
        "1:1: file is 300010 bytes; expected at most 262144 bytes (256 KiB)",
    ),
    (
        "no-promise",
        BASE,
        "1:1: promises: missing; expected a list of one or more promises",
    ),
    (
        "empty-promises",
        BASE + "promises: []\n",
        "8:11: promises: expected a list of one or more promises, got 0 items",
    ),
    (
        "promises-swallowed-by-the-summary",
        BASE + "summary: |\n  I waited.\n  promises:\n    - kind: callback\n",
        "1:1: promises: missing; the text of summary contains a line `promises:`: it is "
        "indented as part of that text; start `promises:` at the beginning of its line, with "
        "no spaces before it",
    ),
    (
        "not-a-leap-year",
        BASE.replace("opened_on: 2026-10-01", "opened_on: 2027-02-29") + PROMISE,
        "4:12: opened_on: expected a date like 2026-01-31, got '2027-02-29'",
    ),
    (
        "placeholder-submitter",
        BASE.replace("demo-tester", "your-github-handle") + PROMISE,
        "7:15: submitted_by: expected your GitHub user name, got the template's placeholder "
        "'your-github-handle'",
    ),
    (
        "template-example-text",
        BASE.replace(
            "Callback promised, never made", "Promised callback about a broken router never came"
        )
        + PROMISE,
        "1:8: title: expected your own words, got the template's example text; replace it "
        "(or remove the field if it is optional)",
    ),
    (
        "unclosed-quote",
        BASE.replace(
            "title: Callback promised, never made", 'title: "Callback promised, never made'
        )
        + PROMISE
        + '    quote: "We will call."\n',
        '1:8: this text opens a double quote (") that is not closed on its line; add the '
        'closing " at the end of the text',
    ),
    (
        "colon-in-plain-text",
        BASE.replace("Callback promised, never made", "Callback: promised, never made") + PROMISE,
        '1:16: a colon followed by a space inside unquoted text; put the text in quotes ("...")',
    ),
    (
        "indented-too-far",
        BASE + PROMISE + "     due: 2026-10-03\n",
        "11:6: this line is indented more than `made_on:` above it (5 spaces, expected 4); "
        "line it up with the field it belongs beside",
    ),
    (
        "indented-out-of-step",
        BASE + PROMISE + "   due: 2026-10-03\n",
        "11:4: this line's indentation (3 spaces) matches none of the fields above (`made_on:` "
        "has 4); line it up with the field it belongs beside",
    ),
    (
        "text-after-the-quote",
        BASE + PROMISE + '    quote: "We will call" he said\n',
        "11:27: text after the closing quote; put the whole text inside the quotes",
    ),
    (
        "tab-indent",
        BASE + PROMISE + "\tdue: 2026-10-03\n",
        "11:1: a tab character; indent with spaces only",
    ),
]


@pytest.mark.parametrize(
    ("content", "expected"), [pytest.param(c, e, id=i) for i, c, e in BAD_INPUTS]
)
def test_bad_input_gets_one_exact_message(project, run, content, expected):
    project.case(content)
    result = run("--root", project.root, "check", "--as-of", AS_OF)
    assert result.code == 1
    assert result.out.splitlines() == [f"{FILE}:{expected}"]
    assert "Traceback" not in result.err
    assert result.err.strip().endswith("1 problem.")


# The stable code of each bad input's problem (`--format json`): messages may be reworded,
# codes are not renamed.
CODES = {
    "position-on-a-missing-promise": "case.position.promise",
    "claimed-before-the-promise": "case.date.order",
    "claimed-after-the-reply": "case.date.order",
    "claim-and-dispute-at-once": "schema.forbidden",
    "no-promise": "schema.required",
    "empty-promises": "schema.value",
    "promises-swallowed-by-the-summary": "schema.required",
    "not-a-leap-year": "schema.value",
    "placeholder-submitter": "case.template-text",
    "template-example-text": "case.template-text",
    "unclosed-quote": "yaml.syntax",
    "colon-in-plain-text": "yaml.syntax",
    "indented-too-far": "yaml.syntax",
    "indented-out-of-step": "yaml.syntax",
    "text-after-the-quote": "yaml.syntax",
    "tab-indent": "yaml.syntax",
    "withdrawn-reason-on-an-open-case": "schema.value",
    "personal-data-in-a-rejection": "case.pii.phone",
    "malformed-yaml": "yaml.syntax",
    "duplicate-key": "yaml.duplicate-key",
    "yaml11-boolean": "yaml.ambiguous",
    "yaml11-boolean-key": "yaml.key",
    "yaml11-octal": "yaml.ambiguous",
    "yaml11-sexagesimal": "yaml.ambiguous",
    "yaml11-date": "yaml.ambiguous",
    "datetime-without-offset": "yaml.ambiguous",
    "explicit-tag": "yaml.tag",
    "billion-laughs": "yaml.anchor",
    "not-a-date": "schema.value",
    "impossible-date": "schema.value",
    "due-and-within": "schema.forbidden",
    "bad-delay": "schema.value",
    "unknown-field": "schema.unknown-field",
    "unknown-kind": "schema.value",
    "missing-field": "schema.required",
    "title-too-long": "schema.value",
    "kept-before-made": "case.date.order",
    "closed-before-opened": "case.date.order",
    "closed-while-open": "schema.forbidden",
    "closed-without-date": "schema.required",
    "date-after-as-of": "case.date.future",
    "http-link": "schema.value",
    "javascript-link": "schema.value",
    "link-with-credentials": "schema.value",
    "email-address": "case.pii.email",
    "phone-number": "case.pii.phone",
    "international-phone": "case.pii.phone",
    "iban": "case.pii.iban",
    "card-number": "case.pii.card",
    "unknown-currency": "case.currency",
    "float-amount": "schema.value",
    "unknown-country": "schema.value",
    "empty-file": "yaml.empty",
    "list-at-top": "schema.not-a-mapping",
    "two-documents": "yaml.syntax",
    "non-utf8": "file.encoding",
    "too-big": "file.too-large",
}


@pytest.mark.parametrize(
    ("content", "expected", "code"),
    [pytest.param(c, e, CODES[i], id=i) for i, c, e in BAD_INPUTS],
)
def test_bad_input_has_a_stable_code_at_the_same_place(project, run, content, expected, code):
    project.case(content)
    result = run("--root", project.root, "check", "--as-of", AS_OF, "--format", "json")
    (problem,) = json.loads(result.out)
    where = f"{problem['line']}:{problem['column']}: "
    where += f"{problem['field']}: " if problem["field"] else ""
    assert (problem["code"], expected.startswith(where)) == (code, True)


def test_one_run_reports_schema_date_and_personal_data_problems_of_a_file_together(project, run):
    """A real case took three passes when schema errors hid the other rules' findings."""
    project.case(
        BASE.replace("country: FR", "country: XX").replace(
            "opened_on: 2026-10-01", "opened_on: 2026-10-01\nclosed_on: 2026-09-01"
        )
        + "summary: Call me on 06 12 34 56 78 after six.\n"
        + "sumary: or write to jane.doe@mail.example\n"
        + PROMISE
        + "    kept_on: 2026-12-01\n"
    )
    result = run("--root", project.root, "check", "--as-of", AS_OF)
    assert result.code == 1
    assert [line.split(": ", 2)[1:] for line in result.out.splitlines()] == [
        ["country", "expected an ISO 3166-1 alpha-2 country code like FR or GB, got 'XX'"],
        ["closed_on", "expected no closed_on while status is open"],
        ["closed_on", "expected a date on or after opened_on (2026-10-01), got 2026-09-01"],
        [
            "summary",
            "expected no personal data, got what looks like a phone number (starting '06…' at "
            "character 12); remove it or replace it with [redacted]",
        ],
        ["sumary", "unknown field; did you mean 'summary'?"],
        [
            "sumary",
            "expected no personal data, got what looks like an e-mail address (starting 'ja…' "
            "at character 13); remove it or replace it with [redacted]",
        ],
        [
            "promises[0].kept_on",
            "expected a date on or before the as-of date 2026-11-24, got 2026-12-01",
        ],
    ]


def test_billion_laughs_fails_fast(project, run):
    project.case(LAUGHS + "".join(f"x{i}: &x{i} [*i, *i, *i, *i, *i]\n" for i in range(20)))
    started = time.monotonic()
    assert run("--root", project.root, "check", "--as-of", AS_OF).code == 1
    assert time.monotonic() - started < 5


def test_every_problem_in_every_file_is_reported_at_once(project, run):
    project.case(BASE.replace("FR", "XX") + PROMISE + "    due: soon\n    kep_on: 2026-10-02\n")
    project.case(BASE + "summary: no\n", name="acme/acme-other.yml")
    project.write("cases/acme/brand.yml", "name: Acme\nwebsite: http://acme.example\n")
    result = run("--root", project.root, "check", "--as-of", AS_OF)
    assert result.code == 1
    assert result.out.splitlines() == [
        "cases/acme/acme-case.yml:2:10: country: expected an ISO 3166-1 alpha-2 country code "
        "like FR or GB, got 'XX'",
        "cases/acme/acme-case.yml:11:10: promises[0].due: expected a date like 2026-01-31 or a "
        "date-time with its UTC offset like 2026-01-31T09:30:00+01:00, got 'soon'",
        "cases/acme/acme-case.yml:12:5: promises[0].kep_on: unknown field; did you mean 'kept_on'?",
        "cases/acme/acme-other.yml:8:10: summary: expected true or false (or text in quotes), "
        "got 'no', which YAML 1.1 reads as a yes/no value",
        "cases/acme/brand.yml:2:10: website: expected an https:// link like "
        "https://example.com/page, got 'http://acme.example'",
    ]
    assert result.err.strip() == "Checked 3 files (0 brands, 0 valid cases): 5 problems."


def test_case_folder_without_brand_file(project, run):
    project.case(VALID_CASE, name="nobrand/nobrand-case.yml")
    result = run("--root", project.root, "check", "--as-of", AS_OF)
    assert result.code == 1
    assert result.out.splitlines() == [
        "cases/nobrand/nobrand-case.yml:1:1: expected brand.yml in cases/nobrand/ describing the "
        "brand; none found"
    ]


def test_duplicate_case_ids_across_brands(project, run):
    project.write("cases/other/brand.yml", "name: Other\n")
    project.case(VALID_CASE, name="acme/same-id.yml")
    project.case(VALID_CASE, name="other/same-id.yml")
    result = run("--root", project.root, "check", "--as-of", AS_OF)
    assert result.code == 1
    assert result.out.splitlines() == [
        "cases/acme/same-id.yml:1:1: case id 'same-id' is already used by "
        "cases/other/same-id.yml; expected a unique id",
        "cases/other/same-id.yml:1:1: case id 'same-id' is already used by "
        "cases/acme/same-id.yml; expected a unique id",
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "acme/Bad_Name.yml",
            "cases/acme/Bad_Name.yml:1:1: expected a case file named "
            "<case-id>.yml, with a-z, 0-9 and - only (like acme-refund-2026-03)",
        ),
        (
            "acme/acme-case.yaml",
            "cases/acme/acme-case.yaml:1:1: expected a case file named "
            "<case-id>.yml, with a-z, 0-9 and - only (like acme-refund-2026-03)",
        ),
        (
            "loose.yml",
            "cases/loose.yml:1:1: expected cases in a brand folder: cases/<brand>/<case-id>.yml",
        ),
        (
            "Acme_Corp/x-case.yml",
            "cases/Acme_Corp:1:1: expected a brand folder name like "
            "acme-telecom (a-z, 0-9, -), got 'Acme_Corp'",
        ),
        ("acme/sub/deep-case.yml", "cases/acme/sub:1:1: expected no sub-folders in a brand folder"),
    ],
)
def test_misplaced_files(project, run, name, expected):
    project.case(VALID_CASE, name=name)
    result = run("--root", project.root, "check", "--as-of", AS_OF)
    assert result.code == 1
    assert result.out.splitlines() == [expected]


def test_symlinked_case_is_refused_and_not_read(project, run, tmp_path_factory):
    secret = tmp_path_factory.mktemp("outside") / "secret.yml"
    secret.write_text(VALID_CASE)
    os.symlink(secret, project.cases / "acme" / "linked-case.yml")
    result = run("--root", project.root, "check", "--as-of", AS_OF)
    assert result.code == 1
    assert result.out.splitlines() == [
        "cases/acme/linked-case.yml:1:1: symbolic links are not allowed; expected a real file"
    ]


def test_symlinked_brand_folder_is_refused(project, run, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "brand.yml").write_text("name: Elsewhere\n")
    os.symlink(elsewhere, project.cases / "elsewhere")
    result = run("--root", project.root, "check", "--as-of", AS_OF)
    assert result.code == 1
    assert result.out.splitlines() == [
        "cases/elsewhere:1:1: symbolic links are not allowed; expected a real file or folder"
    ]


def test_path_outside_cases_is_refused(project, run):
    outside = project.write("notes/case.yml", VALID_CASE)
    result = run("--root", project.root, "check", "--as-of", AS_OF, outside)
    assert result.code == 1
    assert (
        result.out.splitlines()[0]
        == f"{outside.as_posix()}:1:1: expected a file inside cases/, got one outside it"
    )


def test_dotdot_path_escaping_cases_is_refused(project, run):
    project.write("notes/case.yml", VALID_CASE)
    result = run("--root", project.root, "check", "--as-of", AS_OF, "cases/../notes/case.yml")
    assert result.code == 1
    assert "expected a file inside cases/, got one outside it" in result.out


def test_check_named_file_only_reads_that_file(project, run):
    good = project.case(VALID_CASE, name="acme/acme-good.yml")
    project.case("title: [\n", name="acme/acme-broken.yml")
    result = run("--root", project.root, "check", "--as-of", AS_OF, good)
    assert result.code == 0, result.out
    assert result.out == "Checked 2 files (1 brand, 1 valid case): no problems.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["check", "--as-of", "soon"],
            "Error: Invalid value for '--as-of': expected a date like 2026-01-31, got 'soon'",
        ),
        (
            ["check", "--as-of", "2026-02-30"],
            "Error: Invalid value for '--as-of': expected a date like 2026-01-31, got '2026-02-30'",
        ),
        (
            ["check", "--format", "xml"],
            "Error: Invalid value for '--format': 'xml' is not one of 'text', 'github', 'json'.",
        ),
        (["check", "cases/nope.yml"], "unkept: error: cases/nope.yml: no such file or folder"),
        (["frobnicate"], "Error: No such command 'frobnicate'."),
        (["status", "no-such-case"], "unkept: error: no case with id 'no-such-case'"),
        (
            ["new", "acme", "--by", "@@"],
            "Error: Invalid value for '--by': expected a GitHub user name like jane-doe, got '@@'",
        ),
        (
            ["release", "--commit", "abc"],
            "Error: Invalid value for '--commit': expected a full 40-character SHA, got 'abc'",
        ),
        (
            ["new", "!!!"],
            'unkept: error: expected a brand\'s name like "Maison Meubles" or acme-telecom, '
            "got '!!!'",
        ),
    ],
)
def test_usage_errors_exit_2(project, run, args, message):
    project.case(VALID_CASE)
    result = run("--root", project.root, *args)
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err


def test_github_format_prints_annotations(project, run):
    project.case(BASE + PROMISE + "    due: soon\n")
    result = run("--root", project.root, "check", "--as-of", AS_OF, "--format", "github")
    assert result.code == 1
    assert result.out.splitlines() == [
        "::error file=cases/acme/acme-case.yml,line=11,col=10::promises[0].due: expected a date "
        "like 2026-01-31 or a date-time with its UTC offset like 2026-01-31T09:30:00+01:00, got "
        "'soon'"
    ]


def test_json_format_lists_problems(project, run):
    project.case(BASE.replace("FR", "XX") + PROMISE)
    result = run("--root", project.root, "check", "--as-of", AS_OF, "--format", "json")
    assert result.code == 1
    assert json.loads(result.out) == [
        {
            "file": FILE,
            "line": 2,
            "column": 10,
            "field": "country",
            "message": "expected an ISO 3166-1 alpha-2 country code like FR or GB, got 'XX'",
            "code": "schema.value",
        }
    ]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            "[unkept]\ntimezone = 'Mars/Olympus'\n",
            "unkept.toml:2:1: [unkept].timezone: expected an IANA time zone like Europe/Paris, got "
            "'Mars/Olympus'",
        ),
        (
            "# settings\n[other]\nstale_days = 1\n[unkept]\nstale_days = '90'\n",
            "unkept.toml:5:1: [unkept].stale_days: expected int, got '90'",
        ),
        (
            "[unkept]\nstale_days = 0\n",
            "unkept.toml:2:1: [unkept].stale_days: expected a positive number of days, got 0",
        ),
        (
            "[unkept]\nconfirm_days = 0\n",
            "unkept.toml:2:1: [unkept].confirm_days: expected a positive number of days, got 0",
        ),
        (
            "[unkept]\ncases_dir = 'cases'\nmaintainer = ['x']\n",
            "unkept.toml:3:1: [unkept].maintainer: unknown setting; expected one of cases_dir, confirm_days, "
            "engine, github_api, http_backoff, http_timeout, language, maintainers, name, repository, "
            "site_url, stale_days, timezone, wayback_availability, wayback_save, wayback_web",
        ),
        (
            "[unkept]\nsite_url = 'unkept.example'\n",
            "unkept.toml:2:1: [unkept].site_url: expected the site's address, like "
            "https://example.org/ (ending in /), got 'unkept.example'",
        ),
        (
            "[unkept]\nsite_url = 'https://unkept.example'\n",
            "unkept.toml:2:1: [unkept].site_url: expected the site's address, like "
            "https://example.org/ (ending in /), got 'https://unkept.example'",
        ),
        (
            "[unkept]\nname = ' '\n",
            "unkept.toml:2:1: [unkept].name: expected the tracker's name on one line, got ' '",
        ),
        (
            "[unkept]\nmaintainers = 'x'\n",
            "unkept.toml:2:1: [unkept].maintainers: expected a list of names, got 'x'",
        ),
        ("[unkept]\ntimezone = \n", "unkept.toml:2:12: expected valid TOML: Invalid value"),
        (
            "[deadlines]\nrefunds = { within = '14 days', basis = 'x' }\n",
            "unkept.toml:2:1: [deadlines].refunds: expected a kind of promise (callback, "
            "delivery, other, pickup, refund, repair, replacement, reply) or fallback",
        ),
        (
            "[deadlines]\nrefund = '14 days'\n",
            'unkept.toml:2:1: [deadlines].refund: expected { within = "14 days", basis = "the '
            "law or rule\" }, got '14 days'",
        ),
        (
            "[deadlines]\n\n[deadlines.FR]\nrefund = { within = '2 fortnights', basis = 'x' }\n",
            "unkept.toml:4:1: [deadlines.FR].refund.within: expected a delay like 14 days, "
            "48 hours, 2 weeks or 5 business days, got '2 fortnights'",
        ),
        (
            "[deadlines.France]\nrefund = { within = '7 days', basis = 'x' }\n",
            "unkept.toml:1:1: [deadlines.France]: expected a country's ISO 3166 code in "
            "capitals, like FR or DE",
        ),
        (
            "[deadlines]\nrefund = { within = '7 days', basis = '<b>law</b>' }\n",
            "unkept.toml:2:1: [deadlines].refund.basis: expected plain text (no line break, <, "
            ">, &, \" or %), got '<b>law</b>'",
        ),
    ],
)
def test_invalid_settings_file_is_a_usage_error(project, run, toml, message):
    project.write("unkept.toml", toml)
    result = run("--root", project.root, "check")
    assert result.code == 2
    assert result.err.strip() == f"unkept: error: {message}"


def test_the_brands_own_public_contacts_are_not_personal_data(project, run):
    """An address at the brand's website (acme.example) or a number its file lists may appear
    in a reply or a case; anyone else's may not."""
    brand = project.cases / "acme" / "brand.yml"
    brand.write_text(brand.read_text() + 'contacts: ["+33 1 23 45 67 89"]\n')
    project.case(
        VALID_CASE
        + "brand_reply:\n  - date: 2026-10-05\n"
        + "    text: Write to care@acme.example or call 01 23 45 67 89.\n"
    )
    assert run("--root", project.root, "check", "--as-of", AS_OF).code == 0
    project.case(VALID_CASE + "summary: The agent gave me 01 98 76 54 32, his own line.\n")
    result = run("--root", project.root, "check", "--as-of", AS_OF)
    assert result.code == 1
    assert "summary: expected no personal data, got what looks like a phone number" in result.out


@pytest.mark.parametrize(
    ("proof", "valid"),
    [
        ("https://acme.example/about/unkept", True),  # the brand's website
        ("https://help.acme.example/unkept", True),  # a sub-domain of it
        ("https://x.com/AcmeHelp/status/1", True),  # a post of its listed account
        ("https://x.com/SomeoneElse/status/1", False),  # someone else's account
        ("https://acme.example.evil.example/unkept", False),  # not the brand's domain
    ],
)
def test_a_maintainers_proof_is_on_the_brands_own_pages(project, run, proof, valid):
    project.write(
        "cases/acme/brand.yml",
        f"name: Acme\nwebsite: https://acme.example\naccounts:\n  twitter: '@AcmeHelp'\n"
        f"maintainers:\n  - login: acme-care\n    proof: {proof}\n",
    )
    result = run("--root", project.root, "check", "--as-of", AS_OF, "--format", "json")
    assert [p["code"] for p in json.loads(result.out)] == ([] if valid else ["brand.proof"])


@pytest.mark.parametrize("slug", ["atom", "corrections", "index", "data", "feeds", "assets"])
def test_a_brand_folder_named_like_the_sites_own_files_is_refused(project, run, slug):
    project.write(f"cases/{slug}/brand.yml", "name: Feedish\n")
    project.case(VALID_CASE, name=f"{slug}/{slug}-case.yml")
    result = run("--root", project.root, "check", "--as-of", AS_OF)
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        f"cases/{slug}:1:1: expected a brand folder name that is not one of the site's own "
        "names (assets, atom, badges, brands, calendars, cases, corrections, data, deadlines, "
        "feeds, index, "
        f"ranking, search), got {slug!r}"
    )


def test_a_case_named_index_is_refused(project, run):
    project.case(VALID_CASE, name="acme/index.yml")
    result = run("--root", project.root, "check", "--as-of", AS_OF)
    assert result.code == 1
    assert result.out.splitlines() == [
        "cases/acme/index.yml:1:1: expected a case id that is not one of the site's own names "
        "(index), got 'index'"
    ]


@pytest.mark.parametrize(
    ("escape", "code_point"),
    [(r"\x07", "0007"), (r"\0", "0000"), (r"\e", "001B"), (r"\uFFFE", "FFFE"), (r"\uFFFF", "FFFF")],
)
def test_a_control_character_written_as_an_escape_is_refused(project, run, escape, code_point):
    """Feeds (XML 1.0) and calendars (RFC 5545) cannot carry it: refused where it is written."""
    project.case(
        VALID_CASE.replace("title: Callback promised, never made", f'title: "Call{escape}back"')
    )
    result = run("--root", project.root, "check", "--as-of", AS_OF)
    assert result.code == 1
    assert result.out.splitlines() == [
        f"{FILE}:1:8: title: expected text, got the control character U+{code_point} at "
        "character 5; XML feeds and calendars cannot carry it: remove it"
    ]


def test_a_key_with_a_line_break_or_an_escape_sequence_prints_on_one_line(project, run):
    project.case(VALID_CASE + '"x\\n::error file=a::forged\\e[31m": 1\n')
    result = run("--root", project.root, "check", "--as-of", AS_OF)
    assert result.code == 1
    (line,) = result.out.splitlines()
    assert line.startswith(f"{FILE}:12:1: 'x\\n::error file=a::forged\\x1b[31m': unknown field")
    assert "\x1b" not in result.out


def test_a_deadline_in_year_9999_is_refused_before_it_breaks_a_build(project, run):
    project.case(VALID_CASE.replace("due: 2026-10-03", "due: 9999-12-31"))
    result = run("--root", project.root, "check", "--as-of", AS_OF)
    assert result.out.splitlines() == [
        f"{FILE}:11:10: promises[0].due: expected a date like 2026-01-31 or a date-time with its "
        "UTC offset like 2026-01-31T09:30:00+01:00, got '9999-12-31'"
    ]


def test_a_brand_contact_must_be_an_address_or_a_number(project, run):
    brand = project.cases / "acme" / "brand.yml"
    brand.write_text(
        brand.read_text() + 'contacts: [hello, "+33 1 23 45 67 89", care@acme.example]\n'
    )
    result = run("--root", project.root, "check", "--as-of", AS_OF)
    assert result.code == 1
    assert result.out.splitlines() == [
        "cases/acme/brand.yml:7:12: contacts[0]: expected an e-mail address or a phone number, "
        "got 'hello'"
    ]


def test_personal_data_in_a_links_query_is_refused(project, run):
    project.case(
        VALID_CASE + "    evidence:\n      - https://brand.example/form?tel=0612345678&ok=1\n"
    )
    result = run("--root", project.root, "check", "--as-of", AS_OF)
    assert result.code == 1
    assert result.out.splitlines() == [
        f"{FILE}:13:9: promises[0].evidence[0]: expected no personal data, got what looks like "
        "a phone number (starting '06…' at character 5); remove it or replace it with [redacted]"
    ]


def test_personal_data_in_a_brand_file_is_refused(project, run):
    brand = project.cases / "acme" / "brand.yml"
    brand.write_text(brand.read_text() + "aliases: [Acme (ask jane.doe@mail.example)]\n")
    result = run("--root", project.root, "check", "--as-of", AS_OF)
    assert result.code == 1
    assert result.out.splitlines() == [
        "cases/acme/brand.yml:7:11: aliases[0]: expected no personal data, got what looks like "
        "an e-mail address (starting 'ja…' at character 11); remove it or replace it with "
        "[redacted]"
    ]


@pytest.mark.parametrize(
    ("text", "where", "code_point"),
    [
        ("summary: a\x07b\n", "8:11", "0007"),
        ("summary: |\n  line\x1b[31m\n", "9:7", "001B"),
        ("summary: &x a\ufffe\n", "8:14", "FFFE"),
    ],
    ids=["plain", "block", "with-an-anchor"],
)
def test_a_control_character_written_as_it_is_is_named_where_it_is(
    project, run, text, where, code_point
):
    project.case(BASE + text + PROMISE)
    result = run("--root", project.root, "check", "--as-of", AS_OF)
    assert result.code == 1
    assert result.out.splitlines() == [
        f"{FILE}:{where}: expected text, got the control character U+{code_point}; XML feeds "
        "and calendars cannot carry it: remove it"
    ]
