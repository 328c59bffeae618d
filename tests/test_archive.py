"""`unkept archive` against a local server playing the Wayback Machine and the originals."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from urllib.parse import urlsplit

import pytest
import requests
from werkzeug import Response

from generator.errors import ArchiveFileError
from generator.github.http import WebClient
from generator.github.wayback import Endpoints, archive_links
from generator.load.archive_records import load_records
from generator.load.loader import load_corpus
from tests.support import AS_OF

TODAY = dt.date.fromisoformat(AS_OF)
A, B, C = ("https://social.example/a", "https://forum.example/b", "https://gone.example/c")

CASE = f"""\
title: Evidence to archive
country: FR
categories: [contact]
opened_on: 2026-10-01
status: open
last_confirmed: 2026-11-01
submitted_by: demo-tester
promises:
  - kind: callback
    made_on: 2026-10-01
    evidence: [{A}, {B}]
sources:
  - url: {C}
"""


class ToLocal(requests.adapters.HTTPAdapter):
    """Sends https://host/path to the local server's /host/path: the originals' stand-in."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base.rstrip("/")

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        request.url = f"{self.base}/{parts.netloc}{parts.path}"
        return super().send(request, **kwargs)


@pytest.fixture
def setup(project, httpserver):
    project.case(CASE)
    cases = load_corpus(project.root, as_of=TODAY).cases
    endpoints = Endpoints(
        httpserver.url_for("/available"),
        httpserver.url_for("/save/"),
        "https://web.archive.org/web/",
    )

    def clients(max_requests=50, timeout=2.0):
        wayback = WebClient(
            httpserver.url_for("/"),
            max_requests=max_requests,
            timeout=timeout,
            backoff=0,
            sleep=lambda s: None,
        )
        originals = WebClient(
            "",
            max_requests=max_requests,
            timeout=timeout,
            retries=1,
            backoff=0,
            sleep=lambda s: None,
        )
        originals.session.mount("https://", ToLocal(httpserver.url_for("/")))
        return wayback, originals

    path = project.root / "archive" / "evidence.json"
    return cases, endpoints, clients, path


def originals_answer(httpserver, gone_status=404):
    httpserver.expect_request("/social.example/a").respond_with_data("ok")
    httpserver.expect_request("/forum.example/b").respond_with_data("ok")
    httpserver.expect_request("/gone.example/c").respond_with_data("gone", status=gone_status)


def availability(request):
    url = request.args["url"]
    if url == B:
        return Response(
            json.dumps(
                {
                    "archived_snapshots": {
                        "closest": {
                            "available": True,
                            "timestamp": "20250101093000",
                            "status": "200",
                            "url": f"http://web.archive.org/web/20250101093000/{B}",
                        }
                    }
                }
            ),
            content_type="application/json",
        )
    return Response(json.dumps({"archived_snapshots": {}}), content_type="application/json")


def test_archives_new_links_and_records_the_originals(setup, httpserver):
    cases, endpoints, clients, path = setup
    originals_answer(httpserver)
    httpserver.expect_request("/available").respond_with_handler(availability)
    httpserver.expect_request(re.compile(r"^/save/")).respond_with_data(
        "", headers={"Content-Location": f"/web/20261124101010/{A}"}
    )
    wayback, originals = clients()
    summary = archive_links(
        cases, path=path, today=TODAY, wayback=wayback, originals=originals, endpoints=endpoints
    )
    assert (summary.archived, summary.found, summary.gone, summary.failed) == ([A], [B], [C], [])
    assert json.loads(path.read_text()) == {
        "format": 1,
        "urls": {
            A: {
                "snapshot": f"https://web.archive.org/web/20261124101010/{A}",
                "archived_on": "2026-11-24",
                "original_status": 200,
                "checked_on": AS_OF,
            },
            B: {
                "snapshot": f"https://web.archive.org/web/20250101093000/{B}",
                "archived_on": "2025-01-01",
                "original_status": 200,
                "checked_on": AS_OF,
            },
            C: {"snapshot": None, "archived_on": None, "original_status": 404, "checked_on": AS_OF},
        },
    }
    assert summary.text().splitlines()[0] == (
        "Archived 1 new links; found 1 existing snapshots; 1 originals gone; 0 originals did "
        "not answer (tried again next run); 0 failed; 0 left "
        f"for the next run; {summary.requests} requests."
    )

    # A second run the same day asks nothing about what is archived and recently checked.
    wayback, originals = clients()
    again = archive_links(
        cases, path=path, today=TODAY, wayback=wayback, originals=originals, endpoints=endpoints
    )
    assert (again.archived, again.found) == ([], [])
    assert wayback.used == 1  # only C, which has no snapshot yet, is looked up again
    assert load_records(path)[A].snapshot == f"https://web.archive.org/web/20261124101010/{A}"


def test_failing_wayback_loses_nothing_already_recorded(setup, httpserver):
    cases, endpoints, clients, path = setup
    path.parent.mkdir()
    path.write_text(
        json.dumps(
            {
                "format": 1,
                "urls": {
                    B: {
                        "snapshot": f"https://web.archive.org/web/20250101093000/{B}",
                        "archived_on": "2025-01-01",
                        "original_status": 200,
                        "checked_on": AS_OF,
                    }
                },
            }
        )
    )
    originals_answer(httpserver)
    httpserver.expect_request("/available").respond_with_data("down", status=500)
    wayback, originals = clients()
    summary = archive_links(
        cases, path=path, today=TODAY, wayback=wayback, originals=originals, endpoints=endpoints
    )
    assert [u for u, _ in summary.failed] == [C, A]  # links go in sorted order
    assert "HTTP 500 after 5 attempts" in summary.failed[0][1]
    assert load_records(path)[B].archived_on == "2025-01-01"


def test_garbage_and_timeouts_are_failures_not_crashes(setup, httpserver):
    cases, endpoints, clients, path = setup
    originals_answer(httpserver, gone_status=200)

    def slow(request):
        time.sleep(1.5)
        return Response("")

    httpserver.expect_request("/available").respond_with_data("<html>not json</html>")
    httpserver.expect_request(re.compile(r"^/save/")).respond_with_handler(slow)
    wayback, originals = clients(timeout=0.5)
    summary = archive_links(
        cases, path=path, today=TODAY, wayback=wayback, originals=originals, endpoints=endpoints
    )
    assert len(summary.failed) == 3
    assert all("expected JSON" in why for _, why in summary.failed)


def test_budget_stops_the_run_and_keeps_what_was_done(setup, httpserver):
    cases, endpoints, clients, path = setup
    originals_answer(httpserver)
    httpserver.expect_request("/available").respond_with_handler(availability)
    httpserver.expect_request(re.compile(r"^/save/")).respond_with_data(
        "", headers={"Content-Location": f"/web/20261124101010/{A}"}
    )
    wayback, originals = clients(max_requests=2)
    summary = archive_links(
        cases, path=path, today=TODAY, wayback=wayback, originals=originals, endpoints=endpoints
    )
    # B then C fit in two requests to each service; A is left for the next run.
    assert summary.left == 1
    assert list(load_records(path)) == [B, C]


OK = '"checked_on": "2026-11-24"'


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "archive/evidence.json:1:1: expected the JSON that unkept archive writes"),
        (
            '{"format": 1}',
            "archive/evidence.json:1:1: urls: expected a mapping of links to "
            "records, as unkept archive writes",
        ),
        (
            '{"format": 1, "urls": {\n "http://x.example": {' + OK + "}}}",
            'archive/evidence.json:2:1: urls["http://x.example"]: expected an https:// link',
        ),
        (
            '{"format": 1, "urls": {\n "https://a.example": {' + OK + '},\n "https://x.example": '
            '{"snapshot": "javascript:alert(1)", ' + OK + "}}}",
            'archive/evidence.json:3:1: urls["https://x.example"].snapshot: expected a Wayback '
            "Machine https:// link, got 'javascript:alert(1)'",
        ),
        (
            '{"format": 1, "urls": {"https://x.example": {"original_status": "200", ' + OK + "}}}",
            'archive/evidence.json:1:1: urls["https://x.example"].original_status: expected an '
            "HTTP status, got '200'",
        ),
        (
            '{"format": 1, "urls": {"https://x.example": {"checked_on": "soon"}}}',
            'archive/evidence.json:1:1: urls["https://x.example"].checked_on: expected a date '
            "like 2026-01-31, got 'soon'",
        ),
        (
            '{"format": 1, "urls": {"https://x.example": 7}}',
            'archive/evidence.json:1:1: urls["https://x.example"]: expected a record with '
            "snapshot, archived_on, original_status and checked_on",
        ),
    ],
)
def test_tampered_archive_file_is_refused(tmp_path, content, message):
    path = tmp_path / "evidence.json"
    path.write_text(content)
    with pytest.raises(ArchiveFileError) as caught:
        load_records(path)
    assert str(caught.value) == message


def test_cli_refuses_a_corrupted_archive_file(project, run):
    project.case(CASE)
    project.write("archive/evidence.json", "{broken")
    result = run("--root", project.root, "archive", "--as-of", AS_OF)
    assert result.code == 1  # invalid data, not a wrong command
    assert result.err.strip() == (
        "unkept: error: archive/evidence.json:1:2: expected the JSON that unkept archive writes"
    )


@pytest.mark.slow  # builds sites
def test_case_page_links_the_archived_copy_and_flags_gone_originals(tmp_path):
    from tests.support import build, make_project

    root = make_project(tmp_path / "p", hostile=False)
    url = "https://social.example/VeloraAirHelp/status/2002"
    gone = "https://social.example/NortevaHelp/status/1001"
    (root / "archive").mkdir()
    (root / "archive" / "evidence.json").write_text(
        json.dumps(
            {
                "format": 1,
                "urls": {
                    url: {
                        "snapshot": f"https://web.archive.org/web/20261101000000/{url}",
                        "archived_on": "2026-11-01",
                        "original_status": 200,
                        "checked_on": AS_OF,
                    },
                    gone: {
                        "snapshot": None,
                        "archived_on": None,
                        "original_status": 410,
                        "checked_on": AS_OF,
                    },
                },
            }
        )
    )
    assert build(root).returncode == 0
    velora = (root / "site/cases/velora-cancelled-flight-refund/index.html").read_text()
    assert f'href="https://web.archive.org/web/20261101000000/{url}"' in velora
    assert "archived copy</a>, 2026-11-01" in velora
    norteva = (root / "site/cases/norteva-fibre-outage-callback/index.html").read_text()
    assert "original no longer online" in norteva


def test_an_original_that_does_not_answer_once_is_unknown_not_gone(setup, httpserver):
    """A single reset or timeout once marked a link 'original gone' on the site for 30 days."""
    cases, endpoints, clients, path = setup

    def reset(request):
        time.sleep(1.0)  # past the client's timeout: no answer at all
        return Response("late")

    httpserver.expect_request("/social.example/a").respond_with_handler(reset)
    httpserver.expect_request("/forum.example/b").respond_with_data("ok")
    httpserver.expect_request("/gone.example/c").respond_with_data("ok")
    httpserver.expect_request("/available").respond_with_handler(availability)
    httpserver.expect_request(re.compile(r"^/save/")).respond_with_data(
        "", headers={"Content-Location": f"/web/20261124101010/{C}"}
    )
    wayback, originals = clients(timeout=0.3)
    summary = archive_links(
        cases, path=path, today=TODAY, wayback=wayback, originals=originals, endpoints=endpoints
    )
    assert (summary.gone, summary.unknown) == ([], [A])
    records = load_records(path)
    assert records[A].original_status is None
    assert not records[A].original_gone
    assert records[A].snapshot is None  # not saved while the original does not answer


@pytest.mark.parametrize(
    "answer",
    [
        [],
        {"archived_snapshots": []},
        {"archived_snapshots": {"closest": "x"}},
        {"archived_snapshots": {"closest": {"available": True, "timestamp": "20261399999999"}}},
    ],
    ids=["a-list", "snapshots-a-list", "closest-text", "impossible-timestamp"],
)
def test_an_answer_of_another_shape_or_an_impossible_timestamp_is_no_snapshot(
    setup, httpserver, answer
):
    """A malformed timestamp was written as 2026-13-99 and then broke archive and build."""
    cases, endpoints, clients, path = setup
    originals_answer(httpserver)
    httpserver.expect_request("/available").respond_with_json(answer)
    httpserver.expect_request(re.compile(r"^/save/")).respond_with_data(
        "", headers={"Content-Location": "/web/20261399999999/https://x.example/"}
    )
    wayback, originals = clients()
    summary = archive_links(
        cases, path=path, today=TODAY, wayback=wayback, originals=originals, endpoints=endpoints
    )
    assert summary.found == []
    assert [u for u, _ in summary.failed] == sorted([A, B])  # no save named a real snapshot
    assert all(r.archived_on is None for r in load_records(path).values())
