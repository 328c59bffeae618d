"""`make lighthouse`: Lighthouse on the 10,000-case demo site, with Debian's Chromium.

Builds the synthetic 10,000-case site, serves it on 127.0.0.1 with gzip (as a static host
does) and audits the home, ranking, one brand and one case page with Lighthouse's default
(mobile, simulated slow 4G) settings, three times each: a page's score is the median of its
runs, as Lighthouse advises (one run of the same page varies by several points). Fails
unless performance is at least 95 and accessibility 100.
Usage: python -m bench.lighthouse LIGHTHOUSE_BIN [--site DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.corpus import AS_OF
from bench.run import BIN, unkept_project
from tests.browser import CHROMIUM_FLAGS, chromium_path, serve

PAGES = {
    "home": "",
    "ranking": "ranking/",
    "brand": "brands/synth-brand-00007/",
    "case": "cases/synth-case-000007/",
}
MINIMUM = {"performance": 0.95, "accessibility": 1.0}
RUNS = 3


def audit(lighthouse: str, url: str, out: Path) -> dict[str, float]:
    flags = " ".join(["--headless=new", *CHROMIUM_FLAGS])
    subprocess.run(
        [
            lighthouse,
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            "--only-categories=performance,accessibility",
            f"--chrome-flags={flags}",
        ],
        check=True,
        env={"CHROME_PATH": chromium_path(), "PATH": "/usr/bin:/bin"},
        timeout=600,
    )
    report = json.loads(out.read_text())
    return {k: report["categories"][k]["score"] for k in MINIMUM}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.lighthouse")
    parser.add_argument("lighthouse", help="the lighthouse command (from npm)")
    parser.add_argument("--site", type=Path, help="an already built site (default: build it)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="unkept-lighthouse-") as tmp:
        site = args.site
        if site is None:
            project = unkept_project(Path(tmp) / "demo", 10_000, 200)
            subprocess.run(
                [str(BIN / "unkept"), "build", "--as-of", AS_OF.isoformat()],
                cwd=project,
                check=True,
            )
            site = project / "site"
        failed = []
        with serve(site) as url:
            for name, path in PAGES.items():
                runs = [
                    audit(args.lighthouse, url + path, Path(tmp) / f"{name}-{i}.json")
                    for i in range(RUNS)
                ]
                scores = {k: statistics.median(run[k] for run in runs) for k in MINIMUM}
                line = ", ".join(
                    f"{k} {v * 100:.0f} (runs: {' '.join(f'{r[k] * 100:.0f}' for r in runs)})"
                    for k, v in scores.items()
                )
                print(f"{name:8s} {line}")
                failed += [
                    f"{name}: {k} {v * 100:.0f} < {MINIMUM[k] * 100:.0f}"
                    for k, v in scores.items()
                    if v < MINIMUM[k]
                ]
    for failure in failed:
        print(f"lighthouse: {failure}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
