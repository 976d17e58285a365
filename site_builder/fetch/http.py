"""One GET with timeouts, a redirect limit and bounded retries (stamina), the project's only
network code.

Retried, with exponential backoff and jitter: connection errors and timeouts, a body cut short
(the connection closed before Content-Length bytes came), HTTP 429 and every 5xx. A 429 or 503
with ``Retry-After`` (seconds or an HTTP date) waits that long instead, capped at
``retry_after_cap``. Any other status (200, 304, 404, ...) is returned to the caller to judge.
``get`` reads the body into memory: fine for report files of a few MB. ``get_to_file`` (the DSA
daily dumps, up to tens of GB) streams it into a file instead, hashing it on the way; a retry
starts the file again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TypeVar

import httpx
import stamina

RETRY_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
USER_AGENT = "platform-enforcement-watch/0.1 (nightly fetch of published transparency data)"
_STREAM_CHUNK = 1 << 20
_ERROR_BODY = 64 << 10  # what is kept of the body of a refused streamed response
T = TypeVar("T")


@dataclass(frozen=True)
class HttpSettings:
    """Timeouts (seconds), the redirect limit and the retry policy of the fetch step."""

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    max_redirects: int = 10
    attempts: int = 4
    wait_initial: float = 1.0
    wait_max: float = 30.0
    retry_after_cap: float = 120.0
    retry_budget: float = 600.0  # total seconds spent on one address, waits included


def make_client(settings: HttpSettings) -> httpx.Client:
    """The client the fetch step uses unless one is given: redirects followed up to the limit."""
    timeout = httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout)
    return httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=settings.max_redirects,
                        headers={"User-Agent": USER_AGENT})


@dataclass(frozen=True)
class Fetched:
    """A response that came back whole: status, address after redirects, headers and body.
    ``downloaded`` counts the bytes on the wire (before any Content-Encoding is undone)."""

    url: str
    status: int
    phrase: str
    final_url: str
    headers: httpx.Headers
    body: bytes
    downloaded: int
    attempts: int


@dataclass(frozen=True)
class Streamed:
    """A response whose body went into a file (``get_to_file``): the response (``body`` empty
    for a 200, else its first 64 KB), and the size, sha1 and sha256 of the bytes written."""

    response: Fetched
    size: int
    sha1: str
    sha256: str


class FetchError(Exception):
    """No usable response: ``reason`` says why for the log; ``status`` is the last HTTP status seen."""

    def __init__(self, reason: str, status: int | None = None, final_url: str = "") -> None:
        super().__init__(reason)
        self.reason, self.status, self.final_url = reason, status, final_url


class _RetryableStatus(Exception):
    def __init__(self, response: httpx.Response, retry_after: float | None) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.status, self.phrase, self.final_url = response.status_code, response.reason_phrase, str(response.url)
        self.retry_after = retry_after


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds from now (``120`` or ``Wed, 21 Oct 2026 07:28:00 GMT``); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _backoff_hook(settings: HttpSettings) -> Callable[[Exception], bool | float]:
    def hook(exc: Exception) -> bool | float:
        if isinstance(exc, _RetryableStatus):
            return True if exc.retry_after is None else min(exc.retry_after, settings.retry_after_cap)
        return isinstance(exc, RETRY_ERRORS)
    return hook


def _get_once(client: httpx.Client, url: str, headers: dict[str, str], attempt: int) -> Fetched:
    with client.stream("GET", url, headers=headers, follow_redirects=True) as r:
        if r.status_code == 429 or r.status_code >= 500:
            wait = retry_after_seconds(r.headers.get("retry-after")) if r.status_code in (429, 503) else None
            raise _RetryableStatus(r, wait)
        body = b"".join(r.iter_bytes())
        return Fetched(url, r.status_code, r.reason_phrase, str(r.url), r.headers, body, r.num_bytes_downloaded, attempt)


def _reason(exc: Exception, attempts: int, settings: HttpSettings) -> str:
    tries = f" (after {attempts} attempt{'s' if attempts != 1 else ''})"
    if isinstance(exc, httpx.TooManyRedirects):
        return f"redirect loop or too many redirects (more than {settings.max_redirects})"
    if isinstance(exc, httpx.ReadTimeout):
        return "read timeout" + tries
    if isinstance(exc, httpx.TimeoutException):
        return f"timeout ({type(exc).__name__})" + tries
    if isinstance(exc, httpx.RemoteProtocolError) and "complete message body" in str(exc):
        return f"truncated body: {exc}" + tries
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect: {exc}" + tries
    return f"{type(exc).__name__}: {exc}" + tries


def _stream_once(client: httpx.Client, url: str, headers: dict[str, str], attempt: int, dest: Path) -> Streamed:
    with client.stream("GET", url, headers=headers, follow_redirects=True) as r:
        if r.status_code == 429 or r.status_code >= 500:
            wait = retry_after_seconds(r.headers.get("retry-after")) if r.status_code in (429, 503) else None
            raise _RetryableStatus(r, wait)
        if r.status_code != 200:
            body = b""
            for chunk in r.iter_bytes():
                body += chunk
                if len(body) >= _ERROR_BODY:
                    break
            return Streamed(Fetched(url, r.status_code, r.reason_phrase, str(r.url), r.headers, body[:_ERROR_BODY],
                                    r.num_bytes_downloaded, attempt), 0, "", "")
        sha1, sha256, size = hashlib.sha1(), hashlib.sha256(), 0
        with dest.open("wb") as f:
            for chunk in r.iter_bytes(_STREAM_CHUNK):
                f.write(chunk)
                sha1.update(chunk)
                sha256.update(chunk)
                size += len(chunk)
        return Streamed(Fetched(url, r.status_code, r.reason_phrase, str(r.url), r.headers, b"", r.num_bytes_downloaded,
                                attempt), size, sha1.hexdigest(), sha256.hexdigest())


def get(client: httpx.Client, url: str, headers: dict[str, str], settings: HttpSettings) -> Fetched:
    """GET ``url`` with retries (see the module docstring); raises FetchError when nothing usable came back."""
    return _retrying(settings, lambda attempt: _get_once(client, url, headers, attempt))


def get_to_file(client: httpx.Client, url: str, headers: dict[str, str], settings: HttpSettings, dest: Path) -> Streamed:
    """GET ``url`` with the same retries as ``get``, streaming a 200's body into ``dest`` (never held
    in memory; each attempt starts the file again). The caller removes ``dest`` when it refuses
    the response or a FetchError is raised."""
    return _retrying(settings, lambda attempt: _stream_once(client, url, headers, attempt, dest))


def _retrying(settings: HttpSettings, once: Callable[[int], T]) -> T:
    attempts = 0
    try:
        for attempt in stamina.retry_context(on=_backoff_hook(settings), attempts=settings.attempts,
                                             timeout=settings.retry_budget, wait_initial=settings.wait_initial,
                                             wait_max=settings.wait_max):
            with attempt:
                attempts += 1
                return once(attempts)
    except _RetryableStatus as exc:
        tries = f" (after {attempts} attempt{'s' if attempts != 1 else ''})"
        raise FetchError(f"HTTP {exc.status} {exc.phrase}{tries}", exc.status, exc.final_url) from exc
    except httpx.HTTPError as exc:
        raise FetchError(_reason(exc, attempts, settings)) from exc
    raise AssertionError("unreachable: stamina either returns or raises")
