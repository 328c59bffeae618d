"""Who publishes the files: the tracker's name, address and language, and the ids derived
from its address, so that two forks never publish the same Atom or iCalendar id."""

from __future__ import annotations

import functools
import re
import urllib.parse
from dataclasses import dataclass

from generator.i18n import Language

TAG_DATE = "2026"
"""The date part of every `tag:` URI (RFC 4151): any day the host was the tracker's."""


@dataclass(frozen=True)
class Publisher:
    """The tracker as its files name it."""

    name: str
    """The tracker's name (`name` in unkept.toml): titles, feeds, calendars, badges."""
    site_url: str
    """The site's address, ending in `/` (or empty: links stay relative)."""
    language: Language
    """The language of every text a reader sees."""

    @functools.cached_property
    def host(self) -> str:
        """The site's host name; `localhost` for a site without an address (parsed once:
        every Atom id and iCalendar UID asks for it, 39,000 times at 10,000 cases)."""
        return urllib.parse.urlsplit(self.site_url).hostname or "localhost"

    @property
    def slug(self) -> str:
        """The name in lower case, letters, digits and dashes (the Data Package's name)."""
        return re.sub(r"[^a-z0-9]+", "-", self.name.casefold()).strip("-") or "tracker"

    def tag(self, *parts: str) -> str:
        """An Atom id: `tag:<host>,2026:<parts...>`."""
        return f"tag:{self.host},{TAG_DATE}:" + ":".join(parts)

    def uid(self, local: str) -> str:
        """An iCalendar UID: `<local>@<host>`."""
        return f"{local}@{self.host}"
