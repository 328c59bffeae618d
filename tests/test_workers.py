"""Worker processes: a build on every core makes the very site one process makes."""

from __future__ import annotations

import gc
import shutil

import pytest

from bench.run import unkept_project
from generator.workers import PARALLEL_FROM, can_fork, process_pool
from tests.support import build, tree_digest

pytestmark = pytest.mark.slow  # builds on one and on two workers


def scale(state: int, value: int) -> int:
    """A task: the state its pool was started with, times `value`."""
    return state * value


@pytest.mark.skipif(not can_fork(), reason="fork is how workers start on Linux and macOS")
def test_the_pool_freezes_the_heap_while_it_runs_and_thaws_it_after():
    assert gc.get_freeze_count() == 0
    with process_pool(2, 10) as pool:
        assert gc.get_freeze_count() > 0  # the workers' collector leaves it alone
        assert list(pool.map(scale, [-1, -2, 3])) == [-10, -20, 30]  # state 10, in each worker
    assert gc.get_freeze_count() == 0


def test_a_build_on_two_workers_makes_the_site_one_process_makes(tmp_path, monkeypatch):
    cases = PARALLEL_FROM + 20  # enough pages for the pool to start
    one = unkept_project(tmp_path / "one", cases, 12)
    two = tmp_path / "two"
    shutil.copytree(one, two)
    monkeypatch.setenv("UNKEPT_JOBS", "1")
    assert build(one).returncode == 0
    monkeypatch.setenv("UNKEPT_JOBS", "2")
    result = build(two)
    assert result.returncode == 0, result.stderr
    site = tree_digest(two / "site")
    assert len([p for p in site if p.startswith("cases/")]) == cases
    assert {"data/cases.json", "data/promises.csv", "feeds/atom.xml"} <= set(site)
    assert site == tree_digest(one / "site")
    docs = tree_digest(two / "docs")
    assert docs == tree_digest(one / "docs")
