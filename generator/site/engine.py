"""What the generator asks of MkDocs: its configuration, the navigation, and a build dated
by the as-of day. Kept in one module so that moving to another engine touches one file."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jinja2
import mkdocs
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException
from mkdocs.plugins import BasePlugin
from mkdocs.utils.yaml import yaml_load

from generator.errors import BuildFailed, SettingsError
from generator.i18n import Language
from generator.site.plan import TAGLINE
from generator.site.templates import compiled_templates


def configure(
    root: Path, config_file: str, *, docs: Path, site: Path, name: str, site_url: str
) -> MkDocsConfig:
    """MkDocs' configuration from `config_file`, building `docs` into `site`, strictly, for
    the tracker `name` at `site_url` (from unkept.toml)."""
    try:
        config = load_config(
            str(root / config_file),
            docs_dir=str(docs),
            site_dir=str(site),
            strict=True,
            site_name=name,
            site_url=site_url or None,
        )
        with open(root / config_file, "rb") as fd:  # as written: load_config merged the rest in
            written = yaml_load(fd)
    except MkDocsException as exc:
        raise BuildFailed(f"{config_file}: {exc}") from exc
    refuse_moved_settings(written, config_file)
    theme = config.theme
    # `mkdocs` is properdocs when that engine was chosen: its name and version tell.
    cache = compiled_templates(
        "theme", mkdocs.__name__, mkdocs.__version__, str(theme.name), str(theme.locale)
    )
    if cache is not None:
        config.plugins["unkept-compiled-templates"] = CompiledTheme(cache)
    return config


class CompiledTheme(BasePlugin):
    """Gives the theme's template environment the compiled templates cache (MkDocs' `env`
    event), so a build loads the theme's templates compiled instead of compiling them."""

    def __init__(self, cache: jinja2.BytecodeCache) -> None:
        self.cache = cache

    def on_env(self, env: jinja2.Environment, /, *, config: Any, files: Any) -> jinja2.Environment:
        env.bytecode_cache = self.cache
        return env


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


def nav(lang: Language) -> list[dict[str, str]]:
    """The few top-level pages, titled in the site's language."""
    return [
        {lang.gettext("Home"): "index.md"},
        {lang.gettext("Ranking"): "ranking/index.md"},
        {lang.gettext("Deadlines"): "deadlines.md"},
        {lang.gettext("Methodology"): "methodology.md"},
        {lang.gettext("Contribute"): "contribute.md"},
        {lang.gettext("For brands"): "for-brands.md"},
        {lang.gettext("Corrections"): "corrections.md"},
    ]


def theme_strings(lang: Language) -> dict[str, str]:
    """What the theme's overrides (main.html, 404.html) print, in the site's language."""
    return {
        "as_of": lang.gettext("As of"),
        "commit": lang.gettext("data commit"),
        "footer_data": lang.gettext("Data:"),
        "footer_reproduce": lang.gettext("Reproduce, in a clone of the repository:"),
        "footer_unreproducible": lang.gettext(
            "Built from changes not yet committed: no commit reproduces this page."
        ),
        "feeds": lang.gettext("Atom feed"),
        "licence": lang.gettext("Data under CC BY 4.0"),
        "not_found_title": lang.gettext("Page not found"),
        "not_found_text": lang.gettext(
            "Nothing is published at this address. It may have been mistyped, or the page "
            "may have moved."
        ),
        "not_found_case": lang.gettext("The address names the case:"),
        "not_found_search": lang.gettext("Search the site"),
        "ranking": lang.gettext("Ranking"),
        "deadlines": lang.gettext("Deadlines"),
        "home": lang.gettext("Home"),
    }


def localise(config: MkDocsConfig, lang: Language) -> None:
    """Put the site in `lang`: its description, the theme's own interface, and the names
    of the light/dark toggles (mkdocs.yml holds English)."""
    config["site_description"] = lang.gettext(TAGLINE)
    config.theme["language"] = lang.catalogue.replace("_", "-")
    palette = config.theme.get("palette")
    if not isinstance(palette, list):
        return
    for option in palette:
        toggle = option.get("toggle") if isinstance(option, dict) else None
        if isinstance(toggle, dict):
            scheme = option.get("scheme", "default")
            toggle["name"] = (
                lang.gettext("Light mode") if scheme == "slate" else lang.gettext("Dark mode")
            )


UNKEPT_TOML_KEYS = {"site_name": "name", "site_url": "site_url", "site_description": "name"}
"""Settings of mkdocs.yml that unkept.toml holds instead (a fork edits one file)."""


def refuse_moved_settings(written: Mapping[str, Any], config_file: str) -> None:
    """A setting unkept.toml now holds, still in mkdocs.yml (`written`), is an error rather
    than a value silently ignored."""
    moved = [key for key in UNKEPT_TOML_KEYS if key in written]
    theme = written.get("theme")
    if isinstance(theme, dict) and "language" in theme:
        moved.append("theme.language")
    if moved:
        where = {"theme.language": "language", **UNKEPT_TOML_KEYS}
        raise SettingsError(
            f"{config_file}: {', '.join(moved)}: set in unkept.toml instead ("
            + ", ".join(f"{where[m]} = ..." for m in moved)
            + "); mkdocs.yml holds the theme only"
        )
