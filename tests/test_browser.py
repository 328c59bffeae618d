"""What a reader sees, in a real headless Chromium against the built site on 127.0.0.1."""

from __future__ import annotations

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser import chromium, failed, search, serve
from tests.reader_view import SNAPSHOT, normalised
from tests.reader_view import read as read_views

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PAGES = {
    "home": "",
    "ranking": "ranking/",
    "brand": "brands/norteva-telecom/",
    "case": "cases/norteva-fibre-outage-callback/",
}


@pytest.fixture(scope="module")
def base_url(site):
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    """A fresh page that records console errors, page errors and dialogs."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.errors = []
    p.dialogs = []
    p.on("console", lambda m: m.type == "error" and p.errors.append(m.text))
    p.on("pageerror", lambda e: p.errors.append(str(e)))
    p.on("requestfailed", lambda r: failed(r) and p.errors.append(f"request failed: {r.url}"))

    def on_dialog(dialog):
        p.dialogs.append(dialog.message)
        dialog.dismiss()

    p.on("dialog", on_dialog)
    yield p
    context.close()


def brands_in_order(page) -> list[str]:
    return page.locator("#ranking tbody td[data-col=brand] a").all_inner_texts()


def test_ranking_renders_and_resorts_on_header_click(page, base_url):
    page.goto(base_url + "ranking/")
    assert brands_in_order(page)[:2] == ["Velora Air", "<img src=x onerror=alert(1)> Evil & Co"]
    header = page.locator("#ranking th[data-col=brand] button")
    header.click()
    names = brands_in_order(page)
    assert names == sorted(names, key=str.lower)
    assert page.locator("#ranking th[data-col=brand]").get_attribute("aria-sort") == "ascending"
    header.click()
    assert brands_in_order(page) == sorted(names, key=str.lower, reverse=True)
    page.locator("#ranking th[data-col=overdue] button").click()
    overdue = [
        int(x) for x in page.locator("#ranking tbody td[data-col=overdue]").all_inner_texts()
    ]
    assert overdue == sorted(overdue, reverse=True)  # counts: the most first
    assert page.locator("#ranking th[data-col=overdue]").get_attribute("aria-sort") == (
        "descending"
    )
    assert page.errors == []


def test_the_ranking_announces_its_order_and_sorts_money_by_amount(page, base_url):
    page.goto(base_url + "ranking/")
    sorted_by = page.locator("#ranking th[aria-sort]")
    assert sorted_by.count() == 1
    assert sorted_by.get_attribute("data-col") == "rank"
    assert sorted_by.get_attribute("aria-sort") == "ascending"
    money = page.locator("#ranking th[data-col=refunds_overdue] button")
    money.focus()
    page.keyboard.press("Enter")  # a header is a button: the keyboard sorts too
    cells = page.locator("#ranking tbody td[data-col=refunds_overdue]")
    keys = [float(cells.nth(i).get_attribute("data-sort")) for i in range(cells.count())]
    assert keys == sorted(keys, reverse=True)
    assert keys[0] > 0
    assert cells.first.inner_text() == "€412.60"


def overflowing_tables(page) -> list[str]:
    """Tables wider than the window whose overflow has no visible control next to it."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll("table")).filter((table) => {
             const width = document.documentElement.clientWidth;
             const box = table.getBoundingClientRect();
             if (box.width === 0 || box.right <= width + 1) return false;
             const toggle = document.querySelector(".unkept-columns-toggle button");
             const shown = toggle && toggle.offsetParent !== null;
             return !(shown && table.classList.contains("unkept-all-columns"));
           }).map((table) => table.id || table.className)"""
    )


@pytest.mark.parametrize(
    "path",
    [
        "",
        "ranking/",
        "deadlines/",
        "brands/hexa-home/",
        "cases/norteva-fibre-outage-callback/",
        "methodology/",
    ],
)
def test_at_390_px_no_table_runs_off_the_screen_unseen(browser, base_url, path):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(base_url + path)
    page.wait_for_load_state("networkidle")
    assert overflowing_tables(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_at_390_px_the_ranking_shows_four_columns_and_a_button_for_the_rest(browser, base_url):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(base_url + "ranking/")
    visible = page.locator("#ranking thead th:visible")
    assert [visible.nth(i).get_attribute("data-col") for i in range(visible.count())] == [
        "rank",
        "brand",
        "overdue",
        "kept_on_time_rate",
    ]
    toggle = page.locator(".unkept-columns-toggle button")
    assert toggle.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert (
        page.locator("#ranking thead th:visible").count()
        == page.locator("#ranking thead th").count()
    )
    assert overflowing_tables(page) == []  # it scrolls, next to the button that said so
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # A brand page's chart becomes its table on a phone.
    page.goto(base_url + "brands/hexa-home/")
    assert not page.locator(".unkept-figure").is_visible()
    assert page.locator("details.unkept-chart-data table").is_visible()
    context.close()


def test_the_ranking_and_a_case_print_on_a4(browser, base_url):
    context = browser.new_context(viewport={"width": 718, "height": 1000})  # A4 at 96 dpi
    page = context.new_page()
    page.emulate_media(media="print")
    for path in ("ranking/", "cases/norteva-fibre-outage-callback/"):
        page.goto(base_url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 718, path
        assert not page.locator(".md-header").is_visible()
    page.goto(base_url + "ranking/")
    assert (
        page.locator("#ranking thead th:visible").count()
        == page.locator("#ranking thead th").count()
    )
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF"
    context.close()


def test_a_skip_link_is_the_first_stop_of_the_keyboard(page, base_url):
    page.goto(base_url + "ranking/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip" in focused
    assert page.locator(":focus").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "unkept-content"


def test_search_finds_a_brand(page, base_url):
    page.goto(base_url)
    result = search(page, "Velora", has_text="Velora Air")
    assert result.is_visible()
    assert page.errors == []


def test_search_for_words_of_a_case_title_opens_that_case(page, base_url):
    page.goto(base_url)
    first = search(page, "suitcase delivered")
    assert "Delayed suitcase delivered" in first.inner_text()
    first.locator("a").first.click()
    page.wait_for_url("**/cases/velora-lost-luggage/**")
    assert page.locator("h1").first.inner_text() == (
        "Delayed suitcase delivered, claim answer still awaited"
    )
    assert page.errors == []


def test_search_for_a_brands_alias_lists_its_cases(page, base_url):
    """Cases come from the compact file through Unkept's worker, with their brand's names."""
    page.goto(base_url)
    case = search(page, "Bright Cart", has_text="Headphones refund paid")
    link = case.locator("a").first.get_attribute("href")
    assert link.endswith("cases/brightcart-headphones-refund/")
    assert page.errors == []


def test_search_without_the_case_file_still_finds_brands_and_says_why(page, base_url):
    warnings = []
    page.on("console", lambda m: m.type == "warning" and warnings.append(m.text))
    page.context.route("**/search/cases.json", lambda route: route.fulfill(status=404))
    page.goto(base_url)
    search(page, "Velora", has_text="Velora Air")
    assert page.locator(".md-search-result__item", has_text="suitcase").count() == 0
    assert "unkept-search: cases not loaded: Error: 404 " in " ".join(warnings)
    assert [e for e in page.errors if "cases.json" not in e] == []


def test_case_page_shows_each_promise_status(page, base_url):
    page.goto(base_url + "cases/norteva-fibre-outage-callback/")
    statuses = page.locator("dd[data-status]")
    assert statuses.count() == 2
    assert [statuses.nth(i).get_attribute("data-status") for i in range(2)] == [
        "overdue",
        "claimed",
    ]
    assert statuses.nth(0).inner_text() == "overdue 51 days overdue"
    assert statuses.nth(1).inner_text() == "kept, says the brand 40 days late, if confirmed"
    page.goto(base_url + "cases/hexa-oven-replacement/")
    statuses = page.locator("dd[data-status]")
    assert statuses.nth(0).inner_text() == "kept late 1 day late"
    assert statuses.nth(1).inner_text() == "pending 4 days left"
    assert page.errors == []


def test_hostile_case_shows_payloads_as_text_and_fires_nothing(page, base_url):
    page.goto(base_url + "cases/zz-hostile-case/")
    page.wait_for_load_state("networkidle")
    heading = page.locator("article h1").inner_text()
    assert heading == "<script>alert('title')</script> & <b>bold</b>"
    body = page.locator("article").inner_text()
    assert "<svg onload=alert('quote')></svg>" in body
    assert "</div></div><script>alert('timeline')</script>" in body
    assert page.locator("article script, article iframe, article svg[onload]").count() == 0
    page.goto(base_url + "brands/zz-hostile/")
    page.wait_for_load_state("networkidle")
    assert "<img src=x onerror=alert(1)> Evil & Co" in page.locator("article h1").inner_text()
    assert page.dialogs == []
    assert page.errors == []


def test_no_page_logs_a_console_error(page, base_url, site):
    paths = sorted({p.relative_to(site).parent.as_posix() for p in site.rglob("index.html")})
    assert len(paths) > 20
    for path in paths:
        page.goto(base_url + ("" if path == "." else path + "/"))
        page.wait_for_load_state("networkidle")
        assert page.errors == [], (path, page.errors)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(browser, base_url, name, scheme):
    """In both palettes: dark mode follows the reader's system setting."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(base_url + PAGES[name])
    page.wait_for_load_state("networkidle")
    results = Axe().run(page)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    expected = "slate" if scheme == "dark" else "default"
    assert page.locator("body").get_attribute("data-md-color-scheme") == expected
    context.close()
    assert serious == []


def test_screenshots_are_written(site, tmp_path, browser):
    from tests.screenshots import PAGES, main

    written = main(site, tmp_path, browser)
    assert [p.name for p in written] == [f"{name}.png" for name in PAGES]
    for path in written:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert path.stat().st_size > 10_000


def test_dark_mode_toggles_and_persists_within_the_csp(page, base_url):
    page.goto(base_url)
    body = page.locator("body")
    page.locator("label[for='__palette_1']").click()  # the toggle shown in light mode
    assert body.get_attribute("data-md-color-scheme") == "slate"
    page.goto(base_url + "ranking/")
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"  # kept
    assert page.errors == []  # no inline script blocked, nothing else failing


def test_the_404_page_helps_and_names_the_case_an_address_looks_for(page, base_url):
    response = page.goto(base_url + "cases/velora-lost-lugage/")  # one letter missing
    assert response.status == 404
    assert page.locator("h1").first.inner_text() == "Page not found"
    line = page.locator("#unkept-404-case")
    assert line.is_visible()
    link = line.locator("a")
    assert link.inner_text() == "velora-lost-lugage"
    assert link.get_attribute("href") == "/?q=velora%20lost%20lugage"
    hrefs = page.locator(".unkept-404 a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert {"/ranking/", "/deadlines/"} <= set(hrefs)
    page.locator(".unkept-search-link").click()  # opens the site's search
    assert page.locator("input[data-md-component='search-query']").is_visible()
    assert [e for e in page.errors if "404" not in e] == []


def test_the_404_page_says_nothing_of_cases_for_other_addresses(page, base_url):
    page.goto(base_url + "no/such/page/")
    assert page.locator("h1").first.inner_text() == "Page not found"
    assert not page.locator("#unkept-404-case").is_visible()


def test_every_page_reads_as_it_did_when_mkdocs_built_them_all(browser, site):
    """Filling the case and brand pages into the theme's shells changed nothing a reader
    gets: window title, text, links, preview tags and feeds of every page are those of the
    snapshot taken when MkDocs built every page (tests/reader_view.py)."""
    snapshot = {k: normalised(v) for k, v in json.loads(SNAPSHOT.read_text("utf-8")).items()}
    now = read_views(site, browser)
    assert sorted(now) == sorted(snapshot)
    for path, view in snapshot.items():
        assert now[path] == view, path
