"""The render index: builds re-render only changed data pages (linking the others from the
previous site), and are never served stale.

Every test compares an incremental build with what a build from nothing makes of the same
files: the index may save work, never change a byte of the site.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.load.loader import load_corpus
from generator.site.render_index import fingerprint
from tests.support import AS_OF, REPO, build, make_project, tree_digest

pytestmark = pytest.mark.slow  # each test builds sites

CASE = "cases/brightcart/brightcart-sofa-refund.yml"
CASE_PAGE = "cases/brightcart-sofa-refund/index.html"
OTHER_PAGE = "cases/hexa-oven-replacement/index.html"
OTHER_FILES = ("feeds/cases/hexa-oven-replacement.xml", "calendars/cases/hexa-oven-replacement.ics")
"""The case's own feed and calendar, kept with its page."""
INDEX = ".unkept-cache/render-index.json"


def rendered(result: subprocess.CompletedProcess[str]) -> int:
    """How many pages the build says it rendered."""
    assert result.returncode == 0, result.stderr
    match = re.search(r"\(([\d,]+) rendered", result.stdout)
    assert match, result.stdout
    return int(match.group(1).replace(",", ""))


def pages(result: subprocess.CompletedProcess[str]) -> int:
    """How many pages the build says the site has."""
    match = re.search(r"([\d,]+) pages", result.stdout)
    assert match, result.stdout
    return int(match.group(1).replace(",", ""))


def uncached_pages(root: Path) -> int:
    """Pages rendered on every build: the documents MkDocs builds (home, ranking...), not
    the shells."""
    return sum(1 for p in (root / "docs").rglob("*.md") if "_unkept_shell_" not in p.name)


def from_nothing(root: Path, tmp_path: Path) -> dict[str, str]:
    """The site a build makes of the same files with no docs/, cache or site left."""
    fresh = tmp_path / "fresh"
    shutil.copytree(
        root, fresh, ignore=shutil.ignore_patterns("docs", "site", ".site.spare", ".unkept-cache")
    )
    assert build(fresh).returncode == 0
    return tree_digest(fresh / "site")


def commit_all(root: Path, message: str) -> None:
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t.invalid"]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", message, "--allow-empty"], check=True)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "p")
    first = build(root)
    assert rendered(first) == pages(first) > uncached_pages(root) > 0
    return root


def test_a_second_build_renders_only_the_documents(project, tmp_path):
    before = tree_digest(project / "site")
    kept = {name: (project / "site" / name).stat() for name in (OTHER_PAGE, *OTHER_FILES)}
    result = build(project)
    assert rendered(result) == uncached_pages(project)
    for name, stat in kept.items():  # linked, not copied or written again
        assert (project / "site" / name).stat().st_ino == stat.st_ino, name
    # The replaced site is kept as the spare, so the linked files keep the times the index
    # recorded: a third build links them all again.
    assert rendered(build(project)) == uncached_pages(project)
    assert tree_digest(project / "site") == before == from_nothing(project, tmp_path)


def test_a_changed_case_renders_its_page_and_its_brand_page_again(project, tmp_path):
    path = project / CASE
    path.write_text(path.read_text().replace("title: ", "title: Changed, ", 1))
    commit_all(project, "change one case")
    result = build(project)
    assert rendered(result) == uncached_pages(project) + 2  # the case and its brand
    assert "Changed, " in (project / "site" / CASE_PAGE).read_text()
    assert tree_digest(project / "site") == from_nothing(project, tmp_path)


def test_a_deleted_case_leaves_no_page_behind(project, tmp_path):
    (project / CASE).unlink()
    result = build(project)
    assert rendered(result) == uncached_pages(project) + 1  # its brand page
    assert not (project / "site" / "cases" / "brightcart-sofa-refund").exists()
    assert tree_digest(project / "site") == from_nothing(project, tmp_path)


def test_the_replaced_site_is_the_next_builds_spare_and_its_shared_files_stay(project, tmp_path):
    """Each build keeps the site it replaces as the next one's spare, moves the spare's
    data-page folders into its new site, keeps there each file it shares with the site in
    place, and writes the others anew: never through a file the site in place shares."""
    assert not (project / ".site.spare").exists()
    assert rendered(build(project)) == uncached_pages(project)
    spare, site = project / ".site.spare", project / "site"
    assert (spare / OTHER_PAGE).stat().st_ino == (site / OTHER_PAGE).stat().st_ino

    def edit(case: str, title: str) -> None:  # uncommitted: the first restamps every page
        path = project / case
        path.write_text(path.read_text().replace("title: ", f"title: {title}", 1))
        assert rendered(build(project)) == uncached_pages(project) + 2  # the case, its brand

    edit(CASE, "Changed, ")
    folder = (spare / "cases").stat().st_ino
    before = {name: (site / name).stat().st_ino for name in (OTHER_PAGE, *OTHER_FILES, CASE_PAGE)}
    edit(CASE, "Again, ")
    assert (site / "cases").stat().st_ino == folder  # moved from the spare, not made
    for name in (OTHER_PAGE, *OTHER_FILES):
        assert (site / name).stat().st_ino == before[name], name
    assert (site / CASE_PAGE).stat().st_ino != before[CASE_PAGE]
    # The other case's page is shared by the site in place and the spare: changing it
    # writes a new file, and the replaced site (the new spare) keeps its own.
    edit("cases/hexa-home/hexa-oven-replacement.yml", "Other, ")
    assert "Other, " in (site / OTHER_PAGE).read_text()
    assert "Other, " not in (spare / OTHER_PAGE).read_text()
    assert tree_digest(site) == from_nothing(project, tmp_path)


def test_a_replaced_site_that_cannot_be_kept_leaves_an_index_with_the_new_times(
    project, monkeypatch
):
    """Deleting the replaced site changes the link count, so the ctime, of every file the
    new site shares with it: the index records the times as they are after."""
    from generator.load.settings import load_settings
    from generator.site import build as site_build

    def cannot_keep(old: Path, spare: Path) -> bool:
        shutil.rmtree(old)
        return False

    monkeypatch.setattr(site_build, "keep_as_spare", cannot_keep)
    result = site_build.build_site(
        project, as_of=dt.date.fromisoformat(AS_OF), settings=load_settings(project)
    )
    assert result.rendered == uncached_pages(project)
    assert not (project / ".site.spare").exists()
    monkeypatch.undo()
    assert rendered(build(project)) == uncached_pages(project)


def test_a_case_deleted_leaves_nothing_of_it_from_the_spare(project, tmp_path):
    assert rendered(build(project)) == uncached_pages(project)  # the spare has the case
    assert (project / ".site.spare" / CASE_PAGE).exists()
    (project / CASE).unlink()
    assert rendered(build(project)) == uncached_pages(project) + 1  # its brand page
    for name in (CASE_PAGE, "feeds/cases/brightcart-sofa-refund.xml"):
        assert not (project / "site" / name).exists(), name
    assert not (project / "site" / "cases" / "brightcart-sofa-refund").exists()
    assert tree_digest(project / "site") == from_nothing(project, tmp_path)


def test_a_spare_with_strays_and_a_folder_where_a_page_goes_is_set_right(project, tmp_path):
    """The spare is a cache anyone can touch: what this build does not make goes, and a
    folder where a page goes is replaced by the page."""
    spare = project / ".site.spare"
    shutil.copytree(project / "site", spare)  # as if kept by a build, sharing nothing
    (spare / "cases" / "stray.html").write_text("not ours")
    (spare / "cases" / "gone-case").mkdir()
    (spare / "cases" / "gone-case" / "index.html").write_text("a deleted case")
    (spare / OTHER_PAGE).unlink()
    (spare / OTHER_PAGE).mkdir()
    (spare / OTHER_PAGE / "inside").write_text("x")
    assert rendered(build(project)) == uncached_pages(project)
    assert not (project / "site" / "cases" / "stray.html").exists()
    assert not (project / "site" / "cases" / "gone-case").exists()
    assert tree_digest(project / "site") == from_nothing(project, tmp_path)


def test_a_build_failing_after_taking_the_spare_leaves_the_site_untouched(project):
    assert rendered(build(project)) == uncached_pages(project)  # a spare sharing every file
    before = tree_digest(project / "site")
    template = project / "site_templates" / "pages" / "case.md.j2"
    template.write_text(template.read_text() + "{{ no_such_function() }}\n")
    result = build(project)
    assert (result.returncode, result.stderr) == (
        1,
        "unkept: error: site_templates/pages/case.md.j2, rendering "
        "cases/brightcart-headphones-refund.md: 'no_such_function' is undefined; the "
        "previous site/ is unchanged.\n",
    )
    assert tree_digest(project / "site") == before
    assert not list(project.glob("site.tmp-*"))


def test_a_new_commit_renders_nothing_again_but_every_page_states_it(project, tmp_path):
    # Every page's footer names the commit: each data page is filled into the new shells
    # with its body taken back from the previous site, its stamps replaced.
    (project / "NOTES.md").write_text("not data\n")
    commit_all(project, "unrelated")
    commit = subprocess.run(
        ["git", "-C", str(project), "rev-parse", "--short=12", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    result = build(project)
    assert rendered(result) == uncached_pages(project)
    page = (project / "site" / "cases" / "brightcart-sofa-refund" / "index.html").read_text()
    assert f"data commit <code>{commit}</code>" in page
    assert f"data commit {commit}, https://" in page  # the citation
    assert tree_digest(project / "site") == from_nothing(project, tmp_path)


def test_a_template_change_renders_every_page_again(project):
    template = project / "site_templates" / "pages" / "case.md.j2"
    template.write_text(template.read_text().replace('<h2 id="cite">', '<h2 id="cite" class="x">'))
    result = build(project)
    assert rendered(result) == pages(result)
    page = project / "site" / "cases" / "brightcart-sofa-refund" / "index.html"
    assert '<h2 id="cite" class="x">' in page.read_text()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: p.write_bytes(b"garbage"), id="garbage"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes().replace(b'"c', b'"d', 1)), id="edited"),
        pytest.param(
            lambda p: p.write_bytes(p.read_bytes().replace(b"unkept-render-index", b"x", 1)),
            id="foreign",
        ),
    ],
)
def test_a_damaged_index_is_ignored(project, tmp_path, damage):
    (project / "site" / OTHER_PAGE).write_text("stale\n")  # only a trusted index could keep it
    damage(project / INDEX)
    result = build(project)
    assert rendered(result) == pages(result)
    assert tree_digest(project / "site") == from_nothing(project, tmp_path)


def test_an_edited_page_file_is_rendered_again(project, tmp_path):
    page = project / "site" / OTHER_PAGE
    text = page.read_text()
    page.write_text(text.replace("Oven", "Ovem", 1))  # same size, new content, same inode
    result = build(project)
    assert rendered(result) == uncached_pages(project) + 1
    assert page.read_text() == text
    assert tree_digest(project / "site") == from_nothing(project, tmp_path)


@pytest.mark.parametrize("name", OTHER_FILES)
def test_an_edited_case_feed_or_calendar_is_written_again(project, tmp_path, name):
    path = project / "site" / name
    text = path.read_text()
    path.write_text(text.replace("Hexa", "Hexo", 1))  # same size, new content, same inode
    build(project)
    assert path.read_text() == text
    assert tree_digest(project / "site") == from_nothing(project, tmp_path)


def test_an_interrupted_render_leaves_no_index(project):
    # The index is removed before the first page is linked; a failing template stops the
    # render midway, and the previous site stays as it was.
    before = tree_digest(project / "site")
    (project / "site_templates" / "pages" / "brand.md.j2").write_text("{{ nope() }}")
    assert build(project).returncode == 1
    assert not (project / INDEX).exists()
    assert tree_digest(project / "site") == before


def test_contributor_text_cannot_forge_a_stamp(tmp_path):
    root = make_project(tmp_path / "p", hostile=False)
    path = root / CASE
    forged = 'title: "<!--unkept:as-of--> <!--unkept:commit--> forged"'
    path.write_text(re.sub(r"(?m)^title: .*$", forged, path.read_text(), count=1))
    assert build(root).returncode == 0
    page = (root / "site" / "cases" / "brightcart-sofa-refund" / "index.html").read_text()
    assert "&lt;!--unkept:as-of--&gt; &lt;!--unkept:commit--&gt;" in page
    for file in (root / "site").rglob("*.html"):
        assert "<!--unkept:" not in file.read_text(), file
    data = (root / "site" / "data" / "cases.json").read_text()
    assert '"title":"<!--unkept:as-of--> <!--unkept:commit--> forged"' in data  # as written


def test_fingerprint_of_a_case_read_from_a_file_is_its_path_and_digest():
    case = load_corpus(REPO, as_of=dt.date.fromisoformat(AS_OF)).cases[0]
    same = f"Case({case.file!r}, {case.digest})"
    assert len(case.digest) == 40
    assert fingerprint([case, {"k": (1, case)}]) == f"({same}, {{'k': (1, {same})}})"
    unread = dataclasses.replace(case, digest="")
    assert fingerprint(unread) == repr(unread)  # every field, in order
    assert case.title in fingerprint(unread)


@pytest.mark.parametrize("damage", [b"garbage", None], ids=["garbage", "edited"])
def test_a_damaged_case_data_file_is_ignored(project, tmp_path, damage):
    # Builds take validated case data from .unkept-cache/docs.jsonl instead of the YAML.
    pack = project / ".unkept-cache" / "docs.jsonl"
    raw = pack.read_bytes()
    pack.write_bytes(damage or raw.replace(b"Sofa", b"Sofx", 1))
    assert damage is not None or raw != pack.read_bytes()
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert "Sofx" not in (project / "site" / "data" / "cases.json").read_text()
    assert tree_digest(project / "site") == from_nothing(project, tmp_path)
