"""The benchmark harness works end to end on 50 cases (no timing is asserted)."""

from __future__ import annotations

import json

import pytest

from bench.corpus import write_corpus
from bench.run import main, set_aside


def test_corpus_is_deterministic_and_valid(tmp_path, run):
    first = write_corpus(tmp_path / "a", 300, 20)
    second = write_corpus(tmp_path / "b", 300, 20)
    files = sorted(p.relative_to(first) for p in first.rglob("*.yml"))
    assert len(files) == 320
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    lines = (first / "synth-brand-00003" / "synth-case-000003.yml").read_text().count("\n")
    assert 30 <= lines <= 50
    result = run("--root", tmp_path / "a", "check", "--as-of", "2026-11-24")
    assert result.code == 0, result.out


@pytest.mark.slow  # builds sites
def test_quick_benchmark_writes_its_table_and_json(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("before\n<!-- bench:start -->\nold\n<!-- bench:end -->\nafter\n")
    assert main(["--smoke", "--out", str(tmp_path / "out"), "--readme", str(readme)]) == 0
    data = json.loads((tmp_path / "out" / "results.json").read_text())
    names = [r["name"] for r in data["results"]]
    assert names == [
        "read floor",
        "parse floor",
        "check cold",
        "check after one change",
        "check, cache restored",
        "mkdocs floor",
        "build full",
        "mkdocs floor, rebuilt",
        "build after one change",
        "reader side",
    ]
    assert all(r["seconds"] > 0 for r in data["results"] if r["name"] != "reader side")
    assert data["results"][2]["floor"] == "parse floor"
    text = readme.read_text()
    assert text.startswith("before\n<!-- bench:start -->\nMeasured by `make bench`")
    assert text.endswith("<!-- bench:end -->\nafter\n")
    assert "| 50 cases / 10 brands | check cold |" in text


def test_the_targets_are_judged_on_the_measured_figures():
    from bench.run import BUILD_10K, CHECK_100K, Measure, verdicts

    results = [
        Measure(CHECK_100K, "check cold", 26.0, 338.0, 1, "parse floor", 1.3),
        Measure(CHECK_100K, "check after one change", 2.0, 170.0, 5, "parse floor", 0.06),
        Measure(BUILD_10K, "build full", 9.1, 2100.0, 5, "mkdocs floor", 0.38, "", 0.27),
        Measure(BUILD_10K, "build after one change", 4.0, 900.0, 5, "mkdocs floor", 0.16),
        Measure(CHECK_100K, "build full", 119.0, 1900.0, 1),
    ]
    assert verdicts(results).splitlines() == [
        "| corpus | measure | target | measured | met |",
        "| --- | --- | --- | ---: | --- |",
        "| 100,000 cases / 2,000 brands | check cold | at most 1.3x the parse floor | 1.30x | yes |",
        "| 100,000 cases / 2,000 brands | check cold | peak memory under 1 GB | 338 MB | yes |",
        "| 100,000 cases / 2,000 brands | check after one change | under 2 s | 2.00 s | **no** |",
        "| 10,000 cases / 200 brands | build full | at most 0.4x the MkDocs floor | 0.38x | yes |",
        "| 10,000 cases / 200 brands | build after one change | at most 0.15x the MkDocs floor "
        "| 0.16x | **no** |",
        "| 10,000 cases / 200 brands | build full | peak memory under 2 GB | 2100 MB | **no** |",
        "| 10,000 cases / 200 brands | build after one change | peak memory under 2 GB | 900 MB "
        "| yes |",
        "| 100,000 cases / 2,000 brands | build full | under 120 s | 119.00 s | yes |",
        "| 100,000 cases / 2,000 brands | build full | peak memory under 2 GB | 1900 MB | yes |",
    ]
    assert verdicts(results[:0]) == "No target applies to these corpora."


def test_extra_sizes_are_read_from_bench_sizes():
    from bench.run import extra_sizes

    assert extra_sizes("100000/2000, 500/10") == [(100_000, 2_000), (500, 10)]
    assert extra_sizes("") == []
    with pytest.raises(SystemExit, match="expected CASES/BRANDS like 100000/2000, got '100k'"):
        extra_sizes("100k")


def test_peak_memory_counts_the_pages_a_forked_worker_shares_once():
    # A parent holding 200 MB forks a worker that only reads it: the machine holds 200 MB,
    # which the summed PSS says; summed RSS counts the shared pages twice.
    import sys

    from bench.run import timed

    code = (
        "import os, time\n"
        "x = bytearray(200 * 1024 * 1024)\n"
        "if os.fork() == 0:\n"
        "    time.sleep(0.6); os._exit(0)\n"
        "time.sleep(0.6); os.wait()\n"
    )
    run = timed([sys.executable, "-c", code], cwd=".")
    assert 200 <= run.peak_mb < 260, run
    assert run.peak_rss_mb >= 400, run


def test_the_search_index_size_counts_the_themes_index_and_the_cases(tmp_path):
    from bench.run import reader_side

    (tmp_path / "search").mkdir()
    (tmp_path / "search/search_index.json").write_bytes(b"x" * 400_000)
    (tmp_path / "search/cases.json").write_bytes(b"x" * 1_100_000)
    (tmp_path / "ranking").mkdir()
    (tmp_path / "ranking/index.html").write_text("<p>ranking</p>")
    (tmp_path / "cases/a").mkdir(parents=True)
    (tmp_path / "cases/a/index.html").write_bytes(b"x" * 21_000)
    note = reader_side("10k", tmp_path).note
    assert note.startswith("search index 1.50 MB; ranking page 0 KB gzipped; ")
    assert note.endswith("largest case page 21 KB")


def test_outputs_are_set_aside_not_deleted_before_a_timed_build(tmp_path):
    """Deleting a site right before a build slowed the build by chance (ext4 without a
    journal); the harness moves it aside, under names that never collide."""
    trash = tmp_path / "set-aside"
    for round_ in range(2):
        site = tmp_path / "project" / "site"
        (site / "cases").mkdir(parents=True)
        (site / "cases" / "index.html").write_text(f"round {round_}")
        set_aside(site, trash)
        assert not site.exists()
    set_aside(tmp_path / "project" / "missing", trash)  # nothing there: nothing to do
    kept = sorted(trash.iterdir())
    assert [p.name for p in kept] == ["0000-site", "0001-site"]
    assert [(p / "cases" / "index.html").read_text() for p in kept] == ["round 0", "round 1"]
