"""What the generator asks of MkDocs: its configuration, the navigation, and a build dated
by the as-of day. Kept in one module so that moving to another engine touches one file."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException

from generator.errors import BuildFailed


def configure(root: Path, config_file: str, *, docs: Path, site: Path) -> MkDocsConfig:
    """MkDocs' configuration from `config_file`, building `docs` into `site`, strictly."""
    try:
        return load_config(
            str(root / config_file), docs_dir=str(docs), site_dir=str(site), strict=True
        )
    except MkDocsException as exc:
        raise BuildFailed(f"{config_file}: {exc}") from exc


def build(config: MkDocsConfig, as_of: dt.date) -> None:
    """The real `mkdocs build`, dated by the as-of day."""
    with source_date(as_of):
        mkdocs_build(config)


@contextlib.contextmanager
def source_date(day: dt.date) -> Iterator[None]:
    """Make MkDocs date its output (sitemap, gzip headers) by the as-of day, not the clock."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(
        int(dt.datetime.combine(day, dt.time(), dt.UTC).timestamp())
    )
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def nav(t: dict[str, Any]) -> list[dict[str, str]]:
    """The few top-level pages, titled in the site's language."""
    return [
        {t["home"]: "index.md"},
        {t["ranking"]: "ranking/index.md"},
        {t["deadlines"]: "deadlines.md"},
        {t["methodology"]: "methodology.md"},
        {t["contribute"]: "contribute.md"},
        {t["for_brands"]: "for-brands.md"},
        {t["corrections"]: "corrections.md"},
    ]


def localise_palette(config: MkDocsConfig, t: dict[str, Any]) -> None:
    """Name the light/dark toggles in the site's language (mkdocs.yml holds English)."""
    palette = config.theme.get("palette")
    if not isinstance(palette, list):
        return
    for option in palette:
        toggle = option.get("toggle") if isinstance(option, dict) else None
        if isinstance(toggle, dict):
            scheme = option.get("scheme", "default")
            toggle["name"] = t["palette_to_light"] if scheme == "slate" else t["palette_to_dark"]
