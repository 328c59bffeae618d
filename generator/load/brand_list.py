"""The brands a tracker has, with the names people know them by, to match what they write."""

from __future__ import annotations

from pathlib import Path

from generator.load.discover import BRAND_FILE, RESERVED_BRANDS, SLUG
from generator.load.loader import load_brand
from generator.model.brand_names import BrandName


def brand_names(cases_dir: Path, root: Path) -> list[BrandName]:
    """Every brand folder under `cases_dir`, with its name and aliases from brand.yml (read
    by the strict loader; a folder whose brand.yml is broken is known by its slug)."""
    out = []
    for folder in sorted(p for p in cases_dir.iterdir() if p.is_dir() and not p.is_symlink()):
        if not SLUG.fullmatch(folder.name):
            continue
        brand = None
        if (folder / BRAND_FILE).is_file():
            brand, _ = load_brand(folder.name, folder, root)
        if brand is None:
            out.append(BrandName(folder.name, folder.name))
        else:
            out.append(BrandName(folder.name, brand.name, tuple(brand.aliases)))
    return out


def is_free_slug(slug: str) -> bool:
    """Whether a new brand folder may take this name."""
    return bool(SLUG.fullmatch(slug)) and slug not in RESERVED_BRANDS
