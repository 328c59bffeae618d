"""Worker processes: a build on every core makes the very site one process makes."""

from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
import time

import pytest

from bench.corpus import AS_OF
from bench.run import unkept_project
from generator.errors import BuildFailed, WorkerDied
from generator.load import loader
from generator.load.discover import discover
from generator.workers import (
    CHUNK,
    PARALLEL_FROM,
    beside,
    can_fork,
    process_pool,
    shared_out,
)
from tests.support import build, run_cli, tree_digest

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


def write_state(path) -> None:
    """A task beside: write a file."""
    path.write_text("done")


def fail(message: str) -> None:
    raise BuildFailed(message)


def die(code: int) -> None:
    os._exit(code)


@pytest.mark.skipif(not can_fork(), reason="fork is how workers start on Linux and macOS")
def test_the_process_beside_ends_with_its_task_not_with_the_body(tmp_path, monkeypatch):
    """Its memory (what it copied of the parent's heap) is freed as soon as its task is
    done, not when the pages written meanwhile are."""
    monkeypatch.setenv("UNKEPT_JOBS", "2")
    with beside(write_state, tmp_path / "out"):
        deadline = time.monotonic() + 30
        while multiprocessing.active_children() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not multiprocessing.active_children()  # ended while the body still runs
        assert (tmp_path / "out").read_text() == "done"
    assert gc.get_freeze_count() == 0


@pytest.mark.skipif(not can_fork(), reason="fork is how workers start on Linux and macOS")
def test_the_process_besides_error_is_raised_after_the_body_and_its_death_said(monkeypatch):
    monkeypatch.setenv("UNKEPT_JOBS", "2")
    ran = []
    with (
        pytest.raises(BuildFailed, match=r"^cannot save the cache$"),
        beside(fail, "cannot save the cache"),
    ):
        ran.append("body")
    assert ran == ["body"]
    with (
        pytest.raises(WorkerDied, match=r"exit code 9\): killed, or out of memory"),
        beside(die, 9),
    ):
        pass


def pid_after(state: float, n: int) -> tuple[int, int]:
    """A task: its item and the process that ran it, after a short wait."""
    time.sleep(state)
    if n < 0:
        raise BuildFailed(f"item {n}")
    return n, os.getpid()


@pytest.mark.skipif(not can_fork(), reason="fork is how workers start on Linux and macOS")
def test_shared_out_runs_items_here_and_in_workers_and_gives_results_in_order():
    results = shared_out(pid_after, 0.05, [(n,) for n in range(12)], 2)
    assert [n for n, _ in results] == list(range(12))
    pids = {pid for _, pid in results}
    assert os.getpid() in pids  # this process took items instead of waiting
    assert len(pids) == 2
    assert shared_out(pid_after, 0, [(1,), (2,)], 1) == [(1, os.getpid()), (2, os.getpid())]
    with pytest.raises(BuildFailed, match=r"^item -1$"):
        shared_out(pid_after, 0.01, [(n,) for n in (0, 1, -1, 3, 4, 5)], 2)


def stamp_after(state: float, n: int) -> tuple[int, int, float]:
    """A task: its item, the process that ran it, and when it started."""
    started = time.monotonic()
    time.sleep(state)
    return n, os.getpid(), started


def end_after(state: tuple[float, object]) -> None:
    """A task beside: wait, then write when it ended."""
    wait, path = state
    time.sleep(wait)
    path.write_text(repr(time.monotonic()))


@pytest.mark.skipif(not can_fork(), reason="fork is how workers start on Linux and macOS")
@pytest.mark.parametrize("processes", [2, 3])
def test_shared_out_runs_one_worker_fewer_while_the_process_beside_runs(
    tmp_path, monkeypatch, processes
):
    """Never more busy processes than asked for, nor more copies of the heap: while the
    downloads' process runs, one page writer fewer works; the last joins once it ends."""
    monkeypatch.setenv("UNKEPT_JOBS", "2")
    with beside(end_after, (0.6, tmp_path / "ended")) as busy:
        results = shared_out(stamp_after, 0.05, [(n,) for n in range(40)], processes, busy=busy)
        ended = float((tmp_path / "ended").read_text())
    assert [n for n, _, _ in results] == list(range(40))
    first = {}
    for _, pid, started in results:
        first[pid] = min(started, first.get(pid, started))
    assert len(first) == processes  # all of them worked in the end
    early = {pid for pid, started in first.items() if started < ended}
    assert os.getpid() in early
    assert len(early) == processes - 1


def die_in_a_worker(parent: int, n: int) -> int:
    """A task: dies when a forked worker runs it (killed, as by the OOM killer)."""
    time.sleep(0.05)
    if os.getpid() != parent:
        os._exit(9)
    return n


@pytest.mark.skipif(not can_fork(), reason="fork is how workers start on Linux and macOS")
def test_shared_out_says_a_worker_died_instead_of_a_traceback():
    with pytest.raises(WorkerDied, match=r"ended without finishing its work"):
        shared_out(die_in_a_worker, os.getpid(), [(n,) for n in range(12)], 2)


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


def die_parsing(job, chunk):
    """A parse task that dies in a forked worker (killed, as by the OOM killer)."""
    os._exit(9)


@pytest.mark.skipif(not can_fork(), reason="fork is how workers start on Linux and macOS")
def test_a_parse_worker_killed_is_one_error_line_not_a_traceback(tmp_path, monkeypatch):
    project = unkept_project(tmp_path / "p", PARALLEL_FROM, 5)
    monkeypatch.setenv("UNKEPT_JOBS", "2")
    monkeypatch.setattr(loader, "_load_chunk", die_parsing)
    monkeypatch.chdir(project)
    result = run_cli("check", "--no-cache")
    assert result.code != 0
    assert "Traceback" not in result.out + result.err
    assert result.err.strip().endswith(
        "a worker process ended without finishing its work: killed, or out of memory; "
        "nothing it was making was kept"
    )


_HELD: dict = {}
"""The last chunk's file and the event it waits for; set before the workers fork."""
_LOAD_CHUNK = loader._load_chunk


def load_the_last_chunk_once_the_first_came_back(job, chunk):
    """`_load_chunk`, but the chunk with the last file waits until the test has taken the
    first outcome (at most 20 s)."""
    if chunk[-1].relative == _HELD["last"] and not _HELD["go"].wait(20):
        raise RuntimeError("the first outcomes were held until every chunk was read")
    return _LOAD_CHUNK(job, chunk)


@pytest.mark.skipif(not can_fork(), reason="fork is how workers start on Linux and macOS")
def test_outcomes_come_back_chunk_by_chunk_while_the_workers_read_on(tmp_path, monkeypatch):
    """The build makes each chunk's cases while the workers read the next files."""
    project = unkept_project(tmp_path / "p", 3 * CHUNK, 5)
    files = list(discover(project / "cases", project).case_files)
    _HELD.update(last=files[-1].relative, go=multiprocessing.get_context("fork").Event())
    monkeypatch.setenv("UNKEPT_JOBS", "2")
    monkeypatch.setattr(loader, "_load_chunk", load_the_last_chunk_once_the_first_came_back)
    outcomes = loader.load_cases(files, project, AS_OF)
    first = next(outcomes)
    assert not _HELD["go"].is_set()
    _HELD["go"].set()
    rest = list(outcomes)
    assert [first.valid, *(o.valid for o in rest)] == [True] * len(files)
