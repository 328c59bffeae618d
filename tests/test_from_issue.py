"""`unkept from-issue` on issue-form bodies as GitHub renders them, real and hostile."""

from __future__ import annotations

import shutil

import pytest
import yaml

from tests.support import AS_OF, REPO

FORM = """\
### Brand

{brand}

### Title

{title}

### Your country

FR

### Categories

- [ ] Contact
- [X] Returns and refunds
- [ ] Delivery
- [ ] Product
- [ ] Other

### When did you first complain?

2026-11-02

### What happened

{summary}

### What did the brand promise?

refund

### When did the brand make the promise?

2026-11-03

### Where did the brand make it?

twitter

### The brand's exact words

{quote}

### Deadline the brand gave

14 days

### Kept on

_No response_

### Links showing the promise

https://social.example/NortevaHelp/status/3003

### Personal data

- [{consent}] This case contains no personal data (no e-mail, phone, IBAN, card number, address or name), and I agree to its publication.
"""


def body(**answers):
    values = {
        "brand": "Norteva Telecom",
        "title": "Refund promised within 14 days never paid",
        "summary": "I returned the router.\n\nNo refund since.",
        "quote": "We'll refund you within 14 days.",
        "consent": "X",
    }
    values.update(answers)
    return FORM.format(**values)


@pytest.fixture
def tracker(project):
    shutil.copytree(REPO / "cases" / "norteva-telecom", project.cases / "norteva-telecom")
    return project


def from_issue(run, project, text, number=42, author="demo-reporter"):
    path = project.root / "issue.md"
    path.write_text(text)
    return run(
        "--root",
        project.root,
        "from-issue",
        "--body-file",
        path,
        "--author",
        author,
        "--number",
        str(number),
        "--as-of",
        AS_OF,
    )


def test_real_issue_becomes_a_valid_case(tracker, run):
    result = from_issue(run, tracker, body())
    assert result.code == 0, result.err
    assert result.out.strip() == "cases/norteva-telecom/norteva-telecom-issue-42.yml"
    path = tracker.cases / "norteva-telecom" / "norteva-telecom-issue-42.yml"
    text = path.read_text()
    assert text.startswith(
        "# yaml-language-server: $schema=../../generator/schemas/"
        "case.schema.json\n# Made from issue #42 by unkept from-issue.\n"
    )
    data = yaml.safe_load(text)
    assert data["submitted_by"] == "demo-reporter"
    assert data["categories"] == ["returns-refunds"]
    assert data["last_confirmed"] == AS_OF
    assert data["summary"] == "I returned the router.\n\nNo refund since.\n"
    assert data["promises"] == [
        {
            "kind": "refund",
            "made_on": "2026-11-03",
            "via": "twitter",
            "quote": "We'll refund you within 14 days.",
            "within": "14 days",
            "evidence": ["https://social.example/NortevaHelp/status/3003"],
        }
    ]
    check = run("--root", tracker.root, "check", "--as-of", AS_OF)
    assert check.code == 0, check.out


def test_unknown_brand_gets_a_brand_file(tracker, run):
    result = from_issue(run, tracker, body(brand="Globex Énergie"))
    assert result.code == 0, result.err
    assert result.out.split() == [
        "cases/globex-energie/brand.yml",
        "cases/globex-energie/globex-energie-issue-42.yml",
    ]
    assert yaml.safe_load((tracker.cases / "globex-energie" / "brand.yml").read_text()) == {
        "name": "Globex Énergie"
    }


def test_yaml_injection_stays_text(tracker, run):
    title = "x\nsubmitted_by: attacker\nstatus: resolved"
    result = from_issue(run, tracker, body(title="Refund: never paid' \" # {a: b}", quote=title))
    assert result.code == 0, result.err
    data = yaml.safe_load(
        (tracker.cases / "norteva-telecom" / "norteva-telecom-issue-42.yml").read_text()
    )
    assert data["title"] == "Refund: never paid' \" # {a: b}"
    assert data["submitted_by"] == "demo-reporter"
    assert data["status"] == "open"
    assert data["promises"][0]["quote"] == title


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (
            {"consent": " "},
            "unkept: error: issue #42: Personal data: the box confirming that the case holds no "
            "personal data was not ticked",
        ),
        ({"brand": "../../etc/passwd"}, None),
        (
            {"brand": "!!!"},
            "unkept: error: issue #42: Brand: expected a brand name, got '!!!'",
        ),
    ],
)
def test_hostile_or_incomplete_answers_are_refused(tracker, run, answers, message):
    result = from_issue(run, tracker, body(**answers))
    if message:
        assert (result.code, result.err.strip()) == (1, message)
    else:  # a path-like brand is only ever a slug under cases/
        assert result.code == 0, result.err
        assert result.out.split()[0] == "cases/etc-passwd/brand.yml"
    assert not (tracker.root.parent / "etc").exists()


def test_personal_data_is_refused_with_checks_message(tracker, run):
    result = from_issue(run, tracker, body(summary="Call me on 06 12 34 56 78."))
    assert result.code == 1
    assert result.err.splitlines()[0].startswith(
        "cases/norteva-telecom/norteva-telecom-issue-42.yml:"
    )
    assert "summary: expected no personal data, got what looks like a phone number" in result.err
    assert not (tracker.cases / "norteva-telecom" / "norteva-telecom-issue-42.yml").exists()


def test_script_payloads_are_kept_as_text_for_the_site_to_escape(tracker, run):
    result = from_issue(run, tracker, body(title="<script>alert(1)</script>"))
    assert result.code == 0, result.err
    data = yaml.safe_load(
        (tracker.cases / "norteva-telecom" / "norteva-telecom-issue-42.yml").read_text()
    )
    assert data["title"] == "<script>alert(1)</script>"


def test_oversized_body_is_refused(tracker, run):
    result = from_issue(run, tracker, body(summary="x" * 70_000))
    assert (result.code, result.err.strip()) == (
        1,
        "unkept: error: issue #42: the issue is larger than 64 KiB",
    )


def test_never_overwrites_an_existing_case(tracker, run):
    assert from_issue(run, tracker, body()).code == 0
    again = from_issue(run, tracker, body(title="Another"))
    assert again.code == 2
    assert "already exists" in again.err


def test_form_labels_match_the_issue_template():
    from generator.github.issue_form import FIELDS

    form = yaml.safe_load((REPO / ".github/ISSUE_TEMPLATE/new-case.yml").read_text())
    labels = [item["attributes"]["label"] for item in form["body"] if item["type"] != "markdown"]
    assert labels == list(FIELDS)
