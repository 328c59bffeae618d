"""Project settings from `unkept.toml`: the few choices a fork of Unkept makes differently."""

from __future__ import annotations

import datetime as dt
import tomllib
import zoneinfo
from dataclasses import dataclass, fields
from pathlib import Path

from .engine import DEFAULT_STALE_DAYS

SETTINGS_FILE = "unkept.toml"


class SettingsError(Exception):
    """unkept.toml is unreadable or holds a value of the wrong kind."""


@dataclass(frozen=True)
class Settings:
    """Settings of one Unkept tracker."""

    timezone: str = "Europe/Paris"
    """IANA time zone whose calendar day is "today" when no --as-of is given."""
    stale_days: int = DEFAULT_STALE_DAYS
    """An open case not confirmed for more than this many days is flagged stale."""
    cases_dir: str = "cases"
    """Folder of the cases, relative to the project root."""
    maintainers: tuple[str, ...] = ()
    """GitHub names of the tracker's maintainers, who may change anything in a pull request."""
    repository: str = ""
    """owner/name on GitHub (GITHUB_REPOSITORY overrides it in workflows)."""
    github_api: str = "https://api.github.com"
    """GitHub's REST API; tests point it at a local server."""
    wayback_availability: str = "https://archive.org/wayback/available"
    """The Wayback Machine's availability API."""
    wayback_save: str = "https://web.archive.org/save/"
    """The Wayback Machine's save endpoint."""
    wayback_web: str = "https://web.archive.org/web/"
    """Where snapshots are read."""
    http_timeout: float = 20.0
    """Seconds allowed to connect to a service and for each of its answers."""
    http_backoff: float = 1.0
    """First delay before retrying a failed request, in seconds; doubled at each retry."""

    def today(self) -> dt.date:
        """Today's date in the tracker's time zone."""
        return dt.datetime.now(zoneinfo.ZoneInfo(self.timezone)).date()


def load_settings(root: Path) -> Settings:
    """Read `unkept.toml` at `root` (every setting is optional)."""
    path = root / SETTINGS_FILE
    if not path.is_file():
        return Settings()
    try:
        table = tomllib.loads(path.read_text("utf-8")).get("unkept", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{SETTINGS_FILE}: expected valid TOML: {exc}") from exc
    known = {f.name: f for f in fields(Settings)}
    for key, value in table.items():
        if key not in known:
            raise SettingsError(
                f"{SETTINGS_FILE}: [unkept].{key}: unknown setting; expected one "
                f"of {', '.join(sorted(known))}"
            )
        kind = type(getattr(Settings(), key))
        if kind is tuple:
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise SettingsError(
                    f"{SETTINGS_FILE}: [unkept].{key}: expected a list of names, got {value!r}"
                )
        elif kind is float and type(value) in (int, float) and value >= 0:
            table[key] = float(value)
        elif type(value) is not kind:
            raise SettingsError(
                f"{SETTINGS_FILE}: [unkept].{key}: expected {kind.__name__}, got {value!r}"
            )
    table = {k: tuple(v) if isinstance(v, list) else v for k, v in table.items()}
    settings = Settings(**table)
    try:
        zoneinfo.ZoneInfo(settings.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(
            f"{SETTINGS_FILE}: [unkept].timezone: expected an IANA time zone "
            f"like Europe/Paris, got {settings.timezone!r}"
        ) from exc
    if settings.stale_days < 1:
        raise SettingsError(
            f"{SETTINGS_FILE}: [unkept].stale_days: expected a positive number "
            f"of days, got {settings.stale_days}"
        )
    return settings
