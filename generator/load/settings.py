"""Project settings from `unkept.toml`: the few choices a fork of Unkept makes differently."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import zoneinfo
from dataclasses import dataclass, fields
from pathlib import Path

import pycountry

from generator.errors import SettingsError
from generator.i18n.words import VOCABULARIES
from generator.model.deadlines import EU_DEADLINES, DeadlineRules, DefaultDeadline
from generator.model.statuses import DEFAULT_CONFIRM_DAYS, DEFAULT_STALE_DAYS
from generator.model.values import Delay

SETTINGS_FILE = "unkept.toml"
SITE_ENGINES = {"mkdocs": "MkDocs", "properdocs": "ProperDocs"}
"""The site engines Unkept builds with, by setting value, with the name messages use."""


@dataclass(frozen=True)
class Settings:
    """Settings of one Unkept tracker."""

    timezone: str = "Europe/Paris"
    """IANA time zone whose calendar day is "today" when no --as-of is given."""
    stale_days: int = DEFAULT_STALE_DAYS
    """An open case not confirmed for more than this many days is stale: its overdue promises
    are unconfirmed, out of the ranking, until its submitter confirms it again."""
    confirm_days: int = DEFAULT_CONFIRM_DAYS
    """Days a consumer has, after a brand's reply claiming a promise kept, to reject it."""
    name: str = "Unkept"
    """The tracker's name: page titles, the citation line, feeds, calendars and badges."""
    site_url: str = ""
    """The site's address: links in feeds and calendars, "cite this case", and the host
    that makes every Atom and iCalendar id unique to this tracker. Empty: relative links."""
    language: str = "en"
    """The language of the site, with a region for its formats if wanted (`fr`, `en_GB`):
    a catalogue under site_templates/locale/ (English needs none)."""
    engine: str = "mkdocs"
    """The site engine that builds the documents and the shells: `mkdocs` or `properdocs`."""
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

    deadlines: DeadlineRules = EU_DEADLINES
    """Default deadlines by kind, and per country where its law differs (`[deadlines]`)."""

    def today(self) -> dt.date:
        """Today's date in the tracker's time zone."""
        return dt.datetime.now(zoneinfo.ZoneInfo(self.timezone)).date()


def _line_of(text: str, key: str, table: str = "unkept") -> int:
    """The line of `key = ...` in `[table]` (TOML keeps no positions); else 1."""
    in_table = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_table = stripped == f"[{table}]"
        elif in_table and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
    return 1


def setting_place(root: Path, key: str) -> str:
    """`unkept.toml:7:1: [unkept].language`: where a setting is written, for messages
    about its value."""
    path = root / SETTINGS_FILE
    text = path.read_text("utf-8", errors="replace") if path.is_file() else ""
    return f"{SETTINGS_FILE}:{_line_of(text, key)}:1: [unkept].{key}"


def load_settings(root: Path) -> Settings:
    """Read `unkept.toml` at `root` (every setting is optional)."""
    path = root / SETTINGS_FILE
    if not path.is_file():
        return Settings()
    return parse_settings(path.read_bytes())


def parse_settings(raw: bytes | None) -> Settings:
    """The settings `unkept.toml` holds (from the work tree, or from git at a ref); the
    defaults when there is no such file."""
    if raw is None:
        return Settings()
    text = ""
    try:
        text = raw.decode("utf-8")
        document = tomllib.loads(text)
        table = document.get("unkept", {})
    except UnicodeDecodeError as exc:
        raise SettingsError(f"{SETTINGS_FILE}:1:1: expected UTF-8 text: {exc.reason}") from exc
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, column = where.groups() if where else ("1", "1")
        reason = str(exc).split(" (at line")[0]
        raise SettingsError(
            f"{SETTINGS_FILE}:{line}:{column}: expected valid TOML: {reason}"
        ) from exc

    def fail(key: str, message: str) -> SettingsError:
        return SettingsError(f"{SETTINGS_FILE}:{_line_of(text, key)}:1: [unkept].{key}: {message}")

    known = {f.name: f for f in fields(Settings) if f.name != "deadlines"}
    for key, value in table.items():
        if key not in known:
            raise fail(key, f"unknown setting; expected one of {', '.join(sorted(known))}")
        kind = type(getattr(Settings(), key))
        if kind is tuple:
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise fail(key, f"expected a list of names, got {value!r}")
        elif kind is float and type(value) in (int, float) and value >= 0:
            table[key] = float(value)
        elif type(value) is not kind:
            raise fail(key, f"expected {kind.__name__}, got {value!r}")
    table = {k: tuple(v) if isinstance(v, list) else v for k, v in table.items()}
    settings = Settings(**table, deadlines=parse_deadlines(document.get("deadlines"), text))
    if settings.engine not in SITE_ENGINES:
        raise fail("engine", f"expected one of {', '.join(SITE_ENGINES)}, got {settings.engine!r}")
    try:
        zoneinfo.ZoneInfo(settings.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise fail(
            "timezone", f"expected an IANA time zone like Europe/Paris, got {settings.timezone!r}"
        ) from exc
    if settings.site_url and not re.fullmatch(r"https?://[^\s/?#]+/(\S*/)?", settings.site_url):
        raise fail(
            "site_url",
            f"expected the site's address, like https://example.org/ (ending in /), got "
            f"{settings.site_url!r}",
        )
    if not settings.name.strip() or "\n" in settings.name:
        raise fail("name", f"expected the tracker's name on one line, got {settings.name!r}")
    for key in ("stale_days", "confirm_days"):
        if getattr(settings, key) < 1:
            raise fail(key, f"expected a positive number of days, got {getattr(settings, key)}")
    return settings


FALLBACK_KEY = "fallback"
"""In `[deadlines]`, the default of every kind that has none of its own."""
_DELAY = re.compile(r"[1-9][0-9]{0,3} (hour|day|week|business day)s?")


def parse_deadlines(tables: object, text: str) -> DeadlineRules:
    """`[deadlines]` (kind = { within = "14 days", basis = "..." }, for every country) and
    `[deadlines.<country>]` (the same, where a country's law differs), over the EU's
    defaults; every mistake names its line."""
    if tables is None:
        return EU_DEADLINES
    if not isinstance(tables, dict):
        raise SettingsError(f"{SETTINGS_FILE}:1:1: [deadlines]: expected a table")
    kinds = sorted(VOCABULARIES["kind"])

    def entry(table: str, key: str, value: object) -> DefaultDeadline:
        where = f"{SETTINGS_FILE}:{_line_of(text, key, table)}:1: [{table}].{key}"
        if key not in (*kinds, FALLBACK_KEY):
            raise SettingsError(
                f"{where}: expected a kind of promise ({', '.join(kinds)}) or {FALLBACK_KEY}"
            )
        if not (isinstance(value, dict) and set(value) == {"within", "basis"}):
            raise SettingsError(
                f'{where}: expected {{ within = "14 days", basis = "the law or rule" }}, '
                f"got {value!r}"
            )
        within, basis = value["within"], value["basis"]
        if not (isinstance(within, str) and _DELAY.fullmatch(within)):
            raise SettingsError(
                f"{where}.within: expected a delay like 14 days, 48 hours, 2 weeks or "
                f"5 business days, got {within!r}"
            )
        if not (isinstance(basis, str) and basis.strip() and len(basis) <= 300):
            raise SettingsError(f"{where}.basis: expected one line of at most 300 characters")
        if any(c in basis for c in '\n\r<>&"') or "%" in basis.replace("%(tracker)s", ""):
            raise SettingsError(
                f'{where}.basis: expected plain text (no line break, <, >, &, " or %), got '
                f"{basis!r}"
            )
        return DefaultDeadline(Delay.parse(within), basis)

    everywhere = dict(EU_DEADLINES.everywhere)
    fallback = EU_DEADLINES.fallback
    by_country: dict[str, dict[str, DefaultDeadline]] = {}
    for key, value in tables.items():
        if isinstance(value, dict) and key[:1].isupper():  # kinds are in lower case
            if not re.fullmatch(r"[A-Z]{2}", key) or pycountry.countries.get(alpha_2=key) is None:
                line = _line_of(text, key, "deadlines")
                for number, row in enumerate(text.splitlines(), 1):
                    if row.strip() == f"[deadlines.{key}]":
                        line = number
                raise SettingsError(
                    f"{SETTINGS_FILE}:{line}:1: [deadlines.{key}]: expected a country's ISO "
                    "3166 code in capitals, like FR or DE"
                )
            by_country[key] = {
                kind: entry(f"deadlines.{key}", kind, rule) for kind, rule in value.items()
            }
            continue
        rule = entry("deadlines", key, value)
        if key == FALLBACK_KEY:
            fallback = rule
        else:
            everywhere[key] = rule
    return DeadlineRules(
        tuple(sorted(everywhere.items())),
        fallback,
        tuple((code, tuple(sorted(rules.items()))) for code, rules in sorted(by_country.items())),
    )
