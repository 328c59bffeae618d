"""Every way in from the site: the issue form, GitHub's web editor pre-filled with the
template, a case's edit page and a problem report; and what a tracker without a repository
says instead. Real builds of the demo, and a real Chromium for the reader's one click."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser import chromium, serve
from tests.support import AS_OF, REPO, build, unkept

pytestmark = pytest.mark.slow

GITHUB = "https://github.com/demo-org/unkept"


@pytest.fixture(scope="module")
def linked(demo_built, tmp_path_factory):
    """The demo built with `repository` set in unkept.toml."""
    import shutil

    root = tmp_path_factory.mktemp("linked") / "p"
    shutil.copytree(demo_built[0], root, symlinks=True)
    toml = root / "unkept.toml"
    toml.write_text(toml.read_text().replace('repository = ""', 'repository = "demo-org/unkept"'))
    result = build(root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def links(page: str) -> dict[str, str]:
    """The page's links by their text."""
    return {
        html.unescape(text): html.unescape(href)
        for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', page)
    }


def test_the_contribute_page_names_each_way_in_by_what_it_asks(linked):
    page = (linked / "site" / "contribute" / "index.html").read_text()
    found = links(page)
    assert found["Report a case"] == f"{GITHUB}/issues/new?template=new-case.yml"
    assert found["Write it on GitHub"].startswith(f"{GITHUB}/new/main/cases?filename=")
    assert found["Report a problem with this page"].startswith(f"{GITHUB}/issues/new?title=")
    assert "you need a GitHub account and a browser" in page
    assert "Update this case" not in found


def test_a_case_page_links_the_editor_on_its_brand_folder_and_its_own_file(linked):
    page = (linked / "site" / "cases" / "hexa-oven-replacement" / "index.html").read_text()
    found = links(page)
    assert (
        found["Update this case"] == f"{GITHUB}/edit/main/cases/hexa-home/hexa-oven-replacement.yml"
    )
    problem = urlsplit(found["Report a problem with this page"])
    query = parse_qs(problem.query)
    assert query["title"] == [
        "Problem with a page: Oven replacement promised within two weeks, collection still pending"
    ]
    assert query["body"][0].startswith("Page: https://")
    assert query["body"][0].rstrip().endswith("/cases/hexa-oven-replacement/")
    assert found["Report a case"] == f"{GITHUB}/issues/new?template=new-case.yml"


def test_the_editor_opens_on_the_template_which_check_then_asks_to_fill_in(linked, tmp_path):
    page = (linked / "site" / "cases" / "hexa-oven-replacement" / "index.html").read_text()
    write = urlsplit(links(page)["Write it on GitHub"])
    assert write.path == "/demo-org/unkept/new/main/cases/hexa-home"
    query = parse_qs(write.query)
    assert query["filename"] == ["hexa-home-your-case.yml"]
    value = query["value"][0]
    template = (REPO / "cases" / "_template.yml").read_text()
    assert value == template.replace("$schema=../generator/", "$schema=../../generator/")
    # What GitHub would commit: the file, as the reader leaves it untouched.
    (linked / "cases" / "hexa-home" / "hexa-home-your-case.yml").write_text(value)
    try:
        check = unkept("check", "--as-of", AS_OF, "cases/hexa-home/", cwd=linked)
        assert check.returncode == 1
        assert "got the template's example text" in check.stdout
        assert "got the template's placeholder 'your-github-handle'" in check.stdout
    finally:
        (linked / "cases" / "hexa-home" / "hexa-home-your-case.yml").unlink()


def test_without_a_repository_the_contribute_page_says_how_to_set_it(site):
    page = (site / "contribute" / "index.html").read_text()
    assert "repository = &#34;owner/name&#34; in unkept.toml" in page or (
        'repository = "owner/name" in unkept.toml' in html.unescape(page)
    )
    assert "github.com" not in (site / "cases" / "hexa-oven-replacement" / "index.html").read_text()


@pytest.mark.browser
def test_a_reader_reaches_the_issue_form_in_one_click_from_the_home_page(linked):
    opened = []
    with serve(linked / "site") as url, chromium() as browser:
        for width in (1280, 390):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.route(
                "https://github.com/**",
                lambda route: (opened.append(route.request.url), route.fulfill(body="form"))[1],
            )
            page.goto(url)
            page.get_by_role("link", name="Report a case").click()
            page.wait_for_url("https://github.com/**")
            page.close()
    assert opened == [f"{GITHUB}/issues/new?template=new-case.yml"] * 2


def test_the_site_links_the_issue_form_in_its_own_language(tmp_path):
    from generator.load.settings import Settings
    from generator.site.build import github_links

    settings = Settings(repository="demo-org/unkept")
    assert github_links(tmp_path, settings, "fr").report_case().endswith("template=new-case.yml")
    forms = tmp_path / ".github" / "ISSUE_TEMPLATE"
    forms.mkdir(parents=True)
    (forms / "new-case.fr.yml").write_text("name: x\n")
    assert github_links(tmp_path, settings, "fr").report_case() == (
        f"{GITHUB}/issues/new?template=new-case.fr.yml"
    )
    assert github_links(tmp_path, settings, "en").report_case().endswith("template=new-case.yml")
