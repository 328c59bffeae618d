"""A tracker's language: its gettext catalogue and its locale's formats.

The catalogues are the `.po` files under `site_templates/locale/<language>/LC_MESSAGES/`,
read with Babel at build time (no compiled `.mo` file to keep in step). Their message ids are
the English text, so English needs no catalogue. Every format a reader sees (prose dates,
numbers, percentages, money, plurals) goes through Babel's CLDR data for the locale; data
files stay locale-independent and never pass through here.
"""

from __future__ import annotations

import datetime as dt
import gettext
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import babel
import babel.dates
import babel.numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from generator.errors import SettingsError
from generator.i18n import typography
from generator.i18n.words import VOCABULARIES

SOURCE_LANGUAGE = "en"
"""The language of the message ids: it needs no catalogue."""
DOMAIN = "unkept"
LOCALE_DIR = "locale"
"""Under the templates folder: `locale/<language>/LC_MESSAGES/unkept.po`, and the template
of every catalogue, `locale/unkept.pot`."""


def N_(message: str) -> str:
    """Mark a message for the catalogue where it is defined; it is translated where shown."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with a plural form for the catalogue (translated by `plural`)."""
    return singular, plural


class LanguageError(SettingsError):
    """The configured language has no catalogue, or is not a locale Babel knows."""


def catalogue_path(templates: Path, language: str) -> Path:
    """Where the catalogue of `language` lives."""
    return templates / LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def available_languages(templates: Path) -> list[str]:
    """The languages a tracker can be built in: English, and every catalogue shipped."""
    found = {
        p.parent.parent.name for p in (templates / LOCALE_DIR).glob(f"*/LC_MESSAGES/{DOMAIN}.po")
    }
    return sorted(found | {SOURCE_LANGUAGE})


@cache
def _read_catalogue(path: Path, mtime_ns: int) -> tuple[gettext.GNUTranslations, str]:
    """The catalogue at `path` as gettext translations (fuzzy entries left out), and a
    digest of its text; cached per file version."""
    raw = path.read_bytes()
    try:
        catalog = read_po(io.BytesIO(raw), domain=DOMAIN)
    except Exception as exc:  # Babel raises its own errors and ValueErrors on bad files
        where = path.relative_to(path.parents[4]).as_posix()  # site_templates/locale/...
        raise LanguageError(f"{where}: not a readable gettext catalogue: {exc}") from exc
    mo = io.BytesIO()
    write_mo(mo, catalog, use_fuzzy=False)
    mo.seek(0)
    return gettext.GNUTranslations(mo), hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True)
class Language:
    """Translations and formats of one locale (`en`, `en_GB`, `fr`, `fr_BE`)."""

    code: str
    """The locale as configured; its formats are CLDR's for it."""
    catalogue: str
    """The catalogue used: `fr` for `fr_BE` unless `fr_BE` has its own."""
    translations: gettext.NullTranslations = field(repr=False, compare=False)
    digest: str = ""
    """Of the catalogue's text: pages rendered with another version are rendered again."""
    memo: dict = field(default_factory=dict, repr=False, compare=False)
    """Messages and formats already made: a build asks for the same few thousand again and
    again (Babel takes ~25 µs a date), so each is made once."""

    @classmethod
    def load(cls, templates: Path, code: str, *, where: str = "language") -> Language:
        """The language `code`, or a LanguageError that names `where` it was set, the
        languages available and how to add one."""
        available = available_languages(templates)
        try:
            locale = babel.Locale.parse(code.replace("-", "_"))
        except (ValueError, babel.UnknownLocaleError):
            locale = None
        if locale is not None:
            full = str(locale)
            for candidate in dict.fromkeys((full, locale.language)):
                path = catalogue_path(templates, candidate)
                if path.is_file():
                    translations, digest = _read_catalogue(path, path.stat().st_mtime_ns)
                    return cls(full, candidate, translations, digest)
            if locale.language == SOURCE_LANGUAGE:
                return cls(full, SOURCE_LANGUAGE, gettext.NullTranslations())
        raise LanguageError(
            f"{where}: no translation catalogue for {code!r}; the languages available are "
            f"{', '.join(available)}. To add one, copy "
            f"site_templates/{LOCALE_DIR}/{DOMAIN}.pot to "
            f"site_templates/{LOCALE_DIR}/<language>/LC_MESSAGES/{DOMAIN}.po, translate every "
            "entry (Poedit or any .po editor), then build: CONTRIBUTING.md, "
            '"Adding a language", has the steps'
        )

    @property
    def locale(self) -> babel.Locale:
        return _locale(self.code)

    @property
    def tag(self) -> str:
        """BCP 47 tag for `lang` attributes and the theme: `fr`, `en-GB`."""
        return self.code.replace("_", "-")

    @property
    def typeset(self) -> Callable[[str], str]:
        return typography.for_language(self.code)

    # -- messages ---------------------------------------------------------------------------
    def gettext(self, message: str) -> str:
        """`message` in this language, typeset."""
        key = ("g", message)
        if key not in self.memo:
            self.memo[key] = self.typeset(self.translations.gettext(message))
        return self.memo[key]

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form of the message for `n`, by this language's plural rule."""
        key = ("n", singular, plural, n)
        if key not in self.memo:
            self.memo[key] = self.typeset(self.translations.ngettext(singular, plural, n))
        return self.memo[key]

    def pgettext(self, context: str, message: str) -> str:
        """`message` in `context` (a word with several uses: "other" kind, "other" channel)."""
        key = ("p", context, message)
        if key not in self.memo:
            self.memo[key] = self.typeset(self.translations.pgettext(context, message))
        return self.memo[key]

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        """The form for `n` of a message in `context`."""
        return self.typeset(self.translations.npgettext(context, singular, plural, n))

    def word(self, vocabulary: str, code: str) -> str:
        """A word of the case format's vocabularies (`kind`, `refund`) in this language."""
        return self.pgettext(vocabulary, VOCABULARIES[vocabulary][code])

    def text(self, message: str, **values: Any) -> str:
        """`message` translated, then its `%(name)s` fields filled (plain text: feeds,
        calendars, badges, which escape on their own). As in the templates, a message is
        always a format string: a literal percent sign is written `%%`."""
        return self.gettext(message) % values

    def plural(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """The message for `n` with `%(num)s` filled by `n` in this locale's digits."""
        return self.ngettext(singular, plural, n) % {"num": self.number(n), **values}

    # -- formats ----------------------------------------------------------------------------
    def date(self, day: dt.date) -> str:
        """A day in prose: `28 novembre 2026`, `28 November 2026` (tables keep ISO)."""
        key = ("d", day)
        if key not in self.memo:
            self.memo[key] = babel.dates.format_date(day, "long", locale=self.locale)
        return self.memo[key]

    def datetime(self, moment: dt.datetime) -> str:
        """A moment in prose, at the time and offset it was written with."""
        day = self.date(moment.date())
        time = babel.dates.format_time(moment.timetz(), "short", locale=self.locale)
        offset = moment.strftime("%z")
        offset = "UTC" if offset == "+0000" else f"UTC{offset[:3]}:{offset[3:]}"
        return self.text("%(day)s at %(time)s (%(offset)s)", day=day, time=time, offset=offset)

    def moment(self, day: dt.date, at: dt.datetime | None) -> str:
        """A day, or a moment when its time is known, in prose."""
        return self.datetime(at) if at is not None else self.date(day)

    def delay(self, count: int, unit: str) -> str:
        """A deadline's delay (`7 days`, `5 business days`) in words and digits."""
        forms = DELAY_FORMS.get(unit)
        if forms is None:
            return f"{self.number(count)} {unit}"
        return self.plural(*forms, count)

    def country(self, code: str) -> str:
        """An ISO 3166 country code as the country's name in this language."""
        return self.locale.territories.get(code.upper(), code)

    def number(self, n: int | float | Decimal) -> str:
        """A count or measure: `1 234` in French, `1,234` in English."""
        key = ("#", type(n), n)
        if key not in self.memo:
            self.memo[key] = babel.numbers.format_decimal(n, locale=self.locale)
        return self.memo[key]

    def percent(self, value: float | Decimal) -> str:
        """A percentage given in percent (`60.0`): `60 %`, `66,7 %`."""
        key = ("%", type(value), value)
        if key not in self.memo:
            self.memo[key] = babel.numbers.format_percent(
                Decimal(str(value)) / 100, locale=self.locale, decimal_quantization=False
            )
        return self.memo[key]

    def money(self, amount: Decimal, currency: str) -> str:
        """An amount in the locale's way: `412,60 €`, `€412.60`."""
        key = ("¤", amount, currency)
        if key not in self.memo:
            self.memo[key] = babel.numbers.format_currency(amount, currency, locale=self.locale)
        return self.memo[key]


DELAY_FORMS: dict[str, tuple[str, str]] = {
    "hours": N_plural("%(num)s hour", "%(num)s hours"),
    "days": N_plural("%(num)s day", "%(num)s days"),
    "weeks": N_plural("%(num)s week", "%(num)s weeks"),
    "business days": N_plural("%(num)s business day", "%(num)s business days"),
}
"""The units of a delay (the case format's words), singular and plural."""


@cache
def _locale(code: str) -> babel.Locale:
    return babel.Locale.parse(code)
