"""Which site engine builds the documents and the shells: MkDocs 1.6, or properdocs, its
maintained drop-in fork. Chosen by `engine` in unkept.toml, before any engine is imported.

properdocs answers to MkDocs' module names once its `replacement` module is loaded, so the
rest of the generator (and the Material theme) imports `mkdocs.*` either way; the choice
must therefore be made before the first such import in the process.
"""

from __future__ import annotations

import importlib
import sys

from generator.errors import SettingsError
from generator.load.settings import SITE_ENGINES as ENGINES


def activate(engine: str, where: str) -> None:
    """Make `mkdocs.*` imports load `engine` (one of ENGINES: the settings checked it). An
    engine that is not installed, or a switch after the other one was loaded, is a settings
    error that says what to do; `where` is the setting's place (`unkept.toml:17:1: ...`)."""
    loaded = sys.modules.get("mkdocs")
    if engine == "mkdocs":
        if loaded is not None and loaded.__name__ == "properdocs":
            raise SettingsError(f"{where}: MkDocs asked for after properdocs in one process")
        return
    if loaded is not None and loaded.__name__ != "properdocs":
        raise SettingsError(f"{where}: properdocs asked for after MkDocs in one process")
    try:
        importlib.import_module("properdocs.replacement")
    except ImportError:
        raise SettingsError(
            f"{where}: properdocs is not installed; run `make install` (or `pip install "
            'properdocs`), or set engine = "mkdocs"'
        ) from None


def active() -> str:
    """The name of the engine that `mkdocs.*` imports load in this process: `MkDocs`."""
    loaded = sys.modules.get("mkdocs")
    return ENGINES[
        "properdocs" if loaded is not None and loaded.__name__ == "properdocs" else "mkdocs"
    ]
