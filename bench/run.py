"""`make bench`: Unkept against its floors, on the same synthetic files, in one run.

Floors: reading the bytes; parsing them with libyaml's C loader and nothing else; a bare
`mkdocs build` of as many trivial pages, with the site's theme settings and navigation,
from nothing and over its previous site (which MkDocs cleans first).
Unkept: `check` cold, after one file changed, and with its cache restored into a fresh
checkout (as in a pull-request check: every file's times new, its content not); `build`
full (no cache, docs/ or site/ left: every file parsed, every page rendered) and after one
case changed (the caches of the previous build in place). What a run leaves is set aside,
not deleted, before the next timed run (see `set_aside`), and deleted at the end.
Each command runs in a fresh process; wall time is the median of the runs, peak memory the
largest memory of the whole process tree (workers included), sampled from /proc as the sum
of its processes' PSS: the pages forked workers share with their parent count once (summed
RSS, which counts them in every worker, is shown beside the 100k build). PSS is read as
often as costs the measured command at most 5% of one core; RSS every 20 ms.

Usage: python -m bench.run [--quick] [--out DIR] [--readme README.md]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import NamedTuple

import yaml

from bench.corpus import AS_OF, write_corpus
from generator.i18n import Language
from generator.load.settings import load_settings
from generator.site.engine import nav

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FULL = {
    "check": [(1_000, 200), (10_000, 200), (100_000, 2_000)],
    "build": [(1_000, 200), (10_000, 200)],
}
QUICK = {"check": [(1_000, 200)], "build": [(1_000, 200)]}
BENCH_SIZES = "BENCH_SIZES"
"""Extra build sizes, `100000/2000` (comma-separated): built from nothing once, without a
MkDocs floor (a bare MkDocs build of 100,000 pages alone takes several minutes)."""
SMOKE = {"check": [(50, 10)], "build": [(50, 10)]}
"""The harness end to end in seconds, for the test suite: no figure of it means anything."""


@dataclass(frozen=True)
class Measure:
    """One measured command."""

    corpus: str
    name: str
    seconds: float
    """Median wall time."""
    peak_mb: float
    """Largest memory of the process tree: the sum of its processes' PSS, which counts the
    pages forked workers share with their parent once (their RSS counts them in each)."""
    runs: int
    floor: str | None = None
    ratio: float | None = None
    note: str = ""
    generator_share: float | None = None
    """For builds: the part of the build's time spent before MkDocs."""


@dataclass(frozen=True)
class Target:
    """A target of issue 5 or 17: a limit on one figure of one measure."""

    corpus: str
    measure: str
    figure: str
    """A field of Measure: ratio, seconds, peak_mb or generator_share."""
    limit: float
    wording: str
    """The target as the issue states it."""
    at_most: bool = False
    """Whether the limit itself is allowed ("at most 1.3x"), or not ("under 2 s")."""

    def met(self, value: float) -> bool:
        return value <= self.limit if self.at_most else value < self.limit


CHECK_100K, BUILD_10K = "100,000 cases / 2,000 brands", "10,000 cases / 200 brands"
TARGETS = (
    Target(CHECK_100K, "check cold", "ratio", 1.3, "at most 1.3x the parse floor", at_most=True),
    Target(CHECK_100K, "check cold", "peak_mb", 1000, "peak memory under 1 GB"),
    Target(CHECK_100K, "check after one change", "seconds", 2.0, "under 2 s"),
    Target(BUILD_10K, "build full", "ratio", 0.4, "at most 0.4x the MkDocs floor", at_most=True),
    Target(
        BUILD_10K,
        "build after one change",
        "ratio",
        0.15,
        "at most 0.15x the MkDocs floor",
        at_most=True,
    ),
    *(
        Target(BUILD_10K, name, "peak_mb", 2000, "peak memory under 2 GB")
        for name in ("build full", "build after one change")
    ),
    Target(CHECK_100K, "build full", "seconds", 120, "under 120 s"),
    Target(CHECK_100K, "build full", "peak_mb", 2000, "peak memory under 2 GB"),
)
"""Issue 17 retired "generator stages under 10%": what counts is the whole build, against
a bare MkDocs build of as many pages."""


def _tree(pid: int) -> list[int]:
    """`pid` and all its descendants, parents before their children."""
    tree, stack = [], [pid]
    while stack:
        p = stack.pop()
        tree.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except OSError:
            continue
    return tree


def _rss_kb(tree: list[int]) -> int:
    """The processes' resident sets summed (a page counts once per process sharing it), in
    KiB: cheap to read, from /proc/<pid>/status."""
    return sum(_kib_fields(f"/proc/{p}/status", ("VmRSS:",)).get("VmRSS:", 0) for p in tree)


def _pss_kb(tree: list[int]) -> int:
    """The processes' proportional set sizes summed (a page shared by several processes
    counts once, split between them), in KiB. Costly: the kernel walks each process's
    pages (56 ms for 3 GB here). Children are read before their parents: a worker forked
    meanwhile makes the sum low for one sample, never counts its parent's pages twice."""
    total = 0
    for p in reversed(tree):
        fields = _kib_fields(f"/proc/{p}/smaps_rollup", ("Rss:", "Pss:"))
        if not fields:  # a kernel without smaps_rollup: RSS, an upper bound of PSS
            fields = {"Pss:": _kib_fields(f"/proc/{p}/status", ("VmRSS:",)).get("VmRSS:", 0)}
        total += fields.get("Pss:", fields.get("Rss:", 0))
    return total


PSS_SHARE = 0.05
"""The sampler reads PSS again only after waiting 1/PSS_SHARE times what the last reading
took: it takes at most about 5% of one core from the command it measures (every 20 ms, it
took a whole core at 100,000 cases and slowed the build by half)."""


def _kib_fields(path: str, names: tuple[str, ...]) -> dict[str, int]:
    """The `name: <n> kB` lines of a /proc file; empty when it cannot be read (gone)."""
    try:
        with open(path) as f:
            return {x.split()[0]: int(x.split()[1]) for x in f if x.startswith(names)}
    except OSError:
        return {}


class Run(NamedTuple):
    """One command's run."""

    seconds: float
    peak_mb: float
    """Largest memory of the process tree, PSS summed over its processes."""
    output: str
    peak_rss_mb: float
    """Largest RSS summed over its processes: forked workers' shared pages counted in each."""


def timed(cmd: list[str], cwd: Path, env: dict | None = None) -> Run:
    """Run `cmd`; return wall seconds, peak memory of its process tree, and its output."""
    with tempfile.TemporaryFile("w+") as output:  # a file: a full pipe could block the child
        started = time.perf_counter()
        with subprocess.Popen(
            cmd,
            cwd=cwd,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, **(env or {})},
        ) as proc:
            peak = peak_rss = 0
            next_pss = 0.0
            while proc.poll() is None:
                tree = _tree(proc.pid)
                peak_rss = max(peak_rss, _rss_kb(tree))
                if time.perf_counter() >= next_pss:
                    began = time.perf_counter()
                    peak = max(peak, _pss_kb(tree))
                    took = time.perf_counter() - began
                    next_pss = time.perf_counter() + took / PSS_SHARE
                time.sleep(0.02)
        seconds = time.perf_counter() - started
        output.seek(0)
        text = output.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{text}")
    return Run(seconds, peak / 1024, text, peak_rss / 1024)


def summary(measured: list[Run]) -> tuple[float, float, str]:
    """Median wall time, largest peak memory, and the output of the median run."""
    middle = sorted(measured, key=lambda m: m[0])[(len(measured) - 1) // 2]
    return statistics.median(m[0] for m in measured), max(m[1] for m in measured), middle[2]


def median_of(runs: int, cmd: list[str], cwd: Path, before=None) -> tuple[float, float, str]:
    measured = []
    for _ in range(runs):
        if before:
            before()
        measured.append(timed(cmd, cwd))
    return summary(measured)


FLOOR_READ = """
import sys, pathlib
for p in sorted(pathlib.Path(sys.argv[1]).glob('*/*.yml')): p.read_bytes()
"""
FLOOR_PARSE = """
import sys, pathlib, yaml
for p in sorted(pathlib.Path(sys.argv[1]).glob('*/*.yml')):
    with open(p, 'rb') as f: yaml.load(f, Loader=yaml.CSafeLoader)
"""


def mkdocs_floor_project(folder: Path, pages: int) -> Path:
    """`pages` trivial pages, built with the site's own theme settings, plugins and
    top-level navigation (from the project's mkdocs.yml), the other pages out of the nav.

    What the site adds to that (its theme overrides, its page bodies) counts as Unkept's.
    """
    site = yaml.safe_load((REPO / "mkdocs.yml").read_text())
    theme = {k: v for k, v in site["theme"].items() if k != "custom_dir"}
    top = nav(Language.load(REPO / "site_templates", load_settings(REPO).language))
    docs = folder / "docs"
    docs.mkdir(parents=True)
    for entry in top:
        ((title, source),) = entry.items()
        (docs / source).parent.mkdir(parents=True, exist_ok=True)
        (docs / source).write_text(f"# {title}\n\nA trivial page.\n")
    for i in range(pages - len(top)):
        sub = docs / f"p{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"page-{i:06d}.md").write_text(f"# Page {i}\n\nA trivial page number {i}.\n")
    config = {
        "site_name": "Floor",
        "site_url": "https://floor.example/",
        "theme": theme,
        "plugins": site["plugins"],
        "nav": top,
        "not_in_nav": "/p*/\n",
    }
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return folder


def unkept_project(folder: Path, cases: int, brands: int) -> Path:
    write_corpus(folder, cases, brands)
    for name in ("mkdocs.yml", "unkept.toml"):
        shutil.copy(REPO / name, folder / name)
    shutil.copytree(REPO / "site_templates", folder / "site_templates")
    return folder


def touch_one(project: Path) -> None:
    """Change one case the way a contributor would: its last_confirmed date."""
    path = next(iter(sorted((project / "cases").glob("*/synth-case-000007.yml"))))
    text = path.read_text()
    stamp = "# benchmark edit"
    path.write_text(text.replace(f"\n{stamp}\n", "\n") if stamp in text else text + stamp + "\n")


def set_aside(path: Path, trash: Path) -> None:
    """Move `path` (if there) into `trash`, deleted once every command was timed.

    Deleting a site's tens of thousands of files right before a timed build made making
    the next one's files ten to thirty times slower on this machine, and by chance: without
    a journal, ext4 skips the inodes freed in the last minutes (up to six) when it gives out
    new ones, and looks at each of them again for every new file (`recently_deleted` in the
    kernel's inode allocator). A build of 10,000 cases took 11 s instead of 7.5 s.
    A fresh checkout, as in CI, has deleted nothing. So neither Unkept's builds nor the
    MkDocs floor's are timed after the harness's own deletions; MkDocs still cleans its
    previous site itself when it rebuilds, as it always does.
    """
    if os.path.lexists(path):
        trash.mkdir(exist_ok=True)
        path.rename(trash / f"{len(list(trash.iterdir())):04d}-{path.name}")


def measure_corpus(
    work: Path, cases: int, brands: int, *, build: bool, runs: int, large: bool = False
) -> list[Measure]:
    label = f"{cases:,} cases / {brands:,} brands"
    trash = work / "set-aside"
    project = unkept_project(work / f"u{cases}-{brands}", cases, brands)
    folder = project / "cases"
    unkept = [str(BIN / "unkept"), "check", "--as-of", AS_OF.isoformat()]
    results: list[Measure] = []

    slow = runs if cases < 100_000 else 1  # parsing 100,000 files takes half a minute a run
    read_s, read_mb, _ = median_of(runs, [sys.executable, "-c", FLOOR_READ, str(folder)], project)
    results.append(Measure(label, "read floor", read_s, read_mb, runs))
    parse_s, parse_mb, _ = median_of(
        slow, [sys.executable, "-c", FLOOR_PARSE, str(folder)], project
    )
    results.append(Measure(label, "parse floor", parse_s, parse_mb, slow))

    def drop_cache() -> None:
        set_aside(project / ".unkept-cache", trash)

    cold_s, cold_mb, _ = median_of(slow, unkept, project, before=drop_cache)
    results.append(
        Measure(label, "check cold", cold_s, cold_mb, slow, "parse floor", cold_s / parse_s)
    )
    timed(unkept, project)  # warm the cache
    warm_s, warm_mb, _ = median_of(runs, unkept, project, before=lambda: touch_one(project))
    results.append(
        Measure(
            label, "check after one change", warm_s, warm_mb, runs, "parse floor", warm_s / parse_s
        )
    )

    def fresh_checkout() -> None:
        """New times on every case file, content unchanged, as after actions/checkout."""
        now = time.time_ns()
        for path in folder.glob("*/*.yml"):
            os.utime(path, ns=(now, now))

    ci_s, ci_mb, _ = median_of(runs, unkept, project, before=fresh_checkout)
    results.append(
        Measure(
            label,
            "check, cache restored",
            ci_s,
            ci_mb,
            runs,
            "parse floor",
            ci_s / parse_s,
            note="every file's times new, content not: as in a pull-request check",
        )
    )
    build_cmd = [str(BIN / "unkept"), "build", "--as-of", AS_OF.isoformat()]
    if large:  # one build from nothing, no floor: the time and memory limits are absolute
        drop_cache()
        seconds, peak_mb, out, peak_rss = timed(build_cmd, project)
        share_text, share = _generator_share(out)
        results.append(
            Measure(
                label,
                "build full",
                seconds,
                peak_mb,
                1,
                note=(
                    f"from nothing, {built_pages(out):,} pages; {share_text}; "
                    f"RSS summed over its processes {peak_rss:.0f} MB"
                ),
                generator_share=share,
            )
        )
        results.append(reader_side(label, project / "site"))
        return results
    if not build:
        return results

    floor_cmd = [str(BIN / "mkdocs"), "build", "-q"]
    # Each build alternates with a floor run in the same state (from nothing, or over the
    # previous output), so a slow spell of the machine weighs on both sides of the ratio.
    full_runs, floor_runs = [], []
    floor: Path | None = None
    pages = 0
    for _ in range(runs):
        drop_cache()  # nothing left: every file is parsed, every page rendered
        for output in (project / "site", project / ".site.spare", project / "docs"):
            set_aside(output, trash)
        full_runs.append(timed(build_cmd, project))
        if floor is None:
            pages = built_pages(full_runs[-1][2])
            floor = mkdocs_floor_project(work / f"floor{cases}-{brands}", pages)
        set_aside(floor / "site", trash)  # nothing left for MkDocs either
        floor_runs.append(timed(floor_cmd, floor))
    again_runs, rebuilt_runs = [], []
    for _ in range(runs):
        touch_one(project)
        again_runs.append(timed(build_cmd, project))  # replaces its previous site
        rebuilt_runs.append(timed(floor_cmd, floor))  # cleans its previous site first
    for name, floor_name, built, floored in (
        ("build full", "mkdocs floor", full_runs, floor_runs),
        ("build after one change", "mkdocs floor, rebuilt", again_runs, rebuilt_runs),
    ):
        floor_s, floor_mb, _ = summary(floored)
        seconds, peak_mb, out = summary(built)
        share_text, share = _generator_share(out)
        state = "from nothing" if name == "build full" else "its previous site in place"
        results.append(
            Measure(
                label, floor_name, floor_s, floor_mb, runs, note=f"{pages:,} trivial pages, {state}"
            )
        )
        results.append(
            Measure(
                label,
                name,
                seconds,
                peak_mb,
                runs,
                floor_name,
                seconds / floor_s,
                note=share_text,
                generator_share=share,
            )
        )
    results.append(reader_side(label, project / "site"))
    return results


def built_pages(output: str) -> int:
    """How many pages `unkept build` says the site has (case and brand pages included)."""
    match = re.search(r"([\d,]+) pages", output)
    if not match:
        raise RuntimeError(f"unkept build did not say how many pages it built:\n{output}")
    return int(match.group(1).replace(",", ""))


def _generator_share(output: str) -> tuple[str, float | None]:
    """`generator stages 12% (1.2 s of 9.9 s)` and 0.12, from unkept build's last line: the
    generator's own time against the site engine's (informative, no longer a target)."""
    match = re.search(r"generator ([\d.]+) s, \w+ ([\d.]+) s", output)
    if not match:
        return "", None
    generator, mkdocs = float(match.group(1)), float(match.group(2))
    total = generator + mkdocs
    share = generator / total
    return f"generator stages {share:.0%} ({generator:.1f} s of {total:.1f} s)", share


def verdicts(results: list[Measure]) -> str:
    """The targets whose corpus was measured, each with its figure and whether it is met."""
    measured = {(m.corpus, m.name): m for m in results}
    shown = {
        "ratio": "{:.2f}x",
        "seconds": "{:.2f} s",
        "peak_mb": "{:.0f} MB",
        "generator_share": "{:.0%}",
    }
    lines = [
        "| corpus | measure | target | measured | met |",
        "| --- | --- | --- | ---: | --- |",
    ]
    for target in TARGETS:
        m = measured.get((target.corpus, target.measure))
        value = getattr(m, target.figure) if m else None
        if value is None:
            continue
        met = "yes" if target.met(value) else "**no**"
        figure = shown[target.figure].format(value)
        lines.append(f"| {m.corpus} | {m.name} | {target.wording} | {figure} | {met} |")
    return "\n".join(lines) if len(lines) > 2 else "No target applies to these corpora."


SEARCH_FILES = ("search_index.json", "cases.json")
"""What a reader's search downloads (generator/site/listings.py)."""


def reader_side(label: str, site: Path) -> Measure:
    """Sizes a reader downloads: search index (the theme's and the cases' files), ranking
    page (gzip), largest case page."""
    index = sum((site / "search" / name).stat().st_size for name in SEARCH_FILES)
    ranking = len(gzip.compress((site / "ranking" / "index.html").read_bytes(), 6))
    case = max(p.stat().st_size for p in (site / "cases").glob("*/index.html"))
    return Measure(
        label,
        "reader side",
        0.0,
        0.0,
        1,
        note=(
            f"search index {index / 1e6:.2f} MB; ranking page {ranking / 1e3:.0f} KB gzipped; "
            f"largest case page {case / 1e3:.0f} KB"
        ),
    )


def table(results: list[Measure]) -> str:
    lines = [
        "| corpus | measure | median wall | peak memory | ratio to floor | note |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    for m in results:
        wall = "" if m.name == "reader side" else f"{m.seconds:.2f} s"
        peak = "" if m.name == "reader side" else f"{m.peak_mb:.0f} MB"
        ratio = f"{m.ratio:.2f} x {m.floor}" if m.ratio is not None else ""
        lines.append(f"| {m.corpus} | {m.name} | {wall} | {peak} | {ratio} | {m.note} |")
    return "\n".join(lines)


def report(results: list[Measure]) -> str:
    """The Markdown that README and results.md show: the table, then the targets."""
    return (
        f"Measured by `make bench` on {machine()}, as of {AS_OF.isoformat()}:\n\n"
        f"{table(results)}\n\nThe targets of issues 5 and 17 on these figures:\n\n"
        f"{verdicts(results)}"
    )


def machine() -> str:
    return (
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, {platform.machine()}"
    )


def update_readme(readme: Path, markdown: str) -> None:
    text = readme.read_text()
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        tail = rest.split(end, 1)[1]
        readme.write_text(f"{head}{start}\n{markdown}\n{end}{tail}")


def extra_sizes(text: str) -> list[tuple[int, int]]:
    """`100000/2000,50000/1000` as (cases, brands) pairs; a malformed size is an error."""
    sizes = []
    for item in filter(None, (t.strip() for t in text.split(","))):
        match = re.fullmatch(r"(\d+)/(\d+)", item)
        if not match:
            raise SystemExit(f"{BENCH_SIZES}: expected CASES/BRANDS like 100000/2000, got {item!r}")
        sizes.append((int(match.group(1)), int(match.group(2))))
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument("--quick", action="store_true", help="1,000 cases only, one run")
    parser.add_argument("--smoke", action="store_true", help="50 cases, one run (tests)")
    parser.add_argument("--runs", type=int, default=None, help="runs per command (median)")
    parser.add_argument("--out", type=Path, default=REPO / "bench-results")
    parser.add_argument("--readme", type=Path, default=None, help="README to update")
    args = parser.parse_args(argv)
    plan = SMOKE if args.smoke else QUICK if args.quick else FULL
    runs = args.runs or (1 if args.quick or args.smoke else 5)
    results: list[Measure] = []
    with tempfile.TemporaryDirectory(prefix="unkept-bench-") as tmp:
        large = extra_sizes(os.environ.get(BENCH_SIZES, ""))
        for cases, brands in [*plan["check"], *(s for s in large if s not in plan["check"])]:
            build = (cases, brands) in plan["build"]
            print(f"measuring {cases:,} cases / {brands:,} brands ...", file=sys.stderr)
            results.extend(
                measure_corpus(
                    Path(tmp),
                    cases,
                    brands,
                    build=build,
                    runs=runs,
                    large=(cases, brands) in large and not build,
                )
            )
    args.out.mkdir(parents=True, exist_ok=True)
    markdown = report(results)
    (args.out / "results.md").write_text(markdown + "\n")
    (args.out / "results.json").write_text(
        json.dumps(
            {
                "machine": machine(),
                "as_of": AS_OF.isoformat(),
                "results": [asdict(m) for m in results],
            },
            indent=1,
        )
        + "\n"
    )
    if args.readme:
        update_readme(args.readme, markdown)
    print(markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
