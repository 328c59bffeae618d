"""The open data index: a rebuild takes each unchanged case's line of cases.json and rows
of promises.csv back from the site in place, and the files are the ones made from nothing;
anything it cannot trust means making them again."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from generator.export.downloads import write_downloads
from generator.export.open_data_index import CASES_JSON, INDEX, PROMISES_CSV, OpenDataIndex
from generator.export.publisher import Publisher
from generator.i18n import Language
from generator.load.cache import CACHE_DIR
from generator.load.loader import load_corpus
from generator.model.tracker import Tracker, compute
from generator.site.templates import environment
from tests.support import AS_OF, REPO

TEMPLATES = REPO / "site_templates"
LANGUAGE = Language.load(TEMPLATES, "en")


def demo(as_of: str = AS_OF, change: str = "") -> Tracker:
    """The demo's figures; with `change`, that case's title changed (and its file's
    digest, as an edit changes it)."""
    day = dt.date.fromisoformat(as_of)
    corpus = load_corpus(REPO, as_of=day)
    cases = [
        dataclasses.replace(c, title="Changed title", digest="edited") if c.id == change else c
        for c in corpus.cases
    ]
    return compute(corpus.brands, cases, as_of=day, commit="test", stale_days=90)


def write(folder: Path, data: Tracker, index: OpenDataIndex | None) -> dict[str, bytes]:
    write_downloads(
        folder,
        data,
        Publisher("Unkept", "https://unkept.example/", LANGUAGE),
        env=environment(TEMPLATES, LANGUAGE),
        per_case=False,
        index=index,
    )
    return {name: (folder / name).read_bytes() for name in (CASES_JSON, PROMISES_CSV)}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project folder whose site holds the demo's open data and its index."""
    index = OpenDataIndex.load(tmp_path, tmp_path / "site", demo())
    assert not index.lines  # nothing recorded yet
    write(tmp_path / "site", demo(), index)
    index.save()
    return tmp_path


def test_unchanged_cases_are_taken_back_and_the_files_are_the_ones_made_from_nothing(root):
    data = demo()
    index = OpenDataIndex.load(root, root / "site", data)
    live = {c.id for c in data.cases if not c.is_withdrawn}
    assert set(index.lines) == set(index.rows) == live
    files = write(root / "again", data, index)
    assert index.reused == len(live)
    assert files == write(root / "fresh", data, None)


def test_a_changed_case_is_made_again_and_the_others_taken_back(root):
    data = demo(change="brightcart-sofa-refund")
    index = OpenDataIndex.load(root, root / "site", data)
    assert "brightcart-sofa-refund" not in index.lines
    files = write(root / "again", data, index)
    assert index.reused == len([c for c in data.cases if not c.is_withdrawn]) - 1
    assert b'"title":"Changed title"' in files[CASES_JSON]
    assert files == write(root / "fresh", data, None)


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda root: _append(root / "site" / CASES_JSON), id="cases.json edited"),
        pytest.param(lambda root: _append(root / "site" / PROMISES_CSV), id="promises.csv edited"),
        pytest.param(lambda root: (root / "site" / PROMISES_CSV).unlink(), id="a file missing"),
        pytest.param(lambda root: _append(root / CACHE_DIR / INDEX), id="index corrupted"),
    ],
)
def test_a_site_or_index_it_cannot_trust_means_making_every_line_again(root, spoil):
    spoil(root)
    data = demo()
    index = OpenDataIndex.load(root, root / "site", data)
    assert not index.lines
    assert write(root / "again", data, index) == write(root / "fresh", data, None)
    assert index.reused == 0


def test_another_day_means_making_every_line_again(root):
    data = demo("2026-12-24")  # statuses change with the day
    index = OpenDataIndex.load(root, root / "site", data)
    assert not index.lines
    assert write(root / "again", data, index) == write(root / "fresh", data, None)


def _append(path: Path) -> None:
    path.write_bytes(path.read_bytes() + b" ")
