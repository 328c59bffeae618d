"""One brand, one folder: match a brand as people write it to the brands a tracker has.

"Hexa Home Appliances SAS", "hexa-home" and "HEXA HOME" name one brand; "Hexa Hom" is a typo
of it. Names are compared once normalised (case, accents, punctuation and legal forms set
aside); a name that is only close to a brand is never taken for it, nor silently made a new
brand: the caller names the candidates and asks for a choice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

LEGAL_FORMS = frozenset(
    {
        "ag", "bv", "co", "corp", "corporation", "company", "eurl", "gmbh", "inc", "incorporated",
        "limited", "llc", "llp", "ltd", "nv", "plc", "sa", "sarl", "sas", "sasu", "se", "snc",
        "spa", "srl", "ug",
    }
)  # fmt: skip
"""Legal forms that follow a brand's name (SA, SAS, Ltd, GmbH, Inc, ...): not part of it."""

CLOSE = 85
"""Similarity (0-100, rapidfuzz's WRatio) from which a brand is a candidate for a name."""

MAX_CANDIDATES = 5


def normalise(name: str) -> str:
    """`Hexa Home Appliances S.A.S.` -> `hexa home appliances`: lower case, no accents, no
    punctuation, no legal form at the end."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"(?<=\b[A-Za-z])\.(?=[A-Za-z]\b)", "", ascii_text)  # S.A.S -> SAS
    words = re.sub(r"[^a-z0-9]+", " ", ascii_text.casefold()).split()
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    return " ".join(words)


def slug_for(name: str) -> str:
    """The folder name a new brand called `name` gets: `Maison Meubles SARL` -> `maison-meubles`."""
    return normalise(name).replace(" ", "-")[:60].strip("-")


@dataclass(frozen=True)
class BrandName:
    """A brand of the tracker and the names it is known by."""

    slug: str
    """Its folder under cases/."""
    name: str
    """Its display name (the slug when its brand.yml cannot be read)."""
    aliases: tuple[str, ...] = ()
    """Other names, from brand.yml."""

    def forms(self) -> set[str]:
        """Every normalised way of writing it."""
        return {normalise(n) for n in (self.slug.replace("-", " "), self.name, *self.aliases)}


@dataclass(frozen=True)
class Match:
    """What a written brand name matches."""

    brand: BrandName | None
    """The brand it names, once normalised; None when it names none."""
    candidates: tuple[BrandName, ...] = ()
    """Brands it is close to without naming them, closest first."""


def match_brand(written: str, brands: Iterable[BrandName]) -> Match:
    """The brand `written` names (by slug, name or alias, normalised), or the brands it is
    close to."""
    wanted = normalise(written)
    known = list(brands)
    for brand in known:
        if wanted and wanted in brand.forms():
            return Match(brand)
    choices = {(b.slug, form): form for b in known for form in b.forms()}
    scored = process.extract(
        wanted, choices, scorer=fuzz.WRatio, processor=utils.default_process, limit=None
    )
    close: dict[str, tuple[float, BrandName]] = {}
    by_slug = {b.slug: b for b in known}
    for _, score, (slug, _) in scored:
        if score >= CLOSE and score > close.get(slug, (0, None))[0]:
            close[slug] = (score, by_slug[slug])
    ranked = sorted(close.values(), key=lambda pair: (-pair[0], pair[1].slug))
    return Match(None, tuple(b for _, b in ranked[:MAX_CANDIDATES]))


def describe_candidates(candidates: Iterable[BrandName]) -> str:
    """`Hexa Home (hexa-home), Hexa Foods (hexa-foods)`."""
    return ", ".join(f"{b.name} ({b.slug})" for b in candidates)
