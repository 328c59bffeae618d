"""One careful HTTP client for the services Unkept talks to (GitHub, the Wayback Machine).

Every request has a total deadline (a server trickling bytes cannot hold it) and a cap on
the answer's size; 429 and 5xx answers are retried with exponential backoff that honours
`Retry-After`, but a write (POST, PATCH) is retried only when the answer proves it was not
carried out (429, a rate limit): a lost answer to a write may hide a write that took effect,
and doing it twice would open a second issue. GitHub's rate-limit headers are respected; a
run makes at most a set number of requests; and the token is never part of any message or
repr.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from generator.errors import BudgetExhausted, NotFound, ServiceError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
NOT_CARRIED_OUT = frozenset({429})
"""Answers that prove a request was refused before it did anything: a write may be retried."""
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
"""Methods that may be sent again whatever became of the first attempt."""


@dataclass
class WebClient:
    """A bounded, retrying HTTP client for one service."""

    base_url: str
    """The service's root, like `https://api.github.com/`; tests point it at 127.0.0.1."""
    token: str | None = field(default=None, repr=False)
    """Bearer token (GitHub); never printed."""
    max_requests: int = 200
    """Requests allowed in this run, retries included."""
    timeout: float = 20.0
    """Seconds for connecting and for each read."""
    deadline: float = 60.0
    """Seconds one attempt may last in all, reading the answer included."""
    max_bytes: int = 16 * 1024 * 1024
    """Largest answer read; a bigger one is refused, never held in memory."""
    retries: int = 4
    """Retries of one request on 429, 5xx or a connection failure."""
    backoff: float = 1.0
    """First retry delay in seconds, doubled each time."""
    max_wait: float = 120.0
    """Longest single wait (Retry-After or rate-limit reset) accepted before giving up."""
    user_agent: str = "unkept (+https://github.com/)"
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    """Injected so tests need not wait."""
    clock: Callable[[], float] = field(default=time.time, repr=False)
    used: int = 0
    """Requests made so far."""
    stop_at: float | None = None
    """`time.monotonic()` after which no request starts: the run's time limit, so that a job
    ends within its own whatever one slow host does."""

    def __post_init__(self) -> None:
        self.session = requests.Session()
        self.session.headers["User-Agent"] = self.user_agent
        if self.token:
            self.session.headers["Authorization"] = f"Bearer {self.token}"

    def url(self, path: str) -> str:
        """`path` under the base URL (absolute URLs are used as they are)."""
        if path.startswith(("http://", "https://")):
            return path
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")

    def request(
        self, method: str, path: str, *, ok: tuple[int, ...] = (200, 201, 204), **kwargs: Any
    ) -> requests.Response:
        """Send one request with retries; return the response whose status is in `ok`."""
        url = self.url(path)
        delay = self.backoff
        response: requests.Response | None = None
        for attempt in range(self.retries + 1):
            if self.stop_at is not None and time.monotonic() >= self.stop_at:
                raise BudgetExhausted(
                    f"stopped at the run's time limit after {self.used} requests; run again "
                    "to continue"
                )
            if self.used >= self.max_requests:
                raise BudgetExhausted(
                    f"stopped after {self.used} requests (the limit for one "
                    "run); run again to continue"
                )
            self.used += 1
            try:
                response = self._send(method, url, **kwargs)
            except ResponseTooLarge as exc:  # it would be as large again
                raise ServiceError(f"{method} {_safe(url)}: {exc}") from exc
            except requests.RequestException as exc:
                problem = f"{type(exc).__name__}"
                response = None
                if method not in IDEMPOTENT:  # it may have been carried out: never twice
                    raise ServiceError(
                        f"{method} {_safe(url)}: {problem}; not sent again, as it may have "
                        "taken effect"
                    ) from exc
            else:
                if response.status_code in ok:
                    self._respect_rate_limit(response)
                    return response
                problem = f"HTTP {response.status_code}"
                if self._rate_limited(response):
                    wait = self._reset_wait(response)
                    if wait is None or wait > self.max_wait:
                        raise ServiceError(
                            f"{method} {_safe(url)}: rate limit exhausted; "
                            "try again after the reset"
                        )
                    self.sleep(wait)
                    continue
                if response.status_code not in RETRY_STATUSES:
                    error = NotFound if response.status_code == 404 else ServiceError
                    raise error(f"{method} {_safe(url)}: {problem}", response.status_code)
                if method not in IDEMPOTENT and response.status_code not in NOT_CARRIED_OUT:
                    raise ServiceError(
                        f"{method} {_safe(url)}: {problem}; not sent again, as it may have "
                        "taken effect",
                        response.status_code,
                    )
            if attempt == self.retries:
                break
            wait = _retry_after(response, self.clock) if response is not None else None
            wait = delay if wait is None else wait
            if wait > self.max_wait:
                raise ServiceError(f"{method} {_safe(url)}: {problem}, asked to wait {wait:.0f} s")
            self.sleep(wait)
            delay *= 2
        raise ServiceError(
            f"{method} {_safe(url)}: {problem} after {self.retries + 1} attempts",
            response.status_code if response is not None else None,
        )

    def _send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """One attempt: the answer read whole within the deadline and the size cap."""
        started = time.monotonic()
        response = self.session.request(method, url, timeout=self.timeout, stream=True, **kwargs)
        with response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise ResponseTooLarge(f"answer of {declared} bytes")
            body = bytearray()
            while chunk := response.raw.read1(65536, decode_content=True):  # as it arrives
                body += chunk
                if len(body) > self.max_bytes:
                    raise ResponseTooLarge(f"answer over {self.max_bytes} bytes")
                if time.monotonic() - started > self.deadline:
                    raise DeadlineExceeded(f"answer still coming after {self.deadline:g} s")
        response._content = bytes(body)
        return response

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send a request and decode its JSON answer; garbage is a ServiceError."""
        response = self.request(method, path, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise ServiceError(
                f"{method} {_safe(self.url(path))}: expected JSON, got {response.content[:40]!r}"
            ) from exc

    def _rate_limited(self, response: requests.Response) -> bool:
        return response.status_code in (403, 429) and (
            response.headers.get("X-RateLimit-Remaining") == "0"
        )

    def _reset_wait(self, response: requests.Response) -> float | None:
        reset = response.headers.get("X-RateLimit-Reset")
        if reset and reset.isdigit():
            return max(0.0, int(reset) - self.clock()) + 1
        return _retry_after(response, self.clock)

    def _respect_rate_limit(self, response: requests.Response) -> None:
        """When the last request used up the quota, wait for the reset before the next one."""
        if response.headers.get("X-RateLimit-Remaining") == "0":
            wait = self._reset_wait(response)
            if wait is not None and wait <= self.max_wait:
                self.sleep(wait)


class ResponseTooLarge(requests.RequestException):
    """An answer over the size cap."""


class DeadlineExceeded(requests.Timeout):
    """An answer still arriving at the deadline (a trickling server)."""


def _retry_after(response: requests.Response, clock: Callable[[], float]) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, when.timestamp() - clock())


def _safe(url: str) -> str:
    """A URL fit for a message: no query string (it may carry keys)."""
    return url.split("?", 1)[0]
