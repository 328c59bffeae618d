"""The built site: pages, figures, open data, feeds, safety, determinism and atomicity."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support import AS_OF, REPO, build, make_project, set_setting, tree_digest

pytestmark = pytest.mark.slow  # each test builds a site or reads the session's


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text, of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> Elements:
    parser = Elements()
    parser.feed(path.read_text("utf-8"))
    return parser


def commit_of(root: Path) -> str:
    return subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_every_page_exists(site):
    expected = [
        "index.html",
        "ranking/index.html",
        "ranking/last-12-months/index.html",
        "ranking/contact/index.html",
        "deadlines/index.html",
        "methodology/index.html",
        "contribute/index.html",
        "brands/norteva-telecom/index.html",
        "cases/norteva-fibre-outage-callback/index.html",
        "cases/norteva-duplicate-report/index.html",
        "data/brands.csv",
        "data/promises.csv",
        "data/cases.json",
        "data/datapackage.json",
        "feeds/atom.xml",
        "feeds/norteva-telecom.xml",
        "calendars/velora-air.ics",
        "badges/norteva-telecom.svg",
        "badges/norteva-telecom.json",
        "search/search_index.json",
        "search/cases.json",
        "assets/javascripts/workers/unkept-search.js",
    ]
    missing = [p for p in expected if not (site / p).is_file()]
    assert missing == []


def test_every_page_states_as_of_and_commit(site, site_root):
    commit = commit_of(site_root)
    for page in html_files(site):
        if page.name == "404.html":
            continue
        text = page.read_text()
        assert f'<time datetime="{AS_OF}">' in text, page
        assert f"<code>{commit}</code>" in text, page
        assert 'data/brands.csv">brands.csv</a>' in text, page


def table_cells(page: Path, values: bool = False) -> list[dict[str, str]]:
    """Rows of the ranking table as {column: text}, using the cells' data-col; with
    `values`, their data-value (the figure as brands.csv has it) instead of their text."""

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.rows, self.col, self.cell_name, self.in_body = [], None, None, False

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "tbody":
                self.in_body = True
            elif tag == "tr" and self.in_body:
                self.rows.append({})
            elif tag == "td" and self.in_body:
                self.col = a.get("data-col")
                self.rows[-1][self.col] = a.get("data-value", "") if values else ""
            elif tag == "span" and "data-cell" in a:
                self.cell_name = a["data-cell"]
                self.rows[-1][self.cell_name] = a.get("data-value", "") if values else ""

        def handle_endtag(self, tag):
            if tag == "span":
                self.cell_name = None
            if tag == "td":
                self.col = None
            if tag == "tbody":
                self.in_body = False

        def handle_data(self, data):
            if values:
                return
            if self.cell_name:
                self.rows[-1][self.cell_name] += data
            elif self.col and self.col != "kept_on_time_rate":
                self.rows[-1][self.col] += data

    parser = Cells()
    parser.feed(page.read_text())
    return parser.rows


def test_ranking_page_figures_equal_brands_csv(site):
    rows = list(csv.DictReader(io.StringIO((site / "data/brands.csv").read_text())))
    figures = table_cells(site / "ranking/index.html", values=True)
    assert len(figures) == len(rows) == 5
    for page_row, csv_row in zip(figures, rows, strict=True):
        for column, value in page_row.items():
            if column == "kept_on_time_rate" and value == "-1":  # sorts last; empty cell
                value = ""
            assert value == csv_row[column], (column, page_row, csv_row)
    # The reader reads the same figures in the site's locale (en_GB): money and percentages
    shown = {
        r["brand"].replace("fictional demo", "").strip(): r
        for r in table_cells(site / "ranking/index.html")
    }
    assert shown["Velora Air"]["refunds_overdue"] == "€412.60"
    assert shown["Hexa Home Appliances"]["kept_on_time_rate"] == "60%"
    assert (
        shown["Hexa Home Appliances"]["rate_low"],
        shown["Hexa Home Appliances"]["rate_high"],
    ) == ("23.1%", "88.2%")


def test_ranking_order_and_figures(site):
    rows = list(csv.DictReader(io.StringIO((site / "data/brands.csv").read_text())))
    assert [(r["rank"], r["brand_id"], r["overdue"], r["total_days_overdue"]) for r in rows] == [
        ("1", "velora-air", "1", "97"),  # its claim on the refund was rejected: still overdue
        ("2", "zz-hostile", "1", "52"),
        ("3", "norteva-telecom", "1", "51"),  # one claimed, one unconfirmed: neither counts
        ("4", "brightcart", "0", "0"),
        ("4", "hexa-home", "0", "0"),  # the oven: kept late on the brand's word
    ]
    velora = rows[0]
    assert velora["refunds_overdue"] == "412.60 EUR"
    assert velora["kept_on_time"] == "2"
    assert velora["kept_on_time_rate"] == ""  # 3 decided promises: below 5
    norteva = rows[2]
    assert [norteva[k] for k in ("claimed", "unconfirmed", "disputed", "kept_per_brand")] == [
        "1",
        "1",
        "1",
        "0",
    ]
    hexa = rows[4]  # 3 kept on time, 2 kept late (one on the brand's word): 5 decided
    assert (hexa["kept_late"], hexa["kept_per_brand"], hexa["claimed"]) == ("2", "1", "0")
    assert (hexa["brand_id"], hexa["kept_on_time_rate"], hexa["rate_low"], hexa["rate_high"]) == (
        "hexa-home",
        "60.0",
        "23.1",
        "88.2",
    )


def test_headline_figures(site):
    text = (site / "index.html").read_text()
    found = re.findall(r'data-figure="(\w+)" data-value="(\d+)">([^<]+)<', text)
    assert all(shown == value for _, value, shown in found)  # under 1,000: no separator
    figures = {name: value for name, value, _ in found}
    assert figures == {"brands": "5", "cases": "13", "promises": "19", "overdue": "3", "kept": "6"}


def test_csv_files_read_back_and_neutralise_formulas(site):
    promises = list(csv.DictReader(io.StringIO((site / "data/promises.csv").read_text())))
    assert len(promises) == 19  # the withdrawn case's promise is not published
    assert {p["status"] for p in promises} == {
        "kept",
        "kept-late",
        "claimed",
        "pending",
        "overdue",
        "unconfirmed",
        "broken",
        "moot",
    }
    raw = (site / "data/promises.csv").read_bytes()
    assert b"\r\n" in raw
    assert raw.startswith(b'"case_id","promise","brand_id","kind","made_on","due",')
    # every text cell in quotes, so a ";" spreadsheet cannot split one and run its second half
    rows = raw.split(b"\r\n")
    assert any(
        r.startswith(b'"velora-cancelled-flight-refund",2,"velora-air","refund",') for r in rows
    )
    refund = next(
        p
        for p in promises
        if p["case_id"] == "velora-cancelled-flight-refund" and p["promise"] == "2"
    )
    assert (refund["amount"], refund["currency"], refund["days"]) == ("412.60", "EUR", "97")
    flags = {
        (p["case_id"], p["promise"]): (p["status"], p["disputed"], p["kept_per"], p["claim_due"])
        for p in promises
    }
    assert flags[("norteva-fibre-outage-callback", "1")] == ("overdue", "true", "", "")
    assert flags[("norteva-fibre-outage-callback", "2")] == ("claimed", "false", "", "2026-12-05")
    assert flags[("hexa-oven-replacement", "1")] == ("kept-late", "false", "brand", "2026-11-19")
    assert flags[("hexa-warranty-reply", "1")] == ("kept-late", "false", "consumer", "")
    assert flags[("velora-cancelled-flight-refund", "2")] == ("overdue", "false", "", "")


def test_each_view_of_the_ranking_lists_only_its_brands_and_links_its_own_csv(site):
    other = list(csv.DictReader(io.StringIO((site / "data/ranking/other.csv").read_text())))
    page = (site / "ranking/other/index.html").read_text()
    assert "data/ranking/other.csv" in page
    listed = re.findall(r'<td data-col="brand" data-value="([^"]*)"', page)
    assert [r["brand"] for r in other] == [html.unescape(b) for b in listed]
    assert len(other) < 5  # not every brand has a case in "other"
    rated = list(csv.DictReader(io.StringIO((site / "data/ranking/by-rate.csv").read_text())))
    assert [(r["rank"], r["brand_id"], r["rate_low"]) for r in rated] == [
        ("1", "hexa-home", "23.1")
    ]
    package = json.loads((site / "data/datapackage.json").read_text())
    paths = [r["path"] for r in package["resources"]]
    assert "ranking/other.csv" in paths
    assert "ranking/by-rate.csv" in paths


def test_a_disputed_promise_is_flagged_wherever_it_appears(site):
    for page in (
        "brands/norteva-telecom/index.html",
        "cases/norteva-fibre-outage-callback/index.html",
    ):
        assert 'class="unkept-flag">disputed by the brand<' in (site / page).read_text(), page
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(site / "feeds/norteva-telecom.xml").getroot()
    titles = [e.find("a:title", ns).text for e in feed.findall("a:entry", ns)]
    assert (
        "Overdue: Norteva Telecom's callback promise (Two callbacks promised on Twitter about a fibre "
        "outage, none made) (disputed by the brand)" in titles
    )
    oven = (site / "brands/hexa-home/index.html").read_text()
    assert 'class="unkept-flag">on the brand\'s word<' in oven


def test_corrections_list_what_was_withdrawn_or_contested_newest_first(site):
    text = re.sub(r"<[^>]+>", " ", (site / "corrections/index.html").read_text())
    text = " ".join(html.unescape(text).split())
    disputed = text.index(
        "Norteva Telecom disputes promise 1 of case norteva-fibre-outage-callback"
    )
    rejected = text.index(
        "The consumer rejects Velora Air's claim that promise 2 of case "
        "velora-cancelled-flight-refund was kept."
    )
    withdrawn = text.index("Case norteva-duplicate-report was withdrawn by its submitter.")
    assert disputed < rejected < withdrawn
    assert "In their words: Filed twice by mistake" in text
    feed = ET.fromstring((site / "feeds/corrections.xml").read_bytes())
    titles = [
        e.findtext("{http://www.w3.org/2005/Atom}title")
        for e in feed.iter("{http://www.w3.org/2005/Atom}entry")
    ]
    assert len(titles) == 3
    assert titles[0].startswith("Norteva Telecom disputes promise 1")


def test_formula_injection_is_neutralised():
    from generator.export.columns import neutralise

    cells = ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "Acme", "  =1+2", "\uff1d1+2", "\u3000@x"]
    assert [neutralise(x) for x in cells] == [
        "'=1+1",
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "Acme",
        "'  =1+2",
        "'\uff1d1+2",
        "'\u3000@x",
    ]


def test_datapackage_is_valid_frictionless(site):
    result = subprocess.run(
        [
            str(Path(__import__("sys").executable).with_name("frictionless")),
            "validate",
            "--json",
            str(site / "data/datapackage.json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stdout)
    assert report["valid"] is True, json.dumps(report, indent=1)[:3000]
    package = json.loads((site / "data/datapackage.json").read_text())
    assert package["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["unkept"]["as_of"] == AS_OF


def test_cases_json_has_meta_and_tombstones(site, site_root):
    data = json.loads((site / "data/cases.json").read_text())
    assert data["meta"]["as_of"] == AS_OF
    assert data["meta"]["commit"] == commit_of(site_root)
    assert data["meta"]["format_version"] == 1
    withdrawn = next(c for c in data["cases"] if c["id"] == "norteva-duplicate-report")
    assert withdrawn == {
        "id": "norteva-duplicate-report",
        "brand_id": "norteva-telecom",
        "status": "withdrawn",
        "closed_on": "2026-10-04",
        "withdrawn_reason": "Filed twice by mistake; the fibre outage case tells the story.",
    }


def test_withdrawn_case_keeps_a_tombstone_page(site):
    text = (site / "cases/norteva-duplicate-report/index.html").read_text()
    assert "Case withdrawn" in text
    assert "withdrawn by its submitter on 4 October 2026" in text
    assert "Duplicate of the fibre outage case" not in text
    assert "it remains in the history of the tracker's public repository" in text
    assert "ask the tracker's maintainers to erase it" in text


def test_case_page_shows_each_promise(site):
    page = site / "cases/norteva-fibre-outage-callback/index.html"
    statuses = re.findall(r'data-status="([a-z-]+)"', page.read_text())
    assert statuses == ["overdue", "claimed"]
    text = "".join(parse(page).text)
    assert "default applied" in text
    assert "51 days overdue" in text
    assert "Cite this case" in text


def test_the_brands_side_is_at_the_top_of_the_case_page(site):
    page = (site / "cases/norteva-fibre-outage-callback/index.html").read_text()
    side = page[page.index('id="brand-side"') : page.index('id="summary"')]
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", side)).split())
    assert "The brand disputes promise 1: Our Twitter team offered a direct message" in text
    assert (
        "Promise 2: kept, says the brand, on 20 November 2026. The consumer has until "
        "5 December 2026 to "
        "answer." in text
    )
    assert "Latest reply from the brand: 21 November 2026." in text
    assert side.count('href="#reply-1"') == 3  # each links to the reply it comes from
    assert 'id="reply-1"' in page
    oven = (site / "cases/hexa-oven-replacement/index.html").read_text()
    assert "counts as kept on 4 November 2026 on the brand's word" in oven
    velora = (site / "cases/velora-cancelled-flight-refund/index.html").read_text()
    assert "the consumer rejects the claim: Nothing has been credited to my card" in velora


def test_demo_notice_wherever_demo_brands_appear(site):
    for page in [
        "index.html",
        "ranking/index.html",
        "brands/brightcart/index.html",
        "cases/brightcart-sofa-refund/index.html",
    ]:
        assert "Fictional demonstration data" in (site / page).read_text(), page


def test_feeds_calendars_and_badges(site):
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(site / "feeds/atom.xml").getroot()
    entries = feed.findall("a:entry", ns)
    assert entries
    assert feed.find("a:updated", ns).text == f"{AS_OF}T00:00:00Z"
    titles = [e.find("a:title", ns).text for e in entries]
    assert "New case: Charged twice for November; told to send a private message" in titles
    brand_feed = ET.parse(site / "feeds/zz-hostile.xml").getroot()
    assert any(
        "<script>" in e.find("a:title", ns).text for e in brand_feed.findall("a:entry", ns)
    )  # text, safely escaped as XML
    cal = icalendar.Calendar.from_ical((site / "calendars/velora-air.ics").read_bytes())
    events = list(cal.walk("VEVENT"))
    assert [str(e["uid"]) for e in events] == ["velora-lost-luggage-2@unkept.example"]
    assert events[0].decoded("dtstart").isoformat() == "2026-11-27"
    badge = json.loads((site / "badges/norteva-telecom.json").read_text())
    assert badge == {
        "schemaVersion": 1,
        "label": "unkept",
        "message": "1 overdue",  # one claimed, one unconfirmed
        "color": "orange",
    }
    ET.parse(site / "badges/norteva-telecom.svg")  # well-formed SVG


def test_brand_chart_is_inline_svg_with_a_data_table(site):
    text = (site / "brands/norteva-telecom/index.html").read_text()
    assert '<svg class="unkept-chart"' in text
    assert 'role="img"' in text
    assert "<td>2026-10</td><td>2</td>" in text  # the router case: unconfirmed from 30 Sep
    assert "<td>2026-08</td><td>1</td>" in text
    assert "<td>2026-06</td><td>0</td>" in text


# --- Safety -------------------------------------------------------------------------------

ALLOWED_SCRIPT = re.compile(
    r"^(/|(\.\./)*)(assets/javascripts/bundle\.[0-9a-f]+\.min\.js|"
    r"assets/unkept-scope\.js|assets/unkept-palette\.js|assets/unkept\.js)$"
)


URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster")


def test_no_page_has_unsafe_html(site):
    for page in html_files(site):
        for tag, attrs in parse(page).tags:
            for name in URL_ATTRIBUTES:
                value = (attrs.get(name) or "").strip().lower()
                assert not value.startswith(("javascript:", "data:", "vbscript:")), (page, tag)
            handlers = [a for a in attrs if a.startswith("on")]
            assert handlers == [], (page, tag, attrs)
            if tag == "script":
                src = attrs.get("src")
                assert (src and ALLOWED_SCRIPT.match(src)) or (
                    attrs.get("type") == "application/json" and attrs.get("id") == "__config"
                ), (page, attrs)
            assert tag not in ("iframe", "object", "embed", "style"), (page, tag)


def test_every_page_has_a_strict_content_security_policy(site):
    for page in html_files(site):
        metas = [
            a
            for t, a in parse(page).tags
            if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
        ]
        assert len(metas) == 1, page
        assert "script-src 'self';" in metas[0]["content"]
        assert "unsafe-inline" not in metas[0]["content"].split("script-src")[1].split(";")[0]


def test_no_page_loads_anything_from_another_host(site):
    for page in html_files(site):
        for tag, attrs in parse(page).tags:
            for name in ("src", "href"):
                value = attrs.get(name) or ""
                if tag == "a" or (tag == "link" and attrs.get("rel") in ("canonical",)):
                    continue
                assert not re.match(r"^(https?:)?//", value), (page, tag, attrs)


def test_hostile_text_is_shown_as_text(site):
    page = site / "cases/zz-hostile-case/index.html"
    html = page.read_text()
    text = "".join(parse(page).text)
    assert "<script>alert('title')</script> & <b>bold</b>" in text
    assert "<svg onload=alert('quote')></svg>" in text
    assert "*not emphasis* [a link](javascript:alert(1))" in text  # shown, never a link
    assert "--8<-- &quot;secrets.txt&quot;" in html or '--8<-- "secrets.txt"' in text
    assert "{{ jinja }} {% raw %}" in text
    assert "<em>not emphasis</em>" not in html
    assert "<script>alert" not in html
    title = re.search(r"<title>(.*?)</title>", html).group(1)
    assert "<" not in title


def test_internal_links_resolve(site):
    for page in html_files(site):
        for tag, attrs in parse(page).tags:
            href = attrs.get("href") if tag in ("a", "link") else attrs.get("src")
            if not href or re.match(r"^([a-z]+:|//|#)", href):
                continue
            path = href.split("#")[0].split("?")[0]
            base = site if path.startswith("/") else page.parent
            target = (base / path.lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            assert target.is_file(), (page, href)


# --- Determinism and atomicity --------------------------------------------------------------


def test_same_input_and_date_give_a_byte_identical_site(site, site_root, tmp_path):
    first = tree_digest(site)
    result = build(site_root)
    assert result.returncode == 0, result.stderr
    assert tree_digest(site_root / "site") == first
    other = make_project(tmp_path / "again")
    assert build(other).returncode == 0
    second = tree_digest(other / "site")
    differing = sorted(k for k in first if first[k] != second.get(k))
    # Only the commit differs between two repositories, and it is printed on every page.
    assert set(second) == set(first)
    assert all(k.endswith((".html", ".json")) for k in differing)


def test_a_language_without_a_catalogue_is_a_clear_error_and_leaves_the_previous_site(built_demo):
    root, before = built_demo
    set_setting(root, "language", "de")
    result = build(root)
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        "unkept: error: unkept.toml:5:1: [unkept].language: no translation catalogue for 'de'; "
        "the languages available are en, fr. To add one, copy "
        "site_templates/locale/unkept.pot to site_templates/locale/<language>/LC_MESSAGES/"
        "unkept.po, translate every entry (Poedit or any .po editor), then build: "
        'CONTRIBUTING.md, "Adding a language", has the steps; the previous site/ is unchanged.\n',
    )
    assert tree_digest(root / "site") == before


@pytest.mark.parametrize(
    ("line", "moved"),
    [
        ("site_name: Other", "site_name: set in unkept.toml instead (name = ...)"),
        (
            "site_url: https://other.example/",
            "site_url: set in unkept.toml instead (site_url = ...)",
        ),
    ],
)
def test_what_unkept_toml_holds_is_refused_in_mkdocs_yml(built_demo, line, moved):
    root, before = built_demo
    config = root / "mkdocs.yml"
    config.write_text(f"{line}\n" + config.read_text())
    result = build(root)
    assert result.returncode == 1
    assert result.stderr == (
        f"unkept: error: mkdocs.yml: {moved}; mkdocs.yml holds the theme only; the previous "
        "site/ is unchanged.\n"
    )
    assert tree_digest(root / "site") == before


def test_failed_build_leaves_the_previous_site(built_demo):
    root, before = built_demo
    (root / "cases" / "brightcart" / "brightcart-sofa-refund.yml").write_text("title: [\n")
    result = build(root)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith(
        "cases/brightcart/brightcart-sofa-refund.yml:2:1: expected valid YAML"
    )
    assert "the previous site/ is unchanged" in result.stderr
    assert tree_digest(root / "site") == before
    assert not list(root.glob("site.tmp-*"))


def test_mkdocs_failure_leaves_the_previous_site(built_demo):
    root, before = built_demo
    (root / "site_templates" / "theme" / "main.html").write_text(
        "{% extends 'base.html' %}{% block x %}{{ nope(}}"
    )
    result = build(root)
    assert result.returncode == 1
    assert "MkDocs failed" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(root / "site") == before


@pytest.mark.parametrize("jobs", ["1", "2"])  # written after MkDocs, or beside it in a worker
def test_a_broken_feed_template_fails_the_build_and_leaves_the_previous_site(
    built_demo, monkeypatch, jobs
):
    monkeypatch.setenv("UNKEPT_JOBS", jobs)
    root, before = built_demo
    (root / "site_templates" / "files" / "atom.xml.j2").write_text("<feed>{{ nope(}}</feed>\n")
    result = build(root)
    assert result.returncode == 1
    assert "unkept: error: site_templates: files/atom.xml.j2:1: unexpected '}'" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(root / "site") == before
    assert not list(root.glob("site.tmp-*"))


@pytest.mark.parametrize("jobs", ["1", "2"])  # saved after MkDocs, or beside it in a worker
def test_the_build_saves_the_validation_cache_for_the_next_run(built_demo, monkeypatch, jobs):
    from generator.load.cache import CheckCache, Entry

    monkeypatch.setenv("UNKEPT_JOBS", jobs)
    root, _ = built_demo
    cache = CheckCache.load(root)
    assert cache.ignored is None
    cases = {
        p.relative_to(root).as_posix()
        for p in (root / "cases").glob("*/*.yml")  # brand folders; not _template.yml
        if p.name != "brand.yml"
    }
    files = {k: v for k, v in cache.entries.items() if not k.startswith(":")}
    assert set(files) == cases
    assert {Entry.from_row(row).digest for row in files.values()} == set(cache.docs)


def test_a_cache_folder_that_cannot_be_written_is_a_warning_and_the_build_goes_on(built_demo):
    root, before = built_demo
    shutil.rmtree(root / ".unkept-cache")
    (root / ".unkept-cache").write_text("a file where the cache folder goes\n")
    result = build(root)
    assert result.returncode == 0, result.stderr
    warnings = result.stderr.splitlines()
    assert warnings == [
        "unkept: warning: .unkept-cache: File exists; the validation cache was not saved (the "
        "next run reads every file again)",
        "unkept: warning: .unkept-cache: File exists; the open data index was not saved (the "
        "next build makes every case's open data again)",
        "unkept: warning: .unkept-cache: File exists; the render index was not saved (the "
        "next build renders every page)",
    ]
    assert tree_digest(root / "site") == before


CACHE_WARNINGS = {
    "check-index.json": "the validation cache was not saved (the next run reads every file again)",
    "open-data-index.json": "the open data index was not saved (the next build makes every "
    "case's open data again)",
}


@pytest.mark.parametrize("jobs", ["1", "2"])  # saved after MkDocs, or beside it in a worker
@pytest.mark.parametrize("name", sorted(CACHE_WARNINGS))
def test_a_cache_file_that_cannot_be_saved_is_a_warning(built_demo, monkeypatch, jobs, name):
    monkeypatch.setenv("UNKEPT_JOBS", jobs)
    root, before = built_demo
    index = root / ".unkept-cache" / name
    index.unlink()
    (index / "in-the-way").mkdir(parents=True)  # a folder where the file goes
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        f"unkept: warning: .unkept-cache/{name}: Is a directory; {CACHE_WARNINGS[name]}\n"
    )
    assert tree_digest(root / "site") == before
    assert sorted(p.name for p in (root / ".unkept-cache").iterdir()) == [
        "check-index.json",  # no temporary file left behind
        "docs.jsonl",
        "open-data-index.json",
        "render-index.json",
    ]


def test_downloads_go_to_the_site_not_to_docs(site, site_root):
    assert {"data", "feeds", "calendars", "badges"} <= {p.name for p in site.iterdir()}
    assert not {"data", "feeds", "calendars", "badges"} & {
        p.name for p in (site_root / "docs").iterdir()
    }


# --- Languages --------------------------------------------------------------------------------


def test_french_site_builds(tmp_path):
    root = make_project(tmp_path / "fr", language="fr")
    result = build(root)
    assert result.returncode == 0, result.stderr
    site = root / "site"
    assert '<html lang="fr"' in (site / "index.html").read_text()
    assert "Classement" in (site / "ranking/index.html").read_text()
    assert "Méthodologie" in (site / "methodology/index.html").read_text()
    case = (site / "cases/norteva-fibre-outage-callback/index.html").read_text()
    assert "51 jours de retard" in case
    assert "Données fictives de démonstration" in case
    assert "Promesse 2\u00a0: tenue le 20 novembre 2026, selon la marque." in html.unescape(case)
    methodology = html.unescape((site / "methodology/index.html").read_text())
    assert_defines_every_status_and_column(methodology, "fr")
    assert "Pour les marques" in (site / "for-brands/index.html").read_text()
    assert "Rectificatifs" in (site / "corrections/index.html").read_text()


def assert_defines_every_status_and_column(text: str, lang: str) -> None:
    """The methodology names each status and each column of the ranking, as the pages do."""
    from generator.export.columns import BRAND_COLUMNS
    from generator.i18n import Language
    from generator.model.statuses import Status

    language = Language.load(REPO / "site_templates", lang)
    for status in Status:
        assert language.word("status", status).casefold() in text.casefold(), status
    for column in BRAND_COLUMNS:
        if column.label and column.name not in ("rank", "brand", "cases", "promises"):
            if column.name == "kept_on_time_rate":
                continue
            name = re.sub(r"\s*\(.*\)$", "", language.gettext(column.label))  # "(days)"
            assert name.casefold() in text.casefold(), column.label


def test_the_methodology_defines_every_status_and_column(site):
    text = html.unescape((site / "methodology/index.html").read_text())
    assert_defines_every_status_and_column(text, "en")
    assert "80.0% (37.6\u201396.4)" in text  # the worked example is the computed figure


def test_search_partial_override_is_materials_own_but_for_its_label():
    import material

    original = (Path(material.__file__).parent / "templates/partials/search.html").read_text()
    ours = (REPO / "site_templates/theme/partials/search.html").read_text()
    body = lambda text: text.split("-#}", 1)[1]  # noqa: E731 - after the header comment
    assert body(ours).replace(" aria-label=\"{{ lang.t('search.placeholder') }}\"", "", 1) == body(
        original
    )


_STAMP_VALUES = st.tuples(*[st.text(min_size=1).map(str.encode)] * 3)


@settings(max_examples=300)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet=st.characters(exclude_categories=["Cs"])),
            st.sampled_from(
                ["<!--unkept:as-of-->", "<!--unkept:as-of-text-->", "<!--unkept:commit-->"]
            ),
        )
    ),
    _STAMP_VALUES,
    _STAMP_VALUES,
)
def test_a_body_taken_back_from_its_page_gets_the_new_stamps_exactly(parts, old, new):
    """What a new commit does to a data page: its body is read back from the previous
    site's file where the render index says it lies, and its stamps replaced."""
    from generator.site.data_pages import STAMP_ORDER, body_shape, restamped
    from generator.site.render_index import stamped

    def stamped_body(body: str, values: tuple[bytes, ...]) -> bytes:
        return stamped(
            body, **dict(zip(STAMP_ORDER, map(bytes.decode, values), strict=True))
        ).encode()

    body = "".join(parts)
    head = "<html>…<main>".encode()
    page = head + stamped_body(body, old) + b"</main></html>"
    assert restamped(page, len(head), body_shape(body), old, new) == stamped_body(body, new)


def test_a_page_whose_stamps_are_not_where_the_index_says_is_not_taken_back():
    from generator.site.data_pages import body_shape, restamped

    shape = body_shape("commit <!--unkept:commit--> stated")
    stamps = (b"2026-11-24", b"24 November 2026", b"abc123")
    page = b"<main>commit abc123 stated</main>"
    assert restamped(page, 6, shape, stamps, stamps) == b"commit abc123 stated"
    assert restamped(page.replace(b"abc123", b"zzz999"), 6, shape, stamps, stamps) is None


def test_ranking_page_shows_the_top_brands_and_points_to_the_csv(tmp_path, monkeypatch):
    import datetime as dt

    from generator.export.downloads import write_downloads
    from generator.export.publisher import Publisher
    from generator.i18n import Language
    from generator.load.loader import load_corpus
    from generator.model.tracker import compute
    from generator.site import render
    from generator.site.templates import environment

    corpus = load_corpus(REPO, as_of=dt.date.fromisoformat(AS_OF))
    data = compute(
        corpus.brands,
        corpus.cases,
        as_of=dt.date.fromisoformat(AS_OF),
        commit="test",
        stale_days=90,
    )
    templates = REPO / "site_templates"
    monkeypatch.setattr(render, "RANKING_ROWS", 2)
    language = Language.load(templates, "en")
    rendering = render.prepare(
        data,
        language,
        tracker="Unkept",
        templates=templates,
        site_url="https://unkept.example/",
        archived={},
    )
    held = render.render_docs(tmp_path, rendering, templates)
    page = (tmp_path / "ranking" / "index.md").read_text()
    (table,) = held["ranking/index.html"]  # held back from the engine, put in after it
    assert '<div data-unkept-held="0"></div>' in page
    assert table.count('<td data-col="rank"') == 2
    assert "The 2 brands with the most unresolved promises are shown here, of 4" in page
    downloads = tmp_path / "downloads"
    write_downloads(
        downloads,
        data,
        Publisher("Unkept", "https://unkept.example/", language),
        env=environment(templates, language),
    )
    assert (downloads / "data" / "brands.csv").read_bytes().count(b"\r\n") == 5  # 4 + header


@pytest.mark.parametrize("page", ["deadlines/index.html", "brands/hexa-home/index.html"])
def test_lists_name_cases_by_their_title_not_their_slug(site, page):
    """A reader sees "Oven replacement promised ...", not hexa-oven-replacement (the slug
    stays in the link); a withdrawn case is still named by its id only."""
    text = (site / page).read_text()
    links = re.findall(r'<a href="[./]*cases/([a-z0-9-]+)/">([^<]+)</a>', text)
    assert links
    titles = {
        p.stem: yaml.safe_load(p.read_text()).get("title")
        for p in (REPO / "cases").glob("*/*.yml")
        if p.name != "brand.yml"
    }
    withdrawn = {
        p.stem
        for p in (REPO / "cases").glob("*/*.yml")
        if yaml.safe_load(p.read_text()).get("status") == "withdrawn"
    }
    for slug, shown in links:
        assert html.unescape(shown) == (slug if slug in withdrawn else titles[slug]), slug


def test_the_reproduce_line_is_a_command_a_fresh_clone_can_run(site_root, tmp_path):
    """`unkept` is not on the PATH of a fresh clone (rc 127): the line uses `make site`,
    which installs what it needs, then builds for the printed day."""
    page = (site_root / "site" / "index.html").read_text()
    (command,) = re.findall(r"<code>(git checkout [^<]+)</code>", page)
    command = html.unescape(command)
    commit = subprocess.run(
        ["git", "-C", str(site_root), "rev-parse", "--short=12", "HEAD"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert command == f"git checkout {commit} && make site AS_OF={AS_OF}"
    clone = tmp_path / "clone"
    shutil.copytree(site_root, clone, ignore=shutil.ignore_patterns("site", "docs", ".unkept*"))
    for name in ("Makefile", "pyproject.toml", "constraints.txt"):  # what `make site` reads
        shutil.copy(REPO / name, clone / name)
    dry = subprocess.run(
        ["make", "-n", "-C", str(clone), "site", f"AS_OF={AS_OF}"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert dry.returncode == 0, dry.stderr
    assert "-m venv .venv" in dry.stdout
    assert f".venv/bin/unkept build --as-of {AS_OF}" in dry.stdout


def test_a_site_built_from_uncommitted_changes_says_no_commit_reproduces_it(built_demo):
    root, _ = built_demo
    case = root / "cases" / "hexa-home" / "hexa-oven-replacement.yml"
    case.write_text(case.read_text().replace("two weeks", "two weeks (edited)"))
    assert build(root).returncode == 0
    page = (root / "site" / "index.html").read_text()
    assert "git checkout" not in page
    assert "Built from changes not yet committed: no commit reproduces this page." in page


def test_every_calendar_parses_with_two_libraries_and_is_never_empty(site):
    """RFC 5545 requires a component: three of four brand calendars were empty VCALENDARs.
    There is one calendar for the site, one per brand and one per open case."""
    import vobject

    files = sorted((site / "calendars").rglob("*.ics"))
    names = {p.relative_to(site / "calendars").as_posix() for p in files}
    assert {"deadlines.ics", "velora-air.ics", "cases/velora-lost-luggage.ics"} <= names
    for path in files:
        raw = path.read_bytes()
        cal = icalendar.Calendar.from_ical(raw)
        components = [c.name for c in cal.subcomponents]
        assert components, path
        assert set(components) <= {"VEVENT", "VJOURNAL"}, path
        parsed = vobject.readOne(raw.decode("utf-8"))
        assert parsed.name == "VCALENDAR"
        for event in cal.walk("VEVENT"):
            (alarm,) = event.walk("VALARM")
            assert alarm.decoded("trigger") == dt.timedelta(hours=9)  # 09:00 on the due day
            assert str(alarm["action"]) == "DISPLAY"
    site_wide = icalendar.Calendar.from_ical((site / "calendars/deadlines.ics").read_bytes())
    brand_events = {
        str(e["uid"])
        for p in files
        if p.parent.name == "calendars" and p.name != "deadlines.ics"
        for e in icalendar.Calendar.from_ical(p.read_bytes()).walk("VEVENT")
    }
    assert {str(e["uid"]) for e in site_wide.walk("VEVENT")} == brand_events
    empty = icalendar.Calendar.from_ical((site / "calendars/brightcart.ics").read_bytes())
    assert list(empty.walk("VEVENT")) == []  # no deadline ahead for this brand that day
    (journal,) = empty.walk("VJOURNAL")
    assert str(journal["summary"]) == "No deadline ahead as of 24 November 2026"


def test_every_page_has_its_own_title_and_description_and_a_link_preview(site):
    """Shared links previewed as "velora-cancelled-flight-refund - Unkept" with no
    description, and the home page was titled "Unkept - Unkept"."""
    titles, descriptions = {}, {}
    for path in sorted(site.rglob("index.html")):
        page = path.read_text()
        head = page.split("</head>", 1)[0]
        (title,) = re.findall(r"<title>([^<]*)</title>", head)
        (description,) = re.findall(r'<meta name="description" content="([^"]*)"', head)
        assert 'property="og:title"' in head, path
        assert 'name="twitter:card"' in head, path
        relative = path.relative_to(site).as_posix()
        titles.setdefault(html.unescape(title), []).append(relative)
        descriptions.setdefault(html.unescape(description), []).append(relative)
    assert {t: p for t, p in titles.items() if len(p) > 1} == {}
    assert {d: p for d, p in descriptions.items() if len(p) > 1} == {}
    home = (site / "index.html").read_text()
    assert "<title>Unkept</title>" in home
    case = (site / "cases" / "hexa-oven-replacement" / "index.html").read_text()
    assert (
        "<title>Oven replacement promised within two weeks, collection still pending · "
        "Hexa Home Appliances · Unkept</title>"
    ) in case
    assert (
        '<meta property="og:url" content="https://unkept.example/cases/hexa-oven-replacement/">'
        in case
    )


def test_pages_advertise_their_feeds(site):
    home = (site / "index.html").read_text()
    assert (
        '<link rel="alternate feed" type="application/atom+xml" title="Unkept" href="feeds/atom.xml">'
        in home
    )
    brand = (site / "brands" / "hexa-home" / "index.html").read_text()
    assert 'href="../../feeds/hexa-home.xml">' in brand
    assert 'href="../../feeds/atom.xml">' in brand


def test_default_deadlines_set_in_unkept_toml_reach_every_figure(built_demo):
    """A country's own default, in unkept.toml, changes that country's promises (and only
    theirs), the methodology lists it, and every page computed with the old one is rendered
    again."""
    root, _ = built_demo
    with (root / "unkept.toml").open("a") as settings:
        settings.write(
            '\n[deadlines.ES]\nreply = { within = "1 day", basis = "A Spanish rule for replies" }\n'
        )
    result = build(root)
    assert result.returncode == 0, result.stderr
    rows = {
        (r["case_id"], r["promise"]): r
        for r in csv.DictReader(io.StringIO((root / "site/data/promises.csv").read_text()))
    }
    warranty = rows[("hexa-warranty-reply", "1")]  # a Spanish case, made on 5 October
    assert (warranty["due"], warranty["deadline_source"], warranty["days"]) == (
        "2026-10-06",
        "default",
        "3",
    )
    assert rows[("norteva-fibre-outage-callback", "2")]["due"] == "2026-10-11"  # not Spanish
    methodology = html.unescape((root / "site/methodology/index.html").read_text())
    assert "<td>Spain</td>" in methodology
    assert "A Spanish rule for replies" in methodology
    case = html.unescape((root / "site/cases/hexa-warranty-reply/index.html").read_text())
    assert "default applied</a> (1 day)" in case


# --- Following a case: feeds of events, follow-up letters ------------------------------------

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def feed_entries(path: Path) -> list[dict[str, str]]:
    root = ET.parse(path).getroot()
    return [
        {
            "id": e.find("a:id", ATOM).text,
            "title": e.find("a:title", ATOM).text,
            "updated": e.find("a:updated", ATOM).text,
            "link": e.find("a:link", ATOM).get("href"),
            "summary": (
                e.find("a:summary", ATOM).text if e.find("a:summary", ATOM) is not None else ""
            ),
        }
        for e in root.findall("a:entry", ATOM)
    ]


def test_feeds_tell_what_happened_each_with_a_summary_and_a_link(site):
    entries = feed_entries(site / "feeds/atom.xml")
    kinds = {e["id"].split(":")[4] for e in entries if ":event:" in e["id"]}
    assert kinds == {"added", "overdue", "kept", "reply", "closed"}
    assert all(e["summary"] for e in entries)
    assert [e["updated"] for e in entries] == sorted((e["updated"] for e in entries), reverse=True)
    assert max(e["updated"] for e in entries) <= f"{AS_OF}T00:00:00Z"
    case = feed_entries(site / "feeds/cases/hexa-oven-replacement.xml")
    assert {e["id"].split(":")[4] for e in case} == {"added", "overdue", "kept", "reply"}
    reply = next(e for e in case if ":reply:" in e["id"])
    assert reply["link"] == "https://unkept.example/cases/hexa-oven-replacement/#reply-1"
    assert reply["summary"].startswith("The replacement oven was delivered on 4 November")
    kept = next(e for e in case if ":kept:" in e["id"])
    assert kept["summary"] == "Kept on 4 November 2026, 1 day late, says the brand."
    assert not (site / "feeds/cases/norteva-duplicate-report.xml").exists()  # withdrawn
    page = (site / "cases/hexa-oven-replacement/index.html").read_text()
    assert 'href="../../feeds/cases/hexa-oven-replacement.xml"' in page


def test_a_case_is_dated_in_the_feeds_by_the_day_it_entered_the_tracker(built_demo):
    """Not by the day its complaint began (which can be months before): a case added today
    is news today."""
    root, _ = built_demo
    source = root / "cases/hexa-home/hexa-warranty-reply.yml"
    copy = source.with_name("hexa-warranty-reply-again.yml")
    copy.write_text(source.read_text())
    subprocess.run(["git", "-C", root, "add", "-A"], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            root,
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t.invalid",
            "commit",
            "-qm",
            "a new case",
        ],
        check=True,
        env={**os.environ, "GIT_COMMITTER_DATE": "2026-11-22T12:00:00+00:00"},
    )
    assert build(root).returncode == 0
    entries = feed_entries(root / "site/feeds/hexa-home.xml")
    added = next(e for e in entries if e["id"].endswith(":hexa-warranty-reply-again:added"))
    assert added["updated"] == "2026-11-22T00:00:00Z"  # opened on 5 October


@pytest.mark.parametrize(
    ("case", "country_step"),
    [
        ("norteva-fibre-outage-callback", "Next step in France"),
        ("velora-cancelled-flight-refund", "European Consumer Centre"),
    ],
)
def test_an_overdue_promise_offers_a_follow_up_message_and_a_formal_notice(
    site, case, country_step
):
    text = html.unescape((site / f"cases/{case}/index.html").read_text())
    assert text.count('class="unkept-follow-up"') == 1  # one overdue promise each
    letter = text[text.index('class="unkept-follow-up"') :]
    assert "[Your name and address]" in letter
    assert country_step in letter
    if case == "norteva-fibre-outage-callback":
        assert "Formal notice (mise en demeure)" in letter
        assert "Code de la consommation, articles L612-1 and L616-1" in letter
        assert "the promise is 51 days overdue" in letter
        assert "The deadline you gave was 4 October 2026." in letter
        assert "“So sorry for the wait! A technician will call you back within 48 hours.”" in letter


def test_the_follow_up_of_a_default_deadline_cites_its_legal_basis(built_demo):
    root, _ = built_demo
    case = root / "cases/norteva-telecom/norteva-dm-us-billing.yml"
    case.write_text(case.read_text().replace("    within: 2 days\n", ""))
    assert build(root, "--as-of", "2026-12-01").returncode == 0
    text = html.unescape((root / "site/cases/norteva-dm-us-billing/index.html").read_text())
    letter = text[text.index('class="unkept-follow-up"') :]
    assert (
        "You gave no deadline; the law or rule that applies sets one: Unkept convention for "
        "contact promises. The deadline was therefore 25 November 2026." in letter
    )
    assert "As of 1 December 2026, the promise is 6 days overdue." in letter


def searched(site: Path) -> dict[str, dict]:
    """What the reader's search holds, by location: the theme's index, and every case from
    the compact file expanded as the search worker expands it."""
    docs = json.loads((site / "search/search_index.json").read_text())["docs"]
    compact = json.loads((site / "search/cases.json").read_text())
    docs += [
        {"location": f"cases/{case_id}/", "title": title, "text": compact["names"][n]}
        for case_id, title, n in compact["cases"]
    ]
    return {d["location"]: d for d in docs}


def test_search_indexes_every_brand_and_case_by_name_and_title_never_a_case_body(site):
    pages = searched(site)
    brands = sorted(p.parent.name for p in (site / "brands").glob("*/index.html"))
    cases = json.loads((site / "data/cases.json").read_text())["cases"]
    for slug in brands:
        assert f"brands/{slug}/" in pages, slug
    for case in cases:
        if case["status"] == "withdrawn":
            assert f"cases/{case['id']}/" not in pages
            continue
        entry = pages[f"cases/{case['id']}/"]
        assert entry["title"] == case["title"] or case["id"].startswith("zz-")
        if case.get("summary"):
            assert " ".join(case["summary"].split())[:40] not in entry["text"]
    assert pages["cases/norteva-fibre-outage-callback/"]["text"] == (
        "Norteva Telecom, Norteva, Norteva Fibre"
    )
    assert pages["brands/norteva-telecom/"]["text"] == "Norteva, Norteva Fibre"
    assert pages["cases/zz-hostile-case/"]["title"] == "script alert('title') /script b bold /b"


def test_cases_are_searched_from_the_compact_file_not_the_themes_index(site):
    """The theme's index keeps the written pages and the brands; each case is in
    search/cases.json once, and each brand's names once however many cases it has."""
    docs = json.loads((site / "search/search_index.json").read_text())["docs"]
    assert not [d["location"] for d in docs if d["location"].startswith("cases/")]
    compact = json.loads((site / "search/cases.json").read_text())
    assert len(compact["names"]) == len(set(compact["names"]))
    ids = [case_id for case_id, _, _ in compact["cases"]]
    assert len(ids) == len(set(ids))
    assert "velora-lost-luggage" in ids
    assert all(0 <= n < len(compact["names"]) for _, _, n in compact["cases"])
    # The lists of promises (home, deadlines) grow with the data and repeat case titles.
    listed = [d for d in docs if d["location"].startswith(("deadlines/", "#"))]
    assert {d["location"] for d in listed} >= {"deadlines/#overdue-30", "#newly-overdue"}
    titles = [title for _, title, _ in compact["cases"]]
    assert "Delayed suitcase delivered, claim answer still awaited" in titles
    assert not [(d["location"], t) for d in listed for t in titles if t in d["text"]]


def test_every_page_searches_through_unkept_worker_with_materials_own(site):
    """The theme's config on every page names Unkept's search worker, which loads the
    theme's worker named in its address (a Material upgrade that renames the setting
    would otherwise lose every case from search, silently)."""
    import material

    workers = Path(material.__file__).parent / "templates/assets/javascripts/workers"
    (material_worker,) = [p.name for p in workers.glob("search.*.min.js")]
    for page in html_files(site):
        config = json.loads(
            re.search(
                r'<script id="__config" type="application/json">(.*?)</script>',
                page.read_text(),
                re.S,
            ).group(1)
        )
        assert config["search"].endswith(
            f"assets/javascripts/workers/unkept-search.js?material={material_worker}"
        ), page
    worker = site / "assets/javascripts/workers"
    assert (worker / material_worker).is_file()
    assert (worker / "unkept-search.js").is_file()


def test_no_shell_or_marker_reaches_the_site(site):
    """The shells are taken out of the site, the search index and the sitemap, and no
    marker is left in any file a reader can download."""
    from generator.site import held_back, shells

    assert not list(site.rglob("*_unkept_shell_*"))
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".json", ".xml", ".ics", ".csv", ".svg"}:
            text = path.read_text("utf-8", errors="replace")
            assert not any(trace in text for trace in shells.TRACES + held_back.TRACES), path
    locations = set(searched(site))
    assert "cases/velora-lost-luggage/" in locations
    assert "brands/velora-air/" in locations
    sitemap = (site / "sitemap.xml").read_text()
    assert "<loc>https://unkept.example/cases/velora-lost-luggage/</loc>" in sitemap
    assert sitemap.count("<url>") == len(list(site.rglob("index.html")))


def test_a_shell_is_filled_escaped_and_one_printed_wrongly_stops_the_build():
    from generator.errors import BuildFailed
    from generator.site.shells import BODY, TITLE, Layout, Shell, Values

    good = f"<title>{TITLE}</title>\n   \n  <main>{BODY} cases/_unkept_shell_case/</main>"
    shell = Shell.parse(Layout.CASE, good)
    html, start = shell.fill(Values("cases/a-b/", "A <b>", "d", "<p>body</p>"))
    assert html == "<title>A &lt;b&gt;</title>\n<main><p>body</p> cases/a-b/</main>"
    assert html[start:].startswith("<p>body</p>")
    with pytest.raises(BuildFailed, match="printed the page's body 2 times, not once"):
        Shell.parse(Layout.CASE, good + BODY)
    with pytest.raises(BuildFailed, match="printed no page title"):
        Shell.parse(Layout.CASE, f"<main>{BODY}</main>")
    with pytest.raises(BuildFailed, match="printed 'x-unkept-shell' where unkept cannot fill"):
        Shell.parse(Layout.CASE, good + "<p>x-unkept-shell-tit</p>")  # cut by a filter


def test_the_engine_never_sees_the_blocks_held_back_and_the_reader_gets_them_whole(site_root):
    """The ranking's table and the lists of deadlines reach the built pages byte for byte,
    though the engine built the pages (and their search entries) from placeholders."""
    site = site_root / "site"
    ranking = (site / "ranking/index.html").read_text()
    docs = (site_root / "docs/ranking/index.md").read_text()
    assert '<div data-unkept-held="0"></div>' in docs
    assert "<table" not in docs
    rows = [
        html.unescape(r) for r in re.findall(r'<td data-col="brand" data-value="([^"]+)">', ranking)
    ]
    assert "<img src=x onerror=alert(1)> Evil & Co" in rows  # escaped in the page
    assert "<img src=x" not in ranking
    with (site / "data/brands.csv").open(newline="") as f:
        assert rows == [row["brand"] for row in csv.DictReader(f)]
    assert ranking.count('<div class="unkept-scroll" role="region"') == 1
    assert ranking.count("</table>") == 1
    deadlines = (site / "deadlines/index.html").read_text()
    docs = (site_root / "docs/deadlines.md").read_text()
    lists = deadlines.count('<div class="unkept-scroll" data-search-exclude>')
    assert lists >= 1
    assert docs.count("<div data-unkept-held=") == lists
    assert "<tr><td>" not in docs
    entry = searched(site)["ranking/"]
    assert "Show all 17 columns" in entry["text"]
    assert rows[0] not in entry["text"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<p>a</p><!--unkept:held--><table>", "must come in pairs"),
        ("<!--/unkept:held--><table></table>", "must come in pairs"),
        ("<!--unkept:held--><!--unkept:held--><br><!--/unkept:held--><!--/unkept:held-->", "pairs"),
    ],
)
def test_held_back_markers_that_do_not_pair_stop_the_build_naming_the_template(body, message):
    from generator.errors import BuildFailed
    from generator.site.held_back import hold_back

    with pytest.raises(BuildFailed, match=f"^site_templates/pages/home.md.j2: .*{message}"):
        hold_back(body, "site_templates/pages/home.md.j2")


def test_held_back_blocks_go_back_whole_and_a_placeholder_printed_twice_stops_the_build(
    tmp_path,
):
    from generator.errors import BuildFailed
    from generator.site.held_back import hold_back, put_back

    body = "<h1>T</h1>\n<!--unkept:held--><table>a &amp; b</table><!--/unkept:held-->\n<p>x</p>"
    body += "<!--unkept:held--><ul><li>2</li></ul><!--/unkept:held-->"
    engine_gets, blocks = hold_back(body, "t")
    assert blocks == ("<table>a &amp; b</table>", "<ul><li>2</li></ul>")
    assert "<table" not in engine_gets
    assert "unkept:held" not in engine_gets
    assert hold_back("<p>none</p>", "t") == ("<p>none</p>", ())
    page = tmp_path / "p/index.html"
    page.parent.mkdir()
    page.write_text(f"<html>{engine_gets}</html>")
    put_back(tmp_path, {"p/index.html": blocks})
    assert (
        page.read_text()
        == f"<html>{body.replace('<!--unkept:held-->', '').replace('<!--/unkept:held-->', '')}</html>"
    )
    page.write_text(f"<html>{engine_gets}{engine_gets}</html>")
    with pytest.raises(BuildFailed, match="printed block 1 of the page 2 times, not once"):
        put_back(tmp_path, {"p/index.html": blocks})
    with pytest.raises(BuildFailed, match=r"did not build q/index\.html"):
        put_back(tmp_path, {"q/index.html": blocks})


def test_writing_data_pages_leaves_no_pile_of_cycles_for_the_paused_collector(tmp_path):
    """The build pauses the cyclic collector; each page Jinja renders leaves objects in
    reference cycles, which the page writer collects chunk by chunk."""
    import datetime as dt
    import gc

    from generator.i18n import Language
    from generator.load.loader import load_corpus
    from generator.model.tracker import compute
    from generator.site import render
    from generator.site.data_pages import write_data_pages
    from generator.site.render_index import RenderIndex
    from generator.site.shells import BODY, TITLE, Layout, Shell

    day = dt.date.fromisoformat(AS_OF)
    corpus = load_corpus(REPO, as_of=day)
    data = compute(corpus.brands, corpus.cases, as_of=day, commit="test", stale_days=90)
    templates = REPO / "site_templates"
    rendering = render.prepare(
        data,
        Language.load(templates, "en"),
        tracker="Unkept",
        templates=templates,
        site_url="https://unkept.example/",
        archived={},
    )
    shells = {layout: Shell.parse(layout, f"<title>{TITLE}</title>{BODY}") for layout in Layout}
    pages = len(rendering.data_pages)
    gc.collect()
    gc.disable()
    try:
        _, rendered = write_data_pages(
            rendering,
            shells,
            tmp_path / "site",
            previous=tmp_path / "none",
            index=RenderIndex(tmp_path / "index.json", {}),
        )
        left = gc.collect()
    finally:
        gc.enable()
    assert rendered == pages > 10
    assert left < pages  # about 28 a page without the writer's own collection


def test_the_demo_builds_the_same_on_properdocs(demo_built, tmp_path):
    """`engine = "properdocs"` builds with MkDocs' maintained fork: every file is the one
    MkDocs makes, but for the generator tag of the pages the engine built itself."""
    root, _ = demo_built
    sites = {}
    for engine in ("mkdocs", "properdocs"):  # the same setting changed: the same commit text
        copy = tmp_path / engine
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns("site", "docs", ".unkept-*"))
        set_setting(copy, "engine", engine)
        result = build(copy)
        assert result.returncode == 0, result.stderr
        assert f", {'ProperDocs' if engine == 'properdocs' else 'MkDocs'} " in result.stdout
        sites[engine] = copy / "site"
    assert sorted(tree_digest(sites["mkdocs"])) == sorted(tree_digest(sites["properdocs"]))
    tag = re.compile(rb'<meta name="generator" content="([^"]*)">')
    engines = set()
    for name in sorted(tree_digest(sites["mkdocs"])):
        ours, theirs = ((sites[e] / name).read_bytes() for e in ("mkdocs", "properdocs"))
        engines.update(tag.findall(theirs))
        assert tag.sub(b"", ours) == tag.sub(b"", theirs), name
    assert engines == {b"mkdocs-ProperDocs 1.6.7, mkdocs-material-9.8.2"}


def test_a_build_loads_the_templates_an_earlier_build_compiled(demo_built, tmp_path, monkeypatch):
    """The site's templates and the theme's are compiled once into Jinja's folder for the
    user; a later build loads them, and makes the same site."""
    root, _ = demo_built
    copy = tmp_path / "project"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("site", "docs", ".unkept-*"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))

    def compiled() -> dict[str, int]:
        found = (tmp_path / "tmp").glob("_jinja2-cache-*/__unkept_*.cache")
        return {p.name: p.stat().st_mtime_ns for p in found}

    assert build(copy).returncode == 0
    first, site = compiled(), tree_digest(copy / "site")
    assert len({name.split("_")[3] for name in first}) == 2  # the site's and the theme's
    for made in ("site", ".site.spare", ".unkept-cache", "docs"):
        shutil.rmtree(copy / made, ignore_errors=True)
    assert build(copy).returncode == 0
    assert compiled() == first  # loaded: none compiled and written again
    assert tree_digest(copy / "site") == site


def test_an_unknown_engine_is_a_settings_error(project, run):
    (project.root / "unkept.toml").write_text("[unkept]\nengine = 'zensical'\n")
    result = run("--root", project.root, "build", "--as-of", AS_OF)
    assert result.code == 2
    assert result.err == (
        "unkept: error: unkept.toml:2:1: [unkept].engine: expected one of mkdocs, properdocs, "
        "got 'zensical'\n"
    )
