"""Shared test helpers: projects and case builders, the demo copy, running the CLI, git, and
tree digests. Tests import from here, never from one another."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import yaml
from click.testing import CliRunner

from generator.cli import unkept as unkept_group

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-24"
UNKEPT = Path(sys.executable).with_name("unkept")
"""The installed console script, run as a user would."""

VALID_CASE = """\
title: Callback promised, never made
country: FR
categories: [contact]
opened_on: 2026-10-01
status: open
last_confirmed: 2026-11-01
submitted_by: demo-tester
promises:
  - kind: callback
    made_on: 2026-10-01
    due: 2026-10-03
"""

ACME_BRAND = """\
name: Acme
country: FR
website: https://acme.example
maintainers:
  - login: acme-care
    proof: https://acme.example/about/unkept
"""
"""The brand of test projects: one maintainer, proven on the brand's website."""

PROJECT_FILES = ("mkdocs.yml", "unkept.toml", "site_templates", "cases")
"""What a site build reads from the repository."""

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


@dataclass
class Result:
    """What one run of the command printed, and its exit status."""

    code: int
    out: str
    err: str


@dataclass
class Project:
    """A project root with `cases/acme/brand.yml`, where tests write files and run unkept."""

    root: Path

    @property
    def cases(self) -> Path:
        return self.root / "cases"

    def write(self, relative: str, text: str | bytes) -> Path:
        """Write a file under the project root (dedented when text)."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def case(self, text: str, name: str = "acme/acme-case.yml") -> Path:
        """Write a case file under cases/."""
        return self.write(f"cases/{name}", text)


def new_project(root: Path) -> Project:
    """An empty project with one valid brand, `acme`, and the real case template."""
    project = Project(root)
    project.write("cases/acme/brand.yml", ACME_BRAND)
    shutil.copy(REPO / "cases" / "_template.yml", project.cases / "_template.yml")
    project.write(ISSUE_FORM, (REPO / ISSUE_FORM).read_text())
    return project


ISSUE_FORM = ".github/ISSUE_TEMPLATE/new-case.yml"


def render_issue(answers: dict[str, str | list[str] | bool], form: Path = REPO / ISSUE_FORM) -> str:
    """An issue's body as GitHub writes it from the answers to the form at `form`, by
    question id: `### label`, a blank line, the answer (`_No response_` when empty); the
    options of a multiple dropdown joined by ", "; checkboxes as `- [X] label`."""
    parts = []
    for item in yaml.safe_load(form.read_text())["body"]:
        if item["type"] == "markdown":
            continue
        answer = answers.get(item["id"], "")
        if item["type"] == "checkboxes":
            text = "\n".join(
                f"- [{'X' if answer else ' '}] {option['label']}"
                for option in item["attributes"]["options"]
            )
        elif isinstance(answer, list):
            text = ", ".join(answer) or "_No response_"
        else:
            text = str(answer) or "_No response_"
        parts.append(f"### {item['attributes']['label']}\n\n{text}\n")
    return "\n".join(parts)


def run_cli(*args: str | Path) -> Result:
    """Run `unkept ARGS...` in-process with click's runner; its exit status and output."""
    result = CliRunner().invoke(unkept_group, [str(a) for a in args], catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


def unkept(*args: str | Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """Run the installed `unkept` script as a user would."""
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_REPOSITORY"}  # as on a laptop
    return subprocess.run(
        [UNKEPT, *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )


def git(root: Path, *args: str) -> str:
    """Run git in `root` as a fixed test user; its output."""
    return subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t.invalid", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


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
        set_setting(target, "language", language)
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-qm", "data")
    return target


def set_setting(root: Path, key: str, value: str | int) -> None:
    """Set `key = value` in the [unkept] table of the project's unkept.toml."""
    path = root / "unkept.toml"
    lines = path.read_text().splitlines()
    lines = [line for line in lines if not line.startswith(f"{key} =")]
    lines.insert(lines.index("[unkept]") + 1, f"{key} = {json.dumps(value)}")
    path.write_text("\n".join(lines) + "\n")


def build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `unkept build` in `root` as a user would."""
    return unkept("build", "--as-of", AS_OF, *args, cwd=root)


def copy_project(source: Path, target: Path) -> Path:
    """A copy of a built project (its git repository, caches and site included)."""
    shutil.copytree(source, target, symlinks=True)
    return target


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under `folder` by relative path, with the SHA-256 of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
