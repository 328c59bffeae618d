"""Who may change what in a pull request (`unkept check --author --base`), on a real git repo,
and `unkept diff`'s report of what the change does."""

from __future__ import annotations

import json

import pytest

from tests.support import AS_OF, VALID_CASE, git

ANN = VALID_CASE.replace("demo-tester", "demo-ann")
REPLY = "brand_reply:\n  - date: 2026-10-05\n    text: We are on it.\n"
CLAIM = "    promises:\n      - promise: 1\n        kept_on: 2026-10-04\n"
REJECTED = ANN.replace(
    "    due: 2026-10-03\n", "    due: 2026-10-03\n    claim_rejected: No call came.\n"
)


@pytest.fixture
def repo(project):
    """main holds acme (maintained by acme-care) with demo-ann's case; a branch `pr` is out."""
    project.case(ANN, name="acme/acme-ann.yml")
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "base")
    git(project.root, "checkout", "-qb", "pr")
    return project


def check_as(run, project, author):
    return run(
        "--root", project.root, "check", "--as-of", AS_OF, "--author", author, "--base", "main"
    )


F = "cases/acme/acme-ann.yml"

# (id, change made on the branch, pull request author, expected output lines)
RULES = [
    (
        "own-new-case",
        lambda p: p.case(VALID_CASE.replace("demo-tester", "demo-bob"), name="acme/acme-bob.yml"),
        "demo-bob",
        [],
    ),
    (
        "new-case-in-someone-elses-name",
        lambda p: p.case(ANN, name="acme/acme-new.yml"),
        "demo-bob",
        [
            "cases/acme/acme-new.yml:1:1: submitted_by: expected your own GitHub name 'demo-bob' for "
            "a new case, got 'demo-ann' (rule: submitter-is-author)"
        ],
    ),
    (
        "own-edit",
        lambda p: p.case(ANN.replace("never made", "still not made"), name="acme/acme-ann.yml"),
        "demo-ann",
        [],
    ),
    (
        "edit-someone-elses-case",
        lambda p: p.case(ANN.replace("never made", "made"), name="acme/acme-ann.yml"),
        "demo-bob",
        [
            f"{F}:1:1: edits a case submitted by demo-ann; only its submitter or a tracker maintainer "
            "may edit it (rule: case-owner)"
        ],
    ),
    (
        "take-over-a-case",
        lambda p: p.case(VALID_CASE.replace("demo-tester", "demo-bob"), name="acme/acme-ann.yml"),
        "demo-bob",
        [
            f"{F}:1:1: edits a case submitted by demo-ann; only its submitter or a tracker maintainer "
            "may edit it (rule: case-owner)",
            f"{F}:1:1: submitted_by: expected 'demo-ann': the submitter of a case never changes "
            "(rule: submitter-unchanged)",
        ],
    ),
    (
        "brand-maintainer-replies",
        lambda p: p.case(ANN + REPLY, name="acme/acme-ann.yml"),
        "acme-care",
        [],
    ),
    (
        "brand-maintainer-claims-a-promise-kept",
        lambda p: p.case(ANN + REPLY + CLAIM, name="acme/acme-ann.yml"),
        "acme-care",
        [],
    ),
    (
        "someone-else-claims-a-promise-kept-for-the-brand",
        lambda p: p.case(ANN + REPLY + CLAIM, name="acme/acme-ann.yml"),
        "demo-bob",
        [
            f"{F}:1:1: brand_reply: demo-bob is not a maintainer of this brand; only the brand's "
            "maintainers may add its replies (rule: brand-reply)"
        ],
    ),
    (
        "submitter-rejects-a-claim",
        lambda p: p.case(REJECTED, name="acme/acme-ann.yml"),
        "demo-ann",
        [],
    ),
    (
        "brand-maintainer-rejects-a-claim-for-the-consumer",
        lambda p: p.case(REJECTED, name="acme/acme-ann.yml"),
        "acme-care",
        [
            f"{F}:1:1: edits a case submitted by demo-ann; only its submitter or a tracker maintainer "
            "may edit it (rule: case-owner)"
        ],
    ),
    (
        "brand-maintainer-confirms-or-withdraws-for-the-consumer",
        lambda p: p.case(
            ANN.replace("status: open", "status: withdrawn\nclosed_on: 2026-11-02").replace(
                "last_confirmed: 2026-11-01", "last_confirmed: 2026-11-02"
            )
            + "withdrawn_reason: Settled.\n",
            name="acme/acme-ann.yml",
        ),
        "acme-care",
        [
            f"{F}:1:1: edits a case submitted by demo-ann; only its submitter or a tracker maintainer "
            "may edit it (rule: case-owner)"
        ],
    ),
    (
        "submitter-writes-the-brands-reply",
        lambda p: p.case(ANN + REPLY, name="acme/acme-ann.yml"),
        "demo-ann",
        [
            f"{F}:1:1: brand_reply: demo-ann is not a maintainer of this brand; only the brand's "
            "maintainers may add its replies (rule: brand-reply)"
        ],
    ),
    (
        "delete-a-case",
        lambda p: (p.cases / "acme" / "acme-ann.yml").unlink(),
        "demo-ann",
        [
            f"{F}:1:1: cases are never deleted or renamed; set status: withdrawn instead (rule: "
            "never-delete)"
        ],
    ),
    (
        "rename-a-case",
        lambda p: (p.cases / "acme" / "acme-ann.yml").rename(p.cases / "acme" / "acme-renamed.yml"),
        "demo-ann",
        [
            f"{F}:1:1: cases are never deleted or renamed; set status: withdrawn instead (rule: "
            "never-delete)"
        ],
    ),
    (
        "edit-a-brand-file",
        lambda p: p.write(
            "cases/acme/brand.yml",
            "name: Acme\nwebsite: https://acme.example\nmaintainers:\n"
            "  - login: demo-bob\n    proof: https://acme.example/bob\n",
        ),
        "demo-bob",
        [
            "cases/acme/brand.yml:1:1: only tracker maintainers may edit or delete a brand file "
            "(rule: brand-file)"
        ],
    ),
    (
        "new-brand-claiming-maintainers",
        lambda p: p.write(
            "cases/globex/brand.yml",
            "name: Globex\nwebsite: https://globex.example\nmaintainers:\n  - login: demo-bob\n    proof: https://globex.example/bob\n",
        ),
        "demo-bob",
        [
            "cases/globex/brand.yml:1:1: maintainers: only tracker maintainers may name a brand's "
            "maintainers (rule: brand-maintainers)"
        ],
    ),
]


@pytest.mark.parametrize(
    ("change", "author", "expected"), [pytest.param(c, a, e, id=i) for i, c, a, e in RULES]
)
def test_ownership_rules(repo, run, change, author, expected):
    change(repo)
    result = check_as(run, repo, author)
    problems = [line for line in result.out.splitlines() if not line.startswith("Checked ")]
    assert problems == expected
    assert result.code == (1 if expected else 0), result.out + result.err


def test_a_brands_earlier_position_is_never_changed(repo, run):
    repo.case(ANN + REPLY + CLAIM, name="acme/acme-ann.yml")
    git(repo.root, "commit", "-qam", "claim")
    git(repo.root, "branch", "-qf", "main")
    repo.case(ANN + REPLY + CLAIM.replace("2026-10-04", "2026-10-03"), name="acme/acme-ann.yml")
    result = check_as(run, repo, "acme-care")
    assert result.code == 1
    assert (
        f"{F}:1:1: brand_reply: expected earlier replies unchanged, with new ones added after "
        "them (rule: replies-append-only)"
    ) in result.out


def test_replies_are_only_appended(repo, run):
    repo.case(ANN + REPLY, name="acme/acme-ann.yml")
    git(repo.root, "commit", "-qam", "reply")
    git(repo.root, "branch", "-qf", "main")
    repo.case(ANN + REPLY.replace("We are on it.", "We never said that."), name="acme/acme-ann.yml")
    result = check_as(run, repo, "acme-care")
    assert result.out.splitlines() == [
        f"{F}:1:1: brand_reply: expected earlier replies unchanged, with new ones added after "
        "them (rule: replies-append-only)"
    ]


def test_tracker_maintainers_may_change_anything(repo, run):
    repo.write("unkept.toml", '[unkept]\nmaintainers = ["demo-chief"]\n')
    (repo.cases / "acme" / "acme-ann.yml").unlink()
    repo.write("cases/acme/brand.yml", "name: Acme Corp\n")
    result = check_as(run, repo, "demo-chief")
    assert (result.code, result.out.strip()) == (
        0,
        "Checked 1 file (1 brand, 0 valid cases): no problems.",
    )


def test_author_and_base_go_together(repo, run):
    result = run("--root", repo.root, "check", "--author", "x")
    assert (result.code, result.err.strip()) == (
        2,
        "unkept: error: --author and --base go together",
    )


def test_unknown_base_is_a_usage_error(repo, run):
    result = run("--root", repo.root, "check", "--author", "x", "--base", "no-such-branch")
    assert result.code == 2
    assert result.err.startswith("unkept: error: git merge-base no-such-branch:")


def test_diff_reports_cases_statuses_and_ranking(repo, run):
    repo.write("cases/globex/brand.yml", "name: Globex\n")
    repo.case(VALID_CASE.replace("demo-tester", "demo-bob"), name="globex/globex-one.yml")
    repo.case(
        ANN.replace("    due: 2026-10-03\n", "    due: 2026-10-03\n    kept_on: 2026-10-02\n"),
        name="acme/acme-ann.yml",
    )
    result = run("--root", repo.root, "diff", "main", "--as-of", AS_OF)
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "## Unkept: what this change does (as of 2026-11-24, compared with `main`)",
        "",
        "- Cases added: 1, changed: 1, removed: 0",
        "  - added: `globex-one` (globex)",
        "  - changed: `acme-ann` (acme)",
        "",
        "### Promises that change status",
        "",
        "| case | # | kind | before | after |",
        "| --- | --- | --- | --- | --- |",
        "| `acme-ann` | 1 | callback | overdue | kept |",
        "| `globex-one` | 1 | callback | new | overdue |",
        "",
        "### Ranking",
        "",
        "| brand | before | after | move |",
        "| --- | --- | --- | --- |",
        "| Globex | none | #1, 1 overdue | new |",
        "| Acme | #1, 1 overdue | #2, 0 overdue | down |",
    ]


def test_rules_apply_to_a_custom_cases_folder(tmp_path, run):
    """With `cases_dir = "data/cases"`, the rules judge that folder (git paths included)."""
    root = tmp_path / "tracker"
    cases = root / "data" / "cases" / "acme"
    cases.mkdir(parents=True)
    (root / "unkept.toml").write_text('[unkept]\ncases_dir = "data/cases"\n')
    (cases / "brand.yml").write_text("name: Acme\ncountry: FR\n")
    (cases / "acme-ann.yml").write_text(ANN)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "pr")
    (cases / "acme-ann.yml").write_text(ANN.replace("Callback promised", "Callback owed"))
    result = run(
        "--root", root, "check", "--as-of", AS_OF, "--author", "demo-bob", "--base", "main"
    )
    assert result.code == 1
    assert result.out.splitlines() == [
        "data/cases/acme/acme-ann.yml:1:1: edits a case submitted by demo-ann; only its "
        "submitter or a tracker maintainer may edit it (rule: case-owner)"
    ]
    as_json = run(
        "--root",
        root,
        "check",
        "--as-of",
        AS_OF,
        "--author",
        "demo-bob",
        "--base",
        "main",
        "--format",
        "json",
    )
    assert [p["code"] for p in json.loads(as_json.out)] == ["pr.case-owner"]
    mine = run("--root", root, "check", "--as-of", AS_OF, "--author", "demo-ann", "--base", "main")
    assert mine.code == 0, mine.out + mine.err
