"""Render pages and files from the Jinja2 templates in `site_templates/`.

Autoescaping is on for every template: contributor text is HTML-escaped wherever it lands,
and it is only ever placed inside raw HTML blocks, which Python-Markdown passes through
untouched, so no contributor text is ever interpreted as Markdown.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markupsafe import Markup, escape

from generator.errors import TemplateError

TEMPLATES_DIR = "site_templates"


def load_strings(templates: Path, lang: str) -> dict[str, Any]:
    """The interface strings of `lang` (site_templates/i18n/<lang>.yml)."""
    path = templates / "i18n" / f"{lang}.yml"
    if not path.is_file():
        known = sorted(p.stem for p in (templates / "i18n").glob("*.yml"))
        raise TemplateError(
            f"mkdocs.yml: theme.language: expected one of {', '.join(known)} (the languages "
            f"of {TEMPLATES_DIR}/i18n/), got {lang!r}"
        )
    return yaml.safe_load(path.read_text("utf-8"))


def paragraphs(text: str | None) -> list[str]:
    """Plain text split into paragraphs at blank lines, each folded onto one line."""
    if not text:
        return []
    blocks = [" ".join(block.split()) for block in text.replace("\r\n", "\n").split("\n\n")]
    return [b for b in blocks if b]


def fmt(template: str, **values: Any) -> Markup:
    """`"{n} days late" | fmt(n=3)`, escaping the values but not the template string."""
    return escape(template).format(**values)


def environment(templates: Path) -> jinja2.Environment:
    """The Jinja2 environment for pages and files, with autoescape on everywhere."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates do not change during a build: no stat per page
    )
    env.filters["paragraphs"] = paragraphs
    env.filters["fmt"] = fmt
    env.filters["yaml_str"] = lambda s: Markup(json.dumps(str(s), ensure_ascii=True))
    return env


def template_for(env: jinja2.Environment, name: str, lang: str) -> jinja2.Template:
    """`pages/<name>` in the site's language (`methodology.fr.md.j2`), else the shared one."""
    stem, _, ext = name.partition(".")
    return env.select_template([f"pages/{stem}.{lang}.{ext}", f"pages/{name}"])


def render_page(
    env: jinja2.Environment, template: str, lang: str, context: Mapping[str, Any]
) -> str:
    """The Markdown source of one page."""
    return template_for(env, template, lang).render(context)
