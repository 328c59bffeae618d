"""Languages: the translation catalogues (gettext, read with Babel), the locale's formats
of dates, numbers and money (Babel), and its typography. Shared by every stage that writes
what a reader sees; it imports none of them."""

from generator.i18n.language import N_, Language, LanguageError, N_plural, available_languages

__all__ = ["N_", "Language", "LanguageError", "N_plural", "available_languages"]
