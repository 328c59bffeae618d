"""Fixtures only; the helpers they use live in tests/support.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

from tests.support import (
    Project,
    Result,
    build,
    copy_project,
    make_project,
    new_project,
    run_cli,
    tree_digest,
)

# The first business-day look-up for a country builds its holiday calendar, which can take
# longer than hypothesis' default 200 ms deadline on a slow runner: time is not what the
# property tests check.
settings.register_profile("unkept", deadline=None, max_examples=200)
settings.load_profile("unkept")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """An empty project with one valid brand, `acme`, and the real case template."""
    return new_project(tmp_path)


@pytest.fixture
def run() -> Callable[..., Result]:
    """Run `unkept ARGS...` in-process; return its exit status and output."""
    return run_cli


@pytest.fixture(scope="session")
def site_root(tmp_path_factory) -> Path:
    """A copy of the project with the demo cases plus a hostile case, built once."""
    root = make_project(tmp_path_factory.mktemp("project"))
    result = build(root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.fixture(scope="session")
def site(site_root) -> Path:
    """The built site of `site_root`."""
    return site_root / "site"


@pytest.fixture(scope="session")
def demo_built(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The demo project (no hostile case), built once per session, and its site's digest."""
    root = make_project(tmp_path_factory.mktemp("demo") / "p", hostile=False)
    result = build(root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root, tree_digest(root / "site")


@pytest.fixture
def built_demo(demo_built, tmp_path) -> tuple[Path, dict[str, str]]:
    """A copy of the built demo project for one test to change, and its site's digest."""
    root, digest = demo_built
    return copy_project(root, tmp_path / "p"), digest
