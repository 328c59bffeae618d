"""Render pages and files from the Jinja2 templates in `site_templates/`.

Autoescaping is on for every template: contributor text is HTML-escaped wherever it lands,
and it is only ever placed inside raw HTML blocks, which Python-Markdown passes through
untouched, so no contributor text is ever interpreted as Markdown.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import weakref
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import jinja2.ext
from jinja2.lexer import TOKEN_LPAREN, TOKEN_NAME, TOKEN_PIPE, TOKEN_RPAREN, TOKEN_STRING, Token
from jinja2.runtime import Context
from jinja2.utils import pass_context
from markupsafe import Markup, escape

from generator.i18n import Language
from generator.i18n.words import translated
from generator.load.cache import generator_key

TEMPLATES_DIR = "site_templates"
_CHOSEN: weakref.WeakKeyDictionary[jinja2.Environment, dict[tuple[str, str], jinja2.Template]] = (
    weakref.WeakKeyDictionary()
)
"""The page template chosen for each (name, language), per environment."""


def paragraphs(text: str | None) -> list[str]:
    """Plain text split into paragraphs at blank lines, each folded onto one line."""
    if not text:
        return []
    blocks = [" ".join(block.split()) for block in text.replace("\r\n", "\n").split("\n\n")]
    return [b for b in blocks if b]


def environment(templates: Path, language: Language) -> jinja2.Environment:
    """The Jinja2 environment for pages and files in `language`, autoescaped everywhere.

    Messages go through Jinja's i18n extension (`_`, `ngettext`, `{% trans %}`), new style:
    a message is a format string whose values are escaped, and `ngettext` fills `%(num)s`
    with the count in the locale's digits."""
    env = FlatGlobals(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates do not change during a build: no stat per page
        extensions=["jinja2.ext.i18n", FixedMessages],
        # Compiled code holds the messages FixedMessages translated: cached per language.
        bytecode_cache=compiled_templates(
            "pages", generator_key(), language.code, language.catalogue, language.digest
        ),
    )
    install_language(env, language)
    env.filters["paragraphs"] = paragraphs
    env.filters["yaml_str"] = lambda s: Markup(json.dumps(str(s), ensure_ascii=True))
    return env


class FlatGlobals(jinja2.Environment):
    """An environment whose templates see its globals as one plain dict, copied when each
    template is loaded.

    Jinja chains a template's globals to the environment's (a ChainMap): every render
    copies them into its context through Python-level lookups, and every `{% import %}`
    compares their keys the same way, some 40 keys each time (an eighth of rendering a case
    page). The generator sets every global (`environment`, `render.prepare`) before it
    loads a template, as Jinja's documentation asks; a template loaded earlier would not
    see later ones.
    """

    def make_globals(self, d: MutableMapping[str, Any] | None) -> dict[str, Any]:
        return {**self.globals, **(d or {})}


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's cache of compiled templates, which a build must never fail on: a file it
    cannot read or write is a template compiled again."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def compiled_templates(*identity: str) -> CompiledTemplates | None:
    """The compiled templates cache for an environment that `identity` describes (what its
    compiled code depends on beyond the template's own text, which Jinja checks).

    Each build would otherwise compile every template it uses again: about 0.3 s for the
    site's own and 0.25 s for the theme's. The files lie in Jinja's folder for the user
    (in the temporary folder, private to the user, checked by Jinja), not in the project's
    `.unkept-cache`, which CI shares between runs: no compiled code travels with a cache.
    None where that folder cannot be had."""
    digest = hashlib.blake2b("\0".join(identity).encode(), digest_size=12).hexdigest()
    try:
        return CompiledTemplates(pattern=f"__unkept_{digest}_%s.cache")
    except (OSError, RuntimeError):  # RuntimeError: Jinja found the folder unsafe
        return None


class FixedMessages(jinja2.ext.Extension):
    """Messages without values (`_("Brand")`, `label(_("Brand"))`) translated once, when a
    template is compiled, instead of on every render: an environment speaks one language,
    and a case page prints some forty of them (a fifth of its rendering time).

    A message whose translation holds a `%` is left to `_` at render time, which formats it.
    """

    def filter_stream(self, stream: jinja2.lexer.TokenStream) -> list[Token]:
        fixed = getattr(self.environment, "unkept_fixed", None)
        tokens = list(stream)
        if fixed is None:
            return tokens
        out: list[Token] = []
        i = 0
        while i < len(tokens):
            folded = _fold(tokens, i, fixed)
            if folded is None:
                out.append(tokens[i])
                i += 1
                continue
            text, width = folded
            line = tokens[i].lineno  # a constant marked safe: the catalogue is trusted
            out += [Token(line, TOKEN_STRING, text), Token(line, TOKEN_PIPE, "|")]
            out.append(Token(line, TOKEN_NAME, "safe"))
            i += width
        return out


def _fold(tokens: list[Token], i: int, fixed: Any) -> tuple[str, int] | None:
    """The translated text of `_("...")` or `label(_("..."))` at `tokens[i]`, and how many
    tokens it replaces; None when there is no such call there."""

    def kinds(at: int, *wanted: tuple[str, str | None]) -> bool:
        if at + len(wanted) > len(tokens):
            return False
        return all(
            tokens[at + k].type == kind and (value is None or tokens[at + k].value == value)
            for k, (kind, value) in enumerate(wanted)
        )

    if i and tokens[i - 1].type == "dot":  # an attribute named like the function
        return None
    call = ((TOKEN_NAME, "_"), (TOKEN_LPAREN, None), (TOKEN_STRING, None), (TOKEN_RPAREN, None))
    if kinds(i, (TOKEN_NAME, "label"), (TOKEN_LPAREN, None), *call, (TOKEN_RPAREN, None)):
        text = fixed(tokens[i + 4].value, label=True)
        return (text, 7) if text is not None else None
    if kinds(i, *call):
        text = fixed(tokens[i + 2].value, label=False)
        return (text, 4) if text is not None else None
    return None


def install_language(env: jinja2.Environment, language: Language) -> None:
    """gettext callables, vocabularies and the locale's formats, for `language`."""

    def finish(context: Context, message: str, values: dict[str, Any]) -> str:
        if context.eval_ctx.autoescape:  # the catalogue is trusted as templates are
            if not values and "%" not in message:
                return Markup(message)
            # The values escaped, as Markup's own % does through a helper object per value
            # (a twentieth of rendering a case page); every placeholder is `%(name)s`.
            return Markup(message % {key: escape(value) for key, value in values.items()})
        return message % values

    @pass_context
    def gettext(context: Context, message: str, **values: Any) -> str:
        return finish(context, language.gettext(message), values)

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, n: int, **values: Any) -> str:
        values.setdefault("num", language.number(n))
        return finish(context, language.ngettext(singular, plural, n), values)

    @pass_context
    def pgettext(context: Context, where: str, message: str, **values: Any) -> str:
        return finish(context, language.pgettext(where, message), values)

    @pass_context
    def npgettext(
        context: Context, where: str, singular: str, plural: str, n: int, **values: Any
    ) -> str:
        values.setdefault("num", language.number(n))
        return finish(context, language.npgettext(where, singular, plural, n), values)

    def label_of(text: str) -> Markup:
        """`Brand:` as this language writes a label before its value (`Marque :`)."""
        return escape(language.gettext("%(label)s:")) % {"label": text}

    def fixed(message: str, *, label: bool) -> str | None:
        """`_(message)` (or `label(_(message))`) as rendered, when it needs no value."""
        text = language.gettext(message)
        if "%" in text:
            return None
        return str(label_of(Markup(text))) if label else text

    env.extend(unkept_fixed=fixed)
    env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks: one line per message
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    env.globals.update(
        _=gettext,
        gettext=gettext,
        ngettext=ngettext,
        pgettext=pgettext,
        npgettext=npgettext,
        words=translated(language.pgettext),
        lang_tag=language.tag,
        label=label_of,
        colon=label_of(""),
    )
    env.filters.update(
        date=language.date,
        moment=lambda m: language.moment(m.day, m.at),
        number=language.number,
        percent=language.percent,
        money=lambda m: language.money(m.amount, m.currency),
        delay=lambda d: language.delay(d.count, str(d.unit)),
        country=language.country,
        cell=lambda row, column: cell(language, row, column),
    )


def cell(language: Language, row: Any, column: Any) -> str:
    """A ranking cell as a reader reads it: counts and amounts in the locale's digits (the
    cell's `data-value` and the CSV keep the plain figure)."""
    if column.name == "refunds_overdue":
        return "; ".join(language.money(m.amount, m.currency) for m in row.refunds_overdue)
    value = column.value(row)
    if value is None:
        return ""
    if column.type in ("integer", "number"):
        return language.number(value)
    return str(value)


def template_for(env: jinja2.Environment, name: str, lang: str) -> jinja2.Template:
    """`pages/<name>` in the site's language (`methodology.fr.md.j2`), else the shared one;
    found once per build (a missing language-specific file is not looked for per page)."""
    chosen = _CHOSEN.setdefault(env, {})
    if (name, lang) not in chosen:
        stem, _, ext = name.partition(".")
        chosen[(name, lang)] = env.select_template([f"pages/{stem}.{lang}.{ext}", f"pages/{name}"])
    return chosen[(name, lang)]


def render_page(
    env: jinja2.Environment, template: str, lang: str, context: Mapping[str, Any]
) -> str:
    """The Markdown source of one page."""
    return template_for(env, template, lang).render(context)
