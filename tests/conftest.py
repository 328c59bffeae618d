"""Shared fixtures: a throwaway project with a cases/ folder, and a way to run the CLI."""

from __future__ import annotations

import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from generator.cli import main

# The first business-day look-up for a country builds its holiday calendar, which can take
# longer than hypothesis' default 200 ms deadline on a slow runner: time is not what the
# property tests check.
settings.register_profile("unkept", deadline=None, max_examples=200)
settings.load_profile("unkept")

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-24"

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


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """An empty project with one valid brand, `acme`, and the real case template."""
    p = Project(tmp_path)
    p.write("cases/acme/brand.yml", "name: Acme\ncountry: FR\nmaintainers: [acme-care]\n")
    shutil.copy(REPO / "cases" / "_template.yml", p.cases / "_template.yml")
    return p


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):
    """Run `unkept ARGS...` in-process; return its exit status and output."""

    def runner(*args: str | Path) -> Result:
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return runner


@pytest.fixture(scope="session")
def site_root(tmp_path_factory) -> Path:
    """A copy of the project with the demo cases plus a hostile case, built once."""
    from tests.sitebuild import build, make_project

    root = make_project(tmp_path_factory.mktemp("project"))
    result = build(root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.fixture(scope="session")
def site(site_root) -> Path:
    """The built site of `site_root`."""
    return site_root / "site"
