"""`unkept from-issue` on issue bodies rendered from the form's own YAML, as GitHub renders
them: real answers, mistakes, brands written every way, and hostile text."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from werkzeug import Response

from generator.load import schema
from tests.support import AS_OF, ISSUE_FORM, REPO, render_issue

CASE = "cases/norteva-telecom/norteva-telecom-issue-42.yml"
CONSENT = True
FORM = yaml.safe_load((REPO / ISSUE_FORM).read_text())


def answers(**changes):
    """A filled-in form with one promise, by question id; `changes` replace answers."""
    values = {
        "brand": "Norteva Telecom",
        "title": "Refund promised within 14 days never paid",
        "country": "FR",
        "categories": ["returns-refunds: returns and refunds"],
        "channels": ["twitter: on Twitter / X", "phone: by phone"],
        "opened_on": "2026-11-02",
        "status": "open: still waiting",
        "amount": "412.60 EUR",
        "summary": "I returned the router.\n\nNo refund since.",
        "promise1_kind": "refund: pay money back",
        "promise1_made_on": "2026-11-03",
        "promise1_via": "twitter: on Twitter / X",
        "promise1_quote": "We'll refund you within 14 days.",
        "promise1_deadline": "14 days",
        "promise1_evidence": "https://social.example/NortevaHelp/status/3003",
        "consent": CONSENT,
    }
    values.update(changes)
    return values


@pytest.fixture
def tracker(project):
    shutil.copytree(REPO / "cases" / "norteva-telecom", project.cases / "norteva-telecom")
    shutil.copytree(REPO / "cases" / "hexa-home", project.cases / "hexa-home")
    return project


def from_issue(run, project, text, *options, number=42, author="demo-reporter"):
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
        *options,
    )


def test_a_real_issue_becomes_a_case_that_check_accepts(tracker, run):
    result = from_issue(run, tracker, render_issue(answers()))
    assert result.code == 0, result.err
    assert result.out.strip() == CASE
    text = (tracker.root / CASE).read_text()
    assert text.startswith(
        "# yaml-language-server: $schema=../../generator/schemas/"
        "case.schema.json\n# Made from issue #42 by unkept from-issue.\n"
    )
    data = yaml.safe_load(text)
    assert data == {
        "title": "Refund promised within 14 days never paid",
        "country": "FR",
        "categories": ["returns-refunds"],
        "channels": ["twitter", "phone"],
        "opened_on": "2026-11-02",
        "status": "open",
        "last_confirmed": AS_OF,
        "submitted_by": "demo-reporter",
        "amount": "412.60 EUR",
        "summary": "I returned the router.\n\nNo refund since.\n",
        "promises": [
            {
                "kind": "refund",
                "made_on": "2026-11-03",
                "via": "twitter",
                "quote": "We'll refund you within 14 days.",
                "within": "14 days",
                "evidence": ["https://social.example/NortevaHelp/status/3003"],
            }
        ],
    }
    check = run("--root", tracker.root, "check", "--as-of", AS_OF)
    assert check.code == 0, check.out


def test_three_promises_and_a_closed_case(tracker, run):
    text = render_issue(
        answers(
            status="resolved: I got what I was owed",
            closed_on="2026-11-20",
            promise2_kind="callback: call you back",
            promise2_made_on="2026-11-04T10:30:00+01:00",
            promise2_deadline="2026-11-06",
            promise2_kept_on="2026-11-05",
            promise3_kind="reply: answer you",
            promise3_made_on="2026-11-05",
        )
    )
    result = from_issue(run, tracker, text)
    assert result.code == 0, result.err
    data = yaml.safe_load((tracker.root / CASE).read_text())
    assert data["status"] == "resolved"
    assert data["closed_on"] == "2026-11-20"
    assert data["promises"][1] == {
        "kind": "callback",
        "made_on": "2026-11-04T10:30:00+01:00",
        "due": "2026-11-06",
        "kept_on": "2026-11-05",
    }
    assert data["promises"][2] == {"kind": "reply", "made_on": "2026-11-05"}
    assert run("--root", tracker.root, "check", "--as-of", AS_OF).code == 0


def test_every_problem_at_once_in_the_words_of_the_form(tracker, run):
    text = render_issue(
        answers(
            country="France",
            opened_on="02/11/2026",
            amount="412,60 €",
            summary="Call me on 06 12 34 56 78.",
            promise1_deadline="14 jours",
            promise2_via="phone: by phone",
            promise2_made_on="03/11/2026",
            consent=False,
        )
    )
    result = from_issue(run, tracker, text)
    assert result.code == 1
    assert result.err.splitlines() == [
        "Your country: expected an ISO 3166-1 alpha-2 country code like FR or GB, got 'FRANCE'",
        "When did you first complain?: expected a date like 2026-01-31, got '02/11/2026'",
        'Money at stake: expected an amount and an ISO 4217 currency code like "1249.00 EUR", '
        "got '412,60 €'",
        "What happened: expected no personal data, got what looks like a phone number "
        "(starting '06…' at character 12); remove it or replace it with [redacted]",
        'Promise 1: Deadline the brand gave: expected a delay like "48 hours", "14 days", '
        '"2 weeks" or "5 business days", got \'14 jours\'',
        "Promise 2: What did the brand promise?: missing; expected one of refund, callback, "
        "reply, delivery, replacement, repair, pickup, other",
        "Promise 2: When did the brand make the promise?: expected a date like 2026-01-31 or a "
        "date-time with its UTC offset like 2026-01-31T09:30:00+01:00, got '03/11/2026'",
        "Personal data: the box confirming that the case holds no personal data is not ticked",
        "unkept: error: issue #42: the answers cannot make a case yet",
    ]
    assert "issue.md" not in result.err
    assert "/tmp" not in result.err
    assert not (tracker.cases / "norteva-telecom" / "norteva-telecom-issue-42.yml").exists()


@pytest.mark.parametrize(
    ("written", "folder"),
    [
        ("NORTEVA TÉLÉCOM", "norteva-telecom"),
        ("Norteva Telecom SAS", "norteva-telecom"),
        ("norteva-telecom", "norteva-telecom"),
        ("Hexa Home Ltd.", "hexa-home"),
        ("Hexa Home Appliances SAS", "hexa-home"),
    ],
)
def test_a_brand_written_another_way_joins_its_folder(tracker, run, written, folder):
    result = from_issue(run, tracker, render_issue(answers(brand=written)))
    assert result.code == 0, result.err
    assert result.out.split() == [f"cases/{folder}/{folder}-issue-42.yml"]


@pytest.mark.parametrize("written", ["Hexa Home Kitchens", "Hexa Hom Appliance", "Norteva Telekom"])
def test_a_near_brand_is_refused_with_the_candidates_named(tracker, run, written):
    result = from_issue(run, tracker, render_issue(answers(brand=written)))
    assert result.code == 1
    line = result.err.splitlines()[0]
    assert line.startswith(f"Brand: {written!r} is close to brands this tracker has: ")
    assert "(hexa-home)" in line or "(norteva-telecom)" in line
    assert line.endswith("a maintainer adds the label new-brand")
    assert sorted(p.name for p in tracker.cases.iterdir()) == [
        "_template.yml",
        "acme",
        "hexa-home",
        "norteva-telecom",
    ]


def test_a_maintainers_new_brand_choice_makes_a_new_folder(tracker, run):
    result = from_issue(
        run, tracker, render_issue(answers(brand="Hexa Home Kitchens SAS")), "--new-brand"
    )
    assert result.code == 0, result.err
    assert result.out.split() == [
        "cases/hexa-home-kitchens/brand.yml",
        "cases/hexa-home-kitchens/hexa-home-kitchens-issue-42.yml",
    ]
    brand = yaml.safe_load((tracker.cases / "hexa-home-kitchens" / "brand.yml").read_text())
    assert brand == {"name": "Hexa Home Kitchens SAS"}
    assert run("--root", tracker.root, "check", "--as-of", AS_OF).code == 0


def test_an_unknown_brand_gets_a_brand_file(tracker, run):
    result = from_issue(run, tracker, render_issue(answers(brand="Globex Énergie")))
    assert result.code == 0, result.err
    assert result.out.split() == [
        "cases/globex-energie/brand.yml",
        "cases/globex-energie/globex-energie-issue-42.yml",
    ]


def test_the_template_story_is_refused(tracker, run):
    template = yaml.safe_load((REPO / "cases" / "_template.yml").read_text())
    result = from_issue(run, tracker, render_issue(answers(title=template["title"])))
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        "Title: expected your own words, got the template's example text; replace it "
        "(or remove the field if it is optional)"
    )


def test_yaml_injection_stays_text(tracker, run):
    quote = "x\nsubmitted_by: attacker\nstatus: resolved"
    title = "Refund: never paid' \" # {a: b}"
    result = from_issue(run, tracker, render_issue(answers(title=title, promise1_quote=quote)))
    assert result.code == 0, result.err
    data = yaml.safe_load((tracker.root / CASE).read_text())
    assert data["title"] == title
    assert data["submitted_by"] == "demo-reporter"
    assert data["status"] == "open"
    assert data["promises"][0]["quote"] == quote


def test_a_path_like_brand_is_only_ever_a_slug_under_cases(tracker, run):
    result = from_issue(run, tracker, render_issue(answers(brand="../../etc/passwd")))
    assert result.code == 0, result.err
    assert result.out.split()[0] == "cases/etc-passwd/brand.yml"
    assert not (tracker.root.parent / "etc").exists()


def test_a_brand_that_is_no_name_is_refused(tracker, run):
    result = from_issue(run, tracker, render_issue(answers(brand="!!!")))
    assert result.err.splitlines()[0] == (
        "Brand: expected a brand's name of at most 80 characters, got '!!!'"
    )


def test_script_payloads_are_kept_as_text_for_the_site_to_escape(tracker, run):
    result = from_issue(run, tracker, render_issue(answers(title="<script>alert(1)</script>")))
    assert result.code == 0, result.err
    assert yaml.safe_load((tracker.root / CASE).read_text())["title"] == (
        "<script>alert(1)</script>"
    )


def test_an_oversized_body_is_refused(tracker, run):
    result = from_issue(run, tracker, render_issue(answers(summary="x" * 70_000)))
    assert (result.code, result.err.strip()) == (
        1,
        "unkept: error: the issue is larger than 64 KiB",
    )


def test_never_overwrites_an_existing_case(tracker, run):
    assert from_issue(run, tracker, render_issue(answers())).code == 0
    again = from_issue(run, tracker, render_issue(answers(title="Another")))
    assert again.code == 2
    assert f"{CASE}: already exists" in again.err


# The form and the case format are one contract -------------------------------------------


def options(question_id):
    item = next(i for i in FORM["body"] if i.get("id") == question_id)
    return item["attributes"]["options"]


@pytest.mark.parametrize(
    ("question_id", "enum"),
    [
        ("categories", schema.load_schema("case")["properties"]["categories"]["items"]["enum"]),
        ("channels", schema.load_schema("case")["definitions"]["channel"]["enum"]),
        ("promise1_via", schema.load_schema("case")["definitions"]["channel"]["enum"]),
        (
            "promise1_kind",
            schema.load_schema("case")["properties"]["promises"]["items"]["properties"]["kind"][
                "enum"
            ],
        ),
        ("status", ["open", "resolved", "abandoned"]),  # withdrawn is not for a new case
    ],
)
def test_every_option_is_a_code_of_the_format_and_every_code_an_option(question_id, enum):
    codes = [option.split(":", 1)[0] for option in options(question_id)]
    assert codes == enum
    assert not any(", " in option for option in options(question_id))  # GitHub's separator


def test_every_promise_question_exists_for_each_of_the_three_promises():
    ids = {item.get("id") for item in FORM["body"]}
    names = ["kind", "made_on", "via", "quote", "deadline", "kept_on", "evidence"]
    assert {f"promise{n}_{name}" for n in (1, 2, 3) for name in names} <= ids
    required = {item["id"] for item in FORM["body"] if item.get("validations", {}).get("required")}
    assert required == {
        "brand",
        "title",
        "country",
        "categories",
        "opened_on",
        "status",
        "promise1_kind",
        "promise1_made_on",
    }


@pytest.mark.parametrize("kind", options("promise1_kind"))
@pytest.mark.parametrize("status", options("status"))
def test_every_choice_the_form_offers_makes_a_case_check_accepts(tracker, run, kind, status):
    closed = {} if status.startswith("open") else {"closed_on": "2026-11-20"}
    result = from_issue(
        run, tracker, render_issue(answers(promise1_kind=kind, status=status, **closed))
    )
    assert result.code == 0, result.err
    assert run("--root", tracker.root, "check", "--as-of", AS_OF).code == 0


# On GitHub: the workflow's reply --------------------------------------------------------

REPO_API = "/repos/demo-org/unkept"


@pytest.fixture
def github(httpserver, monkeypatch, tracker):
    tracker.write("unkept.toml", "[unkept]\nhttp_backoff = 0\nhttp_timeout = 2\n")
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_test")
    monkeypatch.setenv("GITHUB_REPOSITORY", "demo-org/unkept")
    monkeypatch.setenv("UNKEPT_GITHUB_API", httpserver.url_for("/"))
    return httpserver


def recorder(store, answer=None, status=201):
    def handler(request):
        store.append((request.method, request.path, request.get_json(silent=True)))
        return Response(json.dumps(answer or {}), status=status, content_type="application/json")

    return handler


def expect_a_first_comment_and_the_needs_changes_label(github, calls: list) -> None:
    """GitHub's side of a first run on an issue with mistakes: no comment of ours yet, one
    posted, and the needs-changes label added (each request recorded in `calls`)."""
    comments = f"{REPO_API}/issues/42/comments"
    github.expect_ordered_request(comments, method="GET").respond_with_json([])
    github.expect_ordered_request(comments, method="POST").respond_with_handler(recorder(calls))
    github.expect_ordered_request(
        f"{REPO_API}/issues/42/labels", method="POST"
    ).respond_with_handler(recorder(calls))


def test_a_mistake_gets_one_comment_listing_every_problem_then_a_pull_request(tracker, run, github):
    calls: list = []
    comments = f"{REPO_API}/issues/42/comments"
    # First run: two promises, two mistakes -> one comment, the needs-changes label.
    expect_a_first_comment_and_the_needs_changes_label(github, calls)
    mistaken = answers(
        opened_on="[soon](https://evil.example) @demo-org/maintainers",
        promise2_kind="callback: call you back",
        promise2_made_on="03/11/2026",
    )
    first = from_issue(run, tracker, render_issue(mistaken), "--reply")
    assert first.code == 0, first.err
    assert first.out.strip() == "issue #42: 2 problems, said on the issue"
    body = calls[0][2]["body"]
    assert body.startswith("<!-- unkept:from-issue -->\nThank you. Some answers cannot")
    assert body.splitlines()[-2:] == [
        r"- When did you first complain?: expected a date like 2026\-01\-31, got "
        r"'\[soon\]\(https://evil\.example\) @\u2060demo\-org/maintainers'".replace(
            r"\u2060", "\u2060"
        ),
        r"- Promise 2: When did the brand make the promise?: expected a date like 2026\-01\-31 or"
        r" a date\-time with its UTC offset like 2026\-01\-31T09:30:00\+01:00, got '03/11/2026'",
    ]
    assert calls[1] == ("POST", f"{REPO_API}/issues/42/labels", {"labels": ["needs-changes"]})
    github.check_assertions()

    # The issue is edited and accepted: the case is proposed, the same comment edited.
    calls.clear()
    ours = {"id": 7, "body": body, "user": {"login": "github-actions[bot]"}}
    forged = {"id": 8, "body": "<!-- unkept:from-issue -->", "user": {"login": "demo-reporter"}}
    github.expect_ordered_request(f"{REPO_API}/git/ref/heads/case/issue-42").respond_with_data(
        "", status=404
    )
    github.expect_ordered_request(f"{REPO_API}/git/ref/heads/main").respond_with_json(
        {"object": {"sha": "a" * 40}}
    )
    github.expect_ordered_request(f"{REPO_API}/git/refs", method="POST").respond_with_handler(
        recorder(calls)
    )
    github.expect_ordered_request(f"{REPO_API}/contents/{CASE}", method="GET").respond_with_data(
        "", status=404
    )
    github.expect_ordered_request(f"{REPO_API}/contents/{CASE}", method="PUT").respond_with_handler(
        recorder(calls)
    )
    github.expect_ordered_request(f"{REPO_API}/pulls", method="GET").respond_with_json([])
    github.expect_ordered_request(f"{REPO_API}/pulls", method="POST").respond_with_handler(
        recorder(calls, {"html_url": "https://github.com/demo-org/unkept/pull/43"})
    )
    github.expect_ordered_request(comments, method="GET").respond_with_json([ours, forged])
    github.expect_ordered_request(
        f"{REPO_API}/issues/comments/7", method="PATCH"
    ).respond_with_handler(recorder(calls, status=200))
    github.expect_ordered_request(
        f"{REPO_API}/issues/42/labels/needs-changes", method="DELETE"
    ).respond_with_handler(recorder(calls, status=200))
    fixed = dict(mistaken, opened_on="2026-11-02", promise2_made_on="2026-11-03")
    assert "evil" not in render_issue(fixed)
    second = from_issue(run, tracker, render_issue(fixed), "--reply", "--propose")
    assert second.code == 0, second.err
    assert second.out.splitlines() == [CASE, "Opened https://github.com/demo-org/unkept/pull/43"]
    patched = next(c for c in calls if c[0] == "PATCH")
    assert "https://github.com/demo-org/unkept/pull/43" in patched[2]["body"]
    github.check_assertions()
    check = run("--root", tracker.root, "check", "--as-of", AS_OF)
    assert check.code == 0, check.out
    data = yaml.safe_load((tracker.root / CASE).read_text())
    assert len(data["promises"]) == 2


def test_valid_answers_not_yet_accepted_are_said_ready(tracker, run, github):
    calls: list = []
    comments = f"{REPO_API}/issues/42/comments"
    github.expect_ordered_request(comments, method="GET").respond_with_json([])
    github.expect_ordered_request(comments, method="POST").respond_with_handler(recorder(calls))
    github.expect_ordered_request(
        f"{REPO_API}/issues/42/labels/needs-changes", method="DELETE"
    ).respond_with_data("", status=404)
    result = from_issue(run, tracker, render_issue(answers()), "--reply")
    assert result.code == 0, result.err
    assert "once they add the label `accepted`" in calls[0][2]["body"]
    assert not (tracker.root / CASE).exists()
    github.check_assertions()


# --- The form in French -----------------------------------------------------------------------

FR_FORM = REPO / ".github/ISSUE_TEMPLATE/new-case.fr.yml"
FR = yaml.safe_load(FR_FORM.read_text())


def test_the_french_form_asks_the_same_questions_with_the_same_codes():
    assert [i.get("id") for i in FR["body"]] == [i.get("id") for i in FORM["body"]]
    assert FR["labels"] == FORM["labels"]
    for fr, en in zip(FR["body"], FORM["body"], strict=True):
        fr_options = fr.get("attributes", {}).get("options", [])
        en_options = en.get("attributes", {}).get("options", [])
        codes = [str(o).split(":", 1)[0] for o in fr_options if isinstance(o, str)]
        assert codes == [str(o).split(":", 1)[0] for o in en_options if isinstance(o, str)]
        assert fr.get("validations") == en.get("validations")
    labels = [i["attributes"]["label"] for i in FR["body"] if i["type"] != "markdown"]
    assert len(set(labels)) == len(labels)  # each answer's heading names one question
    english = {i["attributes"]["label"] for i in FORM["body"] if i["type"] != "markdown"}
    assert not set(labels) & english


def in_french(values):
    """The same answers, with each option as the French form words it."""
    by_code = {}
    for item in FR["body"]:
        for option in item.get("attributes", {}).get("options", []):
            if isinstance(option, str):
                by_code[(item["id"], option.split(":", 1)[0])] = option

    def word(qid, answer):
        if isinstance(answer, list):
            return [word(qid, a) for a in answer]
        if isinstance(answer, str) and (qid, answer.split(":", 1)[0]) in by_code:
            return by_code[(qid, answer.split(":", 1)[0])]
        return answer

    return {qid: word(qid, answer) for qid, answer in values.items()}


@pytest.fixture
def french_tracker(tracker):
    shutil.copy(FR_FORM, tracker.root / ".github/ISSUE_TEMPLATE/new-case.fr.yml")
    shutil.copytree(REPO / "site_templates/locale", tracker.root / "site_templates/locale")
    return tracker


def test_an_issue_written_with_the_french_form_makes_the_same_case(french_tracker, run, tmp_path):
    english = from_issue(run, french_tracker, render_issue(answers()))
    assert english.code == 0, english.err
    made_in_english = (french_tracker.root / CASE).read_text()
    (french_tracker.root / CASE).unlink()
    french = from_issue(run, french_tracker, render_issue(in_french(answers()), form=FR_FORM))
    assert french.code == 0, french.err
    assert (french_tracker.root / CASE).read_text() == made_in_english


def test_the_bot_answers_a_french_issue_in_french_with_the_forms_words(french_tracker, run, github):
    calls: list = []
    expect_a_first_comment_and_the_needs_changes_label(github, calls)
    mistaken = in_french(answers(promise1_made_on="03/11/2026"))
    result = from_issue(run, french_tracker, render_issue(mistaken, form=FR_FORM), "--reply")
    assert result.code == 0, result.err
    body = calls[0][2]["body"]
    assert body.startswith(
        "<!-- unkept:from-issue -->\nMerci. Certaines réponses ne permettent pas encore"
    )
    assert body.splitlines()[-1].startswith(
        r"- Promesse 1 : quand la marque a\-t\-elle fait la promesse ?: expected a date"
    )
    github.check_assertions()
