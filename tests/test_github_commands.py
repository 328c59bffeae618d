"""`unkept remind`, `propose` and `release` against a local server playing GitHub's API."""

from __future__ import annotations

import base64
import json
import re

import pytest
from werkzeug import Response

from tests.support import AS_OF, VALID_CASE

TOKEN = "ghs_supersecret_token_0123"
REPO = "/repos/demo-org/unkept"


@pytest.fixture
def github(httpserver, monkeypatch, project):
    project.write("unkept.toml", "[unkept]\nhttp_backoff = 0\nhttp_timeout = 2\n")
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_REPOSITORY", "demo-org/unkept")
    monkeypatch.setenv("UNKEPT_GITHUB_API", httpserver.url_for("/"))
    return httpserver


def owned(owner: str, confirmed: str) -> str:
    case = VALID_CASE.replace("demo-tester", owner).replace(
        "last_confirmed: 2026-11-01", f"last_confirmed: {confirmed}"
    )
    return case.replace("2026-10-0", "2026-08-0")  # opened and promised before confirming


def remind_project(project):
    # demo-ann's case is stale on 2026-12-01 (within 14 days); demo-bob's is fresh.
    project.case(owned("demo-ann", "2026-09-01"), name="acme/acme-ann.yml")
    project.case(owned("demo-bob", "2026-11-20"), name="acme/acme-bob.yml")


def recorder(store: list, answer: dict, status: int = 201):
    def handler(request):
        store.append(request.get_json())
        return Response(json.dumps(answer), status=status, content_type="application/json")

    return handler


def test_remind_opens_one_issue_per_owner_then_never_a_second(project, run, github):
    remind_project(project)
    issues = f"{REPO}/issues"
    github.expect_ordered_request(issues, method="GET").respond_with_json([])
    created: list = []
    github.expect_ordered_request(issues, method="POST").respond_with_handler(
        recorder(created, {"number": 7})
    )
    result = run("--root", project.root, "remind", "--as-of", AS_OF)
    assert result.code == 0, result.err
    assert result.out.strip() == (
        "Reminders: 1 opened, 0 updated, 0 closed, 0 already up to date, 0 failed."
    )
    (issue,) = created
    assert issue["title"] == "Please confirm your Unkept cases (@demo-ann)"
    assert issue["labels"] == ["stale-reminder"]
    assert issue["body"].startswith("<!-- unkept-remind: demo-ann -->")
    assert "| `cases/acme/acme-ann.yml` | 2026-12-01 |" in issue["body"]
    assert "acme-bob" not in issue["body"]
    github.check_assertions()

    # Run again: the issue is found by its marker and left alone; nothing is created.
    github.clear()
    github.expect_ordered_request(issues, method="GET").respond_with_json(
        [{"number": 7, "body": issue["body"]}]
    )
    result = run("--root", project.root, "remind", "--as-of", AS_OF)
    assert "0 opened, 0 updated, 0 closed, 1 already up to date" in result.out
    github.check_assertions()


def test_remind_updates_a_changed_issue_and_closes_a_finished_one(project, run, github):
    remind_project(project)
    github.expect_ordered_request(f"{REPO}/issues", method="GET").respond_with_json(
        [
            {"number": 7, "body": "<!-- unkept-remind: demo-ann -->\nold text"},
            {"number": 8, "body": "<!-- unkept-remind: demo-bob -->\nold text"},
            {"number": 9, "body": "not ours", "pull_request": {}},
        ]
    )
    patched: list = []
    github.expect_ordered_request(f"{REPO}/issues/7", method="PATCH").respond_with_handler(
        recorder(patched, {"number": 7}, 200)
    )
    github.expect_ordered_request(f"{REPO}/issues/8", method="PATCH").respond_with_handler(
        recorder(patched, {"number": 8}, 200)
    )
    result = run("--root", project.root, "remind", "--as-of", AS_OF)
    assert "0 opened, 1 updated, 1 closed" in result.out
    assert patched[0]["body"].startswith("<!-- unkept-remind: demo-ann -->")
    assert patched[1] == {"state": "closed", "state_reason": "completed"}


def test_remind_survives_a_failing_github_without_showing_the_token(project, run, github):
    remind_project(project)
    github.expect_request(f"{REPO}/issues").respond_with_data("down", status=502)
    result = run("--root", project.root, "remind", "--as-of", AS_OF)
    assert result.code == 1
    assert "HTTP 502 after 5 attempts" in result.err
    assert TOKEN not in result.out + result.err


def test_remind_says_which_files_it_skipped(project, run, github):
    remind_project(project)
    project.case("title: [\n", name="acme/acme-broken.yml")
    github.expect_request(f"{REPO}/issues", method="GET").respond_with_json([])
    github.expect_request(f"{REPO}/issues", method="POST").respond_with_json({"number": 1})
    result = run("--root", project.root, "remind", "--as-of", AS_OF)
    assert result.err.strip() == (
        "unkept: skipping 1 file with problems (see unkept check): cases/acme/acme-broken.yml"
    )


def test_remind_needs_a_token(project, run, monkeypatch):
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    result = run("--root", project.root, "remind")
    assert (result.code, result.err.strip()) == (2, "unkept: error: GITHUB_TOKEN is not set")


def test_propose_opens_a_pull_request_from_a_work_branch(project, run, github):
    project.write("archive/evidence.json", '{"format": 1, "urls": {}}\n')
    github.expect_ordered_request(
        re.compile(rf"^{REPO}/git/ref/heads/unkept(/|%2F)archive$")
    ).respond_with_data("", status=404)
    github.expect_ordered_request(f"{REPO}/git/ref/heads/main").respond_with_json(
        {"object": {"sha": "a" * 40}}
    )
    refs: list = []
    github.expect_ordered_request(f"{REPO}/git/refs", method="POST").respond_with_handler(
        recorder(refs, {})
    )
    github.expect_ordered_request(
        f"{REPO}/contents/archive/evidence.json", method="GET"
    ).respond_with_data("", status=404)
    puts: list = []
    github.expect_ordered_request(
        f"{REPO}/contents/archive/evidence.json", method="PUT"
    ).respond_with_handler(recorder(puts, {}))
    github.expect_ordered_request(f"{REPO}/pulls", method="GET").respond_with_json([])
    pulls: list = []
    github.expect_ordered_request(f"{REPO}/pulls", method="POST").respond_with_handler(
        recorder(pulls, {"html_url": "https://github.com/demo-org/unkept/pull/9"})
    )
    result = run(
        "--root",
        project.root,
        "propose",
        "archive/evidence.json",
        "--branch",
        "unkept/archive",
        "--title",
        "Archive evidence links",
    )
    assert result.code == 0, result.err
    assert result.out.strip() == (
        "Opened https://github.com/demo-org/unkept/pull/9 from unkept/archive"
    )
    assert refs == [{"ref": "refs/heads/unkept/archive", "sha": "a" * 40}]
    assert base64.b64decode(puts[0]["content"]) == b'{"format": 1, "urls": {}}\n'
    assert puts[0]["branch"] == "unkept/archive"
    assert pulls == [
        {
            "head": "unkept/archive",
            "base": "main",
            "title": "Archive evidence links",
            "body": "Archive evidence links",
        }
    ]
    github.check_assertions()


def test_propose_never_targets_the_base_branch(project, run, github):
    project.write("archive/evidence.json", "{}\n")
    result = run(
        "--root",
        project.root,
        "propose",
        "archive/evidence.json",
        "--branch",
        "main",
        "--title",
        "x",
    )
    assert (result.code, result.err) == (  # a wrong command, not a failed request
        2,
        "unkept: error: --branch: the work branch must differ from the base branch\n",
    )


@pytest.fixture
def data_dir(project):
    for name in ("brands.csv", "promises.csv", "cases.json", "datapackage.json"):
        project.write(f"site/data/{name}", f"{name} content\n")
    return project.root / "site" / "data"


def release_run(run, project, data_dir):
    return run(
        "--root", project.root, "release", "--as-of", AS_OF, "--commit", "b" * 40,
        "--data-dir", data_dir,
    )  # fmt: skip


def uploads(github, uploaded, status=201):
    def asset(request):
        uploaded.append((request.args["name"], request.headers["Content-Type"], request.data))
        return Response("{}", status=status, content_type="application/json")

    github.expect_request("/uploads/releases/7/assets", method="POST").respond_with_handler(asset)


def test_release_makes_a_draft_uploads_the_data_then_publishes(project, run, github, data_dir):
    upload = github.url_for("/uploads/releases/7/assets") + "{?name,label}"
    github.expect_ordered_request(f"{REPO}/releases", method="GET").respond_with_json(
        [{"id": 3, "tag_name": "ranking-2026-10-01", "draft": False}]
    )
    releases: list = []
    github.expect_ordered_request(f"{REPO}/releases", method="POST").respond_with_handler(
        recorder(releases, {"id": 7, "upload_url": upload, "assets": []})
    )
    uploaded: list = []
    uploads(github, uploaded)
    published: list = []
    github.expect_request(f"{REPO}/releases/7", method="PATCH").respond_with_handler(
        recorder(published, {"id": 7}, status=200)
    )
    result = release_run(run, project, data_dir)
    assert result.code == 0, result.err
    assert result.out.strip() == "Released ranking-2026-11-24"
    assert releases[0]["tag_name"] == "ranking-2026-11-24"
    assert releases[0]["target_commitish"] == "b" * 40
    assert releases[0]["draft"] is True  # the tag is made only when it is published
    assert "git checkout ranking-2026-11-24 && make site AS_OF=2026-11-24" in (releases[0]["body"])
    assert [u[0] for u in uploaded] == [
        "brands.csv",
        "promises.csv",
        "cases.json",
        "datapackage.json",
    ]
    assert uploaded[0][1:] == ("text/csv", b"brands.csv content\n")
    assert published == [{"draft": False}]


def test_a_failed_upload_leaves_a_draft_the_next_run_completes(project, run, github, data_dir):
    """Tagging first once left a tag without a release, and every later run said "nothing
    to do": the month's citable snapshot never existed."""
    upload = github.url_for("/uploads/releases/7/assets") + "{?name,label}"
    github.expect_ordered_request(f"{REPO}/releases", method="GET").respond_with_json([])
    github.expect_ordered_request(f"{REPO}/releases", method="POST").respond_with_json(
        {"id": 7, "upload_url": upload, "assets": []}, status=201
    )
    uploaded: list = []
    uploads(github, uploaded, status=502)
    first = release_run(run, project, data_dir)
    assert first.code == 1
    assert "not sent again, as it may have taken effect" in first.err
    github.clear()

    draft = {
        "id": 7,
        "tag_name": "ranking-2026-11-24",
        "draft": True,
        "upload_url": upload,
        "assets": [{"name": "brands.csv"}],  # the first upload had worked after all
    }
    github.expect_ordered_request(f"{REPO}/releases", method="GET").respond_with_json([draft])
    uploaded.clear()
    uploads(github, uploaded)
    published: list = []
    github.expect_request(f"{REPO}/releases/7", method="PATCH").respond_with_handler(
        recorder(published, {"id": 7}, status=200)
    )
    second = release_run(run, project, data_dir)
    assert second.code == 0, second.err
    assert [u[0] for u in uploaded] == ["promises.csv", "cases.json", "datapackage.json"]
    assert published == [{"draft": False}]


def test_an_earlier_days_unfinished_draft_is_replaced(project, run, github, data_dir):
    upload = github.url_for("/uploads/releases/7/assets") + "{?name,label}"
    github.expect_ordered_request(f"{REPO}/releases", method="GET").respond_with_json(
        [{"id": 5, "tag_name": "ranking-2026-11-02", "draft": True}]
    )
    github.expect_ordered_request(f"{REPO}/releases/5", method="DELETE").respond_with_data(
        "", status=204
    )
    github.expect_ordered_request(f"{REPO}/releases", method="POST").respond_with_json(
        {"id": 7, "upload_url": upload, "assets": []}, status=201
    )
    uploads(github, [])
    github.expect_request(f"{REPO}/releases/7", method="PATCH").respond_with_json({}, status=200)
    assert release_run(run, project, data_dir).code == 0
    github.check_assertions()


def test_release_does_nothing_when_the_month_has_its_snapshot(project, run, github, data_dir):
    github.expect_request(f"{REPO}/releases").respond_with_json(
        [{"id": 2, "tag_name": "ranking-2026-11-02", "draft": False}]
    )
    result = release_run(run, project, data_dir)
    assert result.code == 0
    assert result.out.strip() == "2026-11 already has its snapshot; nothing to do"
    github.check_assertions()


@pytest.mark.parametrize("answer", [[], {"object": None}, {"object": {}}])
def test_an_answer_of_another_shape_is_a_message_not_a_traceback(project, run, github, answer):
    project.write("archive/evidence.json", "{}\n")
    github.expect_ordered_request(
        re.compile(rf"^{REPO}/git/ref/heads/unkept(/|%2F)archive$")
    ).respond_with_json(answer)
    result = run(
        "--root", project.root, "propose", "archive/evidence.json",
        "--branch", "unkept/archive", "--title", "Archive",
    )  # fmt: skip
    assert result.code == 1
    assert result.err.strip() == (
        "unkept: error: GET git/ref/heads/unkept/archive: expected an answer with ['object']['sha']"
    )
