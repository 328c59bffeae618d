"""Helpers to build a real site from a copy of the project, for the site and browser tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import AS_OF, REPO

PROJECT_FILES = ("mkdocs.yml", "unkept.toml", "site_templates", "cases")

HOSTILE_BRAND = """\
name: "<img src=x onerror=alert(1)> Evil & Co"
aliases: ["</script><script>alert(2)</script>"]
country: FR
demo: true
"""

HOSTILE_CASE = """\
title: "<script>alert('title')</script> & <b>bold</b>"
country: FR
categories: [contact]
opened_on: 2026-10-01
status: open
last_confirmed: 2026-11-01
submitted_by: demo-hostile
summary: |
  <img src=x onerror="alert('summary')"> *not emphasis* [a link](javascript:alert(1))

  <iframe src="https://evil.example"></iframe> {{ jinja }} {% raw %} --8<-- "secrets.txt"
promises:
  - kind: callback
    made_on: 2026-10-01
    quote: "<svg onload=alert('quote')></svg>"
    due: 2026-10-03
    note: "<a href='javascript:alert(3)'>click</a>"
timeline:
  - date: 2026-10-02
    text: "</div></div><script>alert('timeline')</script>"
brand_reply:
  - date: 2026-10-05
    text: "<style>body{display:none}</style> reply"
sources:
  - url: https://forum.example/t/1?q=<script>
    title: "<script>alert('source')</script>"
"""


def make_project(target: Path, *, hostile: bool = True, language: str | None = None) -> Path:
    """Copy the project's site inputs to `target` as a git repository with one commit."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy(source, target / name)
    if hostile:
        (target / "cases" / "zz-hostile").mkdir()
        (target / "cases" / "zz-hostile" / "brand.yml").write_text(HOSTILE_BRAND)
        (target / "cases" / "zz-hostile" / "zz-hostile-case.yml").write_text(HOSTILE_CASE)
    if language:
        config = target / "mkdocs.yml"
        config.write_text(config.read_text().replace("language: en", f"language: {language}"))
    git = ["git", "-C", str(target), "-c", "user.name=t", "-c", "user.email=t@t.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "data"], check=True)
    return target


def build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `unkept build` in `root` as a user would."""
    from tests.test_cli import UNKEPT

    return subprocess.run(
        [UNKEPT, "build", "--as-of", AS_OF, *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
