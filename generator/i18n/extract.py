"""`make messages`: extract every message of the templates and the generator into the
catalogue template (`site_templates/locale/unkept.pot`), and bring each language's catalogue
up to date with it; `--check` only reports what is missing, untranslated, fuzzy or
inconsistent (the test suite runs it), in the words a translator needs.

Extraction is Babel's: its Python extractor for the generator, Jinja's for the templates,
plus the closed vocabularies of the case format (`words.py`), each word in its context.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po, write_po

from generator.i18n.language import DOMAIN, LOCALE_DIR
from generator.i18n.words import VOCABULARIES

KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "text": None,  # Language.text(message, **values)
    "plural": (1, 2),  # Language.plural(singular, plural, n, **values)
    "N_plural": (1, 2),
}
"""The functions whose string arguments are messages, in the generator's Python."""
SOURCES = (
    ("generator", "**/*.py", "python"),
    ("site_templates/pages", "*.j2", "jinja2.ext:babel_extract"),
    ("site_templates/files", "*.j2", "jinja2.ext:babel_extract"),
)
CREATED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
"""A fixed header date: the same sources give the same catalogue template, byte for byte."""

MessageKey = tuple[str | tuple[str, ...], str | None]


def extract(root: Path) -> Catalog:
    """Every message of the project, with where it is used."""
    catalog = Catalog(
        domain=DOMAIN,
        header_comment=(
            "# The messages of an Unkept tracker's site, in English: the template of every\n"
            "# language's catalogue. Written by `make messages`; do not edit by hand."
        ),
        project="Unkept",
        msgid_bugs_address="",
        creation_date=CREATED,
        revision_date=CREATED,
        fuzzy=False,
    )
    for folder, pattern, method in SOURCES:
        for path in sorted((root / folder).glob(pattern)):
            relative = path.relative_to(root).as_posix()
            options = {
                "extensions": "jinja2.ext.i18n",
                "newstyle_gettext": "true",
                "trimmed": "true",
            }
            for lineno, message, comments, context in extract_from_file(
                method, str(path), keywords=KEYWORDS, options=options
            ):
                catalog.add(
                    message, locations=[(relative, lineno)], auto_comments=comments, context=context
                )
    for vocabulary, words in VOCABULARIES.items():
        for code, word in words.items():
            catalog.add(
                word,
                locations=[("generator/i18n/words.py", 0)],
                auto_comments=[f"The case format's {vocabulary} {code!r}."],
                context=vocabulary,
            )
    return catalog


MARKUP = ("<", ">", "&", '"')
"""Characters a translation may hold only where its message does: translations are printed
unescaped, like the templates, so a new tag or quote would change the page's markup."""


def _text(message: str | tuple[str, ...]) -> str:
    return "".join(message) if isinstance(message, tuple) else message


def _keys(catalog: Catalog) -> set[MessageKey]:
    return {(m.id, m.context) for m in catalog if m.id}


def _show(key: MessageKey) -> str:
    message, context = key
    text = message[0] if isinstance(message, tuple) else message
    return f"[{context}] {text!r}" if context else repr(text)


def problems(root: Path) -> Iterator[str]:
    """What keeps the catalogues from matching the sources, one line each."""
    templates = root / "site_templates"
    source = extract(root)
    pot_path = templates / LOCALE_DIR / f"{DOMAIN}.pot"
    if not pot_path.is_file():
        yield f"{pot_path.relative_to(root)}: missing; run make messages"
        return
    with pot_path.open("rb") as fp:
        pot = read_po(fp)
    for key in sorted(_keys(source) - _keys(pot), key=str):
        yield f"{pot_path.relative_to(root)}: lacks {_show(key)}; run make messages"
    for key in sorted(_keys(pot) - _keys(source), key=str):
        yield f"{pot_path.relative_to(root)}: {_show(key)} is used nowhere; run make messages"
    for po_path in sorted(templates.glob(f"{LOCALE_DIR}/*/LC_MESSAGES/{DOMAIN}.po")):
        where = po_path.relative_to(root)
        with po_path.open("rb") as fp:
            po = read_po(fp)
        for key in sorted(_keys(source) - _keys(po), key=str):
            yield f"{where}: lacks {_show(key)}; run make messages, then translate it"
        for message in po:
            if not message.id or (message.id, message.context) not in _keys(source):
                continue
            key = (message.id, message.context)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings):
                yield f"{where}:{message.lineno}: {_show(key)} is not translated"
            elif message.fuzzy:
                yield (
                    f"{where}:{message.lineno}: {_show(key)} is marked fuzzy: check it, then "
                    "remove the fuzzy flag"
                )
            for mark in MARKUP:
                if mark not in _text(message.id) and mark in "".join(strings):
                    yield (
                        f"{where}:{message.lineno}: {_show(key)}: the translation has {mark!r}, "
                        "which the message has not (translations are printed as written)"
                    )
            for error in message.check(po):
                yield f"{where}:{message.lineno}: {_show(key)}: {error}"


def update(root: Path) -> list[Path]:
    """Write the catalogue template and bring every language's catalogue up to date with
    it (new messages untranslated, translations kept; none guessed)."""
    templates = root / "site_templates"
    source = extract(root)
    written = []
    pot_path = templates / LOCALE_DIR / f"{DOMAIN}.pot"
    pot_path.parent.mkdir(parents=True, exist_ok=True)
    _write(pot_path, source)
    written.append(pot_path)
    for po_path in sorted(templates.glob(f"{LOCALE_DIR}/*/LC_MESSAGES/{DOMAIN}.po")):
        with po_path.open("rb") as fp:
            po = read_po(fp, locale=po_path.parent.parent.name)
        po.update(source, no_fuzzy_matching=True, update_creation_date=False)
        _write(po_path, po)
        written.append(po_path)
    return written


def _write(path: Path, catalog: Catalog) -> None:
    out = io.BytesIO()
    write_po(out, catalog, width=100, sort_output=True, include_previous=False)
    path.write_bytes(out.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.i18n.extract", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report what is out of date")
    parser.add_argument("--root", type=Path, default=Path("."))
    args = parser.parse_args(argv)
    if args.check:
        found = list(problems(args.root))
        for line in found:
            print(line, file=sys.stderr)
        return 1 if found else 0
    for path in update(args.root):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
