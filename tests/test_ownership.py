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
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-qm", "maintainers")
    git(repo.root, "branch", "-qf", "main")
    (repo.cases / "acme" / "acme-ann.yml").unlink()
    repo.write("cases/acme/brand.yml", "name: Acme Corp\n")
    result = check_as(run, repo, "Demo-Chief")  # GitHub's logins ignore case
    assert (result.code, result.out.strip()) == (
        0,
        "Checked 1 file (1 brand, 0 valid cases): no problems.",
    )


def test_a_pull_request_cannot_make_its_author_a_tracker_maintainer(repo, run):
    """The settings are read as they are on the base branch, never from the pull request."""
    repo.write("unkept.toml", '[unkept]\nmaintainers = ["demo-bob"]\n')
    repo.case(ANN.replace("never made", "made"), name="acme/acme-ann.yml")
    result = check_as(run, repo, "demo-bob")
    assert result.code == 1
    assert result.out.splitlines()[:2] == [
        f"{F}:1:1: edits a case submitted by demo-ann; only its submitter or a tracker maintainer "
        "may edit it (rule: case-owner)",
        "unkept.toml:1:1: only tracker maintainers may change the tracker's settings or "
        "files (rule: tracker-file)",
    ]


def test_a_pull_request_cannot_move_the_cases_to_a_folder_the_rules_do_not_judge(repo, run):
    import shutil

    shutil.copytree(repo.cases, repo.root / "cases2")
    (repo.root / "cases2" / "acme" / "acme-ann.yml").write_text(ANN.replace("never made", "made"))
    repo.write("unkept.toml", '[unkept]\ncases_dir = "cases2"\n')
    result = check_as(run, repo, "demo-bob")
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "unkept.toml:1:1: only tracker maintainers may change the tracker's settings or files "
        "(rule: tracker-file)"
    )


@pytest.mark.parametrize(
    "path",
    ["cases/_template.yml", "cases/acme/.hidden.yml", "cases/README.md", "archive/evidence.json"],
)
def test_every_tracker_file_is_covered_by_a_rule(repo, run, path):
    repo.write(path, "name: x\n")
    result = check_as(run, repo, "demo-bob")
    assert (
        f"{path}:1:1: only tracker maintainers may change the tracker's settings or files "
        "(rule: tracker-file)"
    ) in result.out.splitlines()


@pytest.mark.parametrize(
    ("author", "change", "expected"),
    [
        (
            "Demo-Ann",
            lambda p: p.case(ANN.replace("never made", "late"), name="acme/acme-ann.yml"),
            [],
        ),
        ("ACME-CARE", lambda p: p.case(ANN + REPLY, name="acme/acme-ann.yml"), []),
        (
            "Demo-Bob",
            lambda p: p.case(VALID_CASE.replace("demo-tester", "demo-bob"), name="acme/acme-b.yml"),
            [],
        ),
    ],
    ids=["submitter", "brand-maintainer", "new-case"],
)
def test_logins_are_compared_as_github_does_ignoring_case(repo, run, author, change, expected):
    change(repo)
    result = check_as(run, repo, author)
    assert (result.code, [x for x in result.out.splitlines() if not x.startswith("Checked")]) == (
        0,
        expected,
    )


BOT = "github-actions[bot]"


def test_a_case_the_new_case_workflow_proposes_is_judged_by_the_submitter_it_carries(repo, run):
    repo.case(VALID_CASE.replace("demo-tester", "demo-zoe"), name="acme/acme-issue-42.yml")
    result = check_as(run, repo, BOT)
    assert result.code == 0, result.out


def test_the_workflows_bot_may_not_edit_a_case(repo, run):
    repo.case(ANN.replace("never made", "made"), name="acme/acme-ann.yml")
    result = check_as(run, repo, BOT)
    assert result.code == 1
    assert "(rule: case-owner)" in result.out


def test_the_rules_judge_paths_from_the_trackers_root_in_a_sub_folder(tmp_path, run):
    """A tracker kept in `tracker/` of its repository: git's paths start with `tracker/`."""
    repository = tmp_path / "repo"
    root = repository / "tracker"
    (root / "cases" / "acme").mkdir(parents=True)
    (root / "unkept.toml").write_text("[unkept]\n")
    (root / "cases" / "acme" / "brand.yml").write_text("name: Acme\n")
    (root / "cases" / "acme" / "acme-ann.yml").write_text(ANN)
    git(repository, "init", "-q", "-b", "main")
    git(repository, "add", "-A")
    git(repository, "commit", "-qm", "base")
    git(repository, "checkout", "-qb", "pr")
    (root / "cases" / "acme" / "acme-ann.yml").write_text(ANN.replace("never made", "made"))
    (root / "cases" / "acme" / "acme-gone.yml").write_text(ANN)
    result = run(
        "--root", root, "check", "--as-of", AS_OF, "--author", "demo-bob", "--base", "main"
    )
    assert result.code == 1
    assert result.out.splitlines() == [
        "cases/acme/acme-ann.yml:1:1: edits a case submitted by demo-ann; only its submitter or "
        "a tracker maintainer may edit it (rule: case-owner)",
        "cases/acme/acme-gone.yml:1:1: submitted_by: expected your own GitHub name 'demo-bob' "
        "for a new case, got 'demo-ann' (rule: submitter-is-author)",
    ]


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


def test_diff_shows_a_brand_name_as_text_in_the_job_summary(repo, run):
    """A new brand's name reaches the maintainers' job summary: no link or image from it."""
    hostile = "[Approve](https://evil.example)![](https://evil.example/p.png) @org/team"
    repo.write("cases/globex/brand.yml", f"name: '{hostile}'\n")
    repo.case(VALID_CASE.replace("demo-tester", "demo-bob"), name="globex/globex-one.yml")
    result = run("--root", repo.root, "diff", "main", "--as-of", AS_OF)
    assert result.code == 0, result.err
    rows = [line for line in result.out.splitlines() if "evil" in line]
    assert len(rows) == 1, result.out
    (row,) = rows
    assert row.startswith(
        r"| \[Approve\]\(https://evil\.example\)\!\[\]\(https://evil\.example/p\.png\)"
    )
    assert "](" not in row.replace(r"\](", "")
    assert "@\u2060org/team" in row


def test_a_pull_request_that_edits_the_rules_own_code_is_still_judged_by_the_base(tmp_path, run):
    """What check.yml's rules job does, on a real repository: the PR turns the rules off in
    its own copy of the generator; the base's code, run on the PR's tree as data, is not
    fooled (and the PR's own code would have been)."""
    import shutil
    import subprocess
    import sys

    from tests.support import REPO

    root = tmp_path / "tracker"
    shutil.copytree(REPO / "generator", root / "generator")
    (root / "cases" / "acme").mkdir(parents=True)
    (root / "cases" / "acme" / "brand.yml").write_text("name: Acme\n")
    (root / "cases" / "acme" / "acme-ann.yml").write_text(ANN)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "pr")
    rules = root / "generator" / "review" / "ownership.py"
    rules.write_text(
        rules.read_text().replace(
            '    """Every ownership rule the changes since `base` break',
            '    return []\n    """Every ownership rule the changes since `base` break',
        )
    )
    (root / "cases" / "acme" / "acme-ann.yml").write_text(ANN.replace("never made", "made"))
    args = ["--root", root, "check", "--as-of", AS_OF, "--author", "demo-bob", "--base", "main"]
    trusted = run(*args)  # the base's code: this test's own generator
    assert trusted.code == 1
    assert "(rule: case-owner)" in trusted.out
    own = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from generator.cli import main; sys.exit(main(sys.argv[1:]))",
            *map(str, args),
        ],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert own.returncode == 0, own.stdout + own.stderr  # why the PR's code must not judge


def test_diff_reads_the_cases_where_the_base_keeps_them(repo, run):
    """A change moving cases_dir cannot make the maintainers' summary describe other files."""
    import shutil

    shutil.copytree(repo.cases, repo.root / "cases2")
    shutil.rmtree(repo.root / "cases2" / "acme")
    repo.write("unkept.toml", '[unkept]\ncases_dir = "cases2"\n')
    result = run("--root", repo.root, "diff", "main", "--as-of", AS_OF)
    assert result.code == 0, result.err
    assert "- Cases added: 0, changed: 0, removed: 0" in result.out.splitlines()
