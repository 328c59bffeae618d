"""What a reader sees, in a real headless Chromium against the built site on 127.0.0.1."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser import chromium, serve

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
    p.on("requestfailed", lambda r: p.errors.append(f"request failed: {r.url}"))

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
    assert overdue == sorted(overdue)
    assert page.errors == []


def test_search_finds_a_brand(page, base_url):
    page.goto(base_url)
    page.locator("input.md-search__input").click()
    page.keyboard.type("Velora")  # Material reacts to key events, as a reader types
    result = page.locator(".md-search-result__item", has_text="Velora Air").first
    result.wait_for(timeout=15_000)
    assert result.is_visible()
    assert page.errors == []


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
