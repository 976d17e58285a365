"""The nightly fetch of the DSA Transparency Database's daily dumps (fetch method ``dsa_dumps``).

A night looks at the days from ``since`` to yesterday (or ``until``):

* a day already fetched (read into the store, or its dump in the raw cache) is re-checked when it
  is at most ``recheck_days`` old, an older one once a week (the nights its age is a multiple of
  7, so the old days are spread over the week): its ``.sha1`` (a few bytes) is asked for, and the
  dump is downloaded again only when the sha1 stated is not the one known (the database
  regenerates dumps, format notes §5.6);
* a day never fetched is asked for, oldest first (months complete in order), until
  ``max_new_days`` dumps were downloaded or as many of those days answered 404; the other days
  wait for the next nights (``pending``). The budget counts every download, a re-download of a
  regenerated day too, so no night downloads more than ``max_new_days`` dumps.

Every address is the database's download address (or ``<mirror>/dsa_sor/<file name>``), which
answers with a redirect to S3 or to a presigned URL: redirects are followed, no store host is
written here, and the log records the address after redirects without its query (a presigned
URL's signature is not kept). A dump is streamed through a scratch file into the dated raw cache
(``cache/raw/<source>/<retrieved date>/dsa_sor/<file name>``, fetch/cache.py) with its sha1 and
sha256 computed on the way, and kept only when the sha1 equals the ``.sha1`` file's, which is
written beside it. One row of the fetch log per day asked for:

* ``new`` / ``changed``: downloaded and kept (changed: another sha1 was known for the day);
* ``unchanged``: the sha1 stated is the one known; nothing downloaded. ``vintage_path`` (not
  logged) names the cached dump when the day was fetched before but the store does not hold that
  sha1 (its reading failed, or the night stopped before it), for the nightly job to decide;
* ``not_published``: 404 for a day never fetched;
* ``failed``: ``reason`` says why (a 404 for a day fetched before, a refused body, no answer).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from site_builder.dsa_sor import store
from site_builder.dsa_sor.layout import SHA1_LINE, dump_name, parse_dump_path, read_sha1_file
from site_builder.errors import InputError
from site_builder.fetch import cache, checks
from site_builder.fetch.declarations import FetchDecl, Target
from site_builder.fetch.http import Fetched, FetchError, Streamed, get, get_to_file
from site_builder.fetch.log import KEPT, FetchResult, read_log
from site_builder.fetch.runner import mirror_url

if TYPE_CHECKING:
    from site_builder.fetch.runner import _Run

FOLDER = "dsa_sor"  # a dump's path (log, cache, --mirror): dsa_sor/<file name>
WEEK = 7
NO_ANSWER_LIMIT = 2  # days in a row without any answer: the server is down, ask no more tonight


def dump_path(name: str) -> str:
    return f"{FOLDER}/{name}"


def public(url: str) -> str:
    """An address without its query and fragment (a presigned URL's signature stays out of the log)."""
    return urlunsplit(urlsplit(url)._replace(query="", fragment="")) if url else ""


@dataclass(frozen=True)
class Known:
    """What is known of one day before tonight: the sha1 of the dump read into the store (and its
    size), and the latest dump of the day in the raw cache with the sha1 its ``.sha1`` stated."""

    stored: str | None = None
    bytes: int | None = None
    cached: str | None = None
    cached_path: Path | None = None

    @property
    def fetched(self) -> bool:
        return self.stored is not None or self.cached is not None


def days_of(decl: FetchDecl, today: date) -> list[date]:
    """The days the source declares, up to yesterday (a day's dump is made the next morning)."""
    last = today - timedelta(days=1)
    if decl.until is not None and decl.until < last:
        last = decl.until
    first = decl.since or last + timedelta(days=1)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def plan(decl: FetchDecl, today: date, known: dict[date, Known]) -> tuple[list[date], list[date]]:
    """(days fetched before to re-check tonight, newest first; days never fetched, oldest first)."""
    recheck, unread = [], []
    for d in days_of(decl, today):
        age = (today - d).days
        if not known.get(d, Known()).fetched:
            unread.append(d)
        elif age <= decl.recheck_days or age % WEEK == 0:
            recheck.append(d)
    return recheck[::-1], unread


def stated_sha1(body: bytes, name: str) -> str | None:
    """The sha1 a ``.sha1`` file states for ``name`` (``<40 hex>  <name>``), or None."""
    m = SHA1_LINE.match(body.decode("ascii", errors="replace").strip())
    return m["hex"].lower() if m and m["name"] == name else None


def _seen(resp: Fetched) -> dict[str, object]:
    return {"final_url": public(resp.final_url), "status": resp.status, "etag": resp.headers.get("etag", ""),
            "last_modified": resp.headers.get("last-modified", ""),
            "content_type": checks.media_type(resp.headers.get("content-type"))}


def refusal(got: Streamed, decl: FetchDecl, stated: str) -> str | None:
    """Why a streamed dump is not kept (status, media type, Content-Length, size, sha1), or None."""
    resp = got.response
    if resp.status != 200:
        return f"HTTP {resp.status} {resp.phrase}".strip()
    media = checks.media_type(resp.headers.get("content-type"))
    if media not in decl.content_types:
        return f"got {media or 'no Content-Type'}, expected {' or '.join(decl.content_types)}"
    length = resp.headers.get("content-length")
    if length and length.isdigit() and int(length) != resp.downloaded:
        return f"truncated body: got {resp.downloaded} of {length} bytes (Content-Length)"
    if got.size < decl.min_bytes:
        return f"got {got.size} bytes, expected at least {decl.min_bytes}"
    if got.sha1 != stated:
        return (f"sha1 {got.sha1} of the body differs from its .sha1 file ({stated}): an incomplete download, "
                "or a dump regenerated meanwhile")
    return None


@dataclass
class DumpFetch:
    """One night's fetch of one ``dsa_dumps`` source; ``pending`` lists the dumps left for later nights."""

    run: _Run
    decl: FetchDecl
    store_dir: Path
    pending: list[str] = field(default_factory=list)

    def known(self) -> dict[date, Known]:
        d = self.decl
        out = {date.fromisoformat(r.date): Known(stored=r.sha1, bytes=r.bytes)
               for r in store.day_rows(self.store_dir, d.slug, d.variant)}
        latest: dict[str, str] = {}
        for row in read_log(self.run.data_dir):
            if row["source_id"] == d.source_id and row["outcome"] in KEPT and row["vintage"]:
                latest[row["path"]] = row["vintage"]
        root = self.run.cache_dir.resolve()
        for vintage in latest.values():
            path = root / vintage
            try:
                dump = parse_dump_path(path)
                sha1 = read_sha1_file(dump) if path.is_file() else None
            except InputError:
                continue
            if sha1 and dump.slug == d.slug and dump.variant == d.variant:
                old = out.get(dump.day, Known())
                out[dump.day] = Known(old.stored, old.bytes, sha1, path)
        return out

    def results(self, progress: Callable[[str], None] | None = None) -> Iterator[FetchResult]:
        """Ask for each day of tonight's plan (see the module docstring); one result per day asked for."""
        known = self.known()
        recheck, unread = plan(self.decl, self.run.day, known)
        downloads = misses = silent = 0
        limit = self.decl.max_new_days
        for d in recheck + unread:
            k = known.get(d, Known())
            name = dump_name(self.decl.slug, d, self.decl.variant)
            if silent >= NO_ANSWER_LIMIT or (not k.fetched and (downloads >= limit or misses >= limit)):
                self.pending.append(name)
                continue
            if progress:
                progress(f"{self.decl.source_id}: {name}")
            try:
                result, what = self.day(d, k, may_download=downloads < limit)
            except Exception as exc:  # one day's failure (disk full, a bug) never stops the others
                result, what = self.result(d, reason=f"{type(exc).__name__}: {exc}"), "checked"
            silent = silent + 1 if what == "no answer" else 0
            downloads += what == "download"
            misses += what in ("miss", "no answer") and not k.fetched
            if result is None:
                self.pending.append(name)
            else:
                yield result

    def address(self, name: str) -> str:
        if self.run.mirror:
            return mirror_url(self.run.mirror, dump_path(name))
        return self.decl.url.format(name=name)

    def result(self, d: date, **kw: object) -> FetchResult:
        name = dump_name(self.decl.slug, d, self.decl.variant)
        target = Target(path=dump_path(name), url=self.decl.url.format(name=name), edition=d.isoformat(),
                        may_be_unpublished=True)
        return self.run.result(self.decl, target, self.address(name), **kw)

    def day(self, d: date, k: Known, *, may_download: bool) -> tuple[FetchResult | None, str]:
        """One day: its ``.sha1``, then the dump if needed. Returns the result (None: waits for a later
        night) and what it cost: download, miss (404 or refused), no answer, or checked."""
        run, name = self.run, dump_name(self.decl.slug, d, self.decl.variant)
        sum_url = self.address(name) + ".sha1"
        try:
            resp = get(run.client, sum_url, {}, run.settings)
        except FetchError as exc:
            return self.result(d, status=exc.status, final_url=public(exc.final_url),
                               reason=f"checksum file {public(sum_url)}: {exc.reason}"), "no answer"
        seen = _seen(resp)
        if resp.status == 404 and not k.fetched:
            return self.result(d, outcome="not_published", **seen), "miss"
        if resp.status != 200:
            why = "; this day was fetched before (withdrawn or moved?)" if resp.status == 404 else ""
            return self.result(d, reason=f"checksum file {public(sum_url)}: HTTP {resp.status} {resp.phrase}".strip() + why,
                               **seen), "miss"
        stated = stated_sha1(resp.body, name)
        if stated is None:
            return self.result(d, reason=f"checksum file {public(sum_url)} holds no sha1 line for {name}", **seen), "miss"
        if stated == k.stored:
            sha256 = run.index.known_sha(self.decl.source_id, dump_path(name)) or ""
            return self.result(d, outcome="unchanged", sha256=sha256, bytes=k.bytes, **seen), "checked"
        if stated == k.cached:
            return self.result(d, outcome="unchanged", vintage_path=k.cached_path, **seen), "checked"
        if not may_download:
            return None, "checked"
        return self.download(d, k, stated, resp.body), "download"

    def download(self, d: date, k: Known, stated: str, sha1_body: bytes) -> FetchResult:
        """Stream the dump into the raw cache; keep it (and its ``.sha1``) only when every check passes."""
        run, sid = self.run, self.decl.source_id
        name = dump_name(self.decl.slug, d, self.decl.variant)
        tmp = cache.partial_path(run.cache_dir, sid, dump_path(name))
        try:
            try:
                got = get_to_file(run.client, self.address(name), {}, run.settings, tmp)
            except FetchError as exc:
                return self.result(d, status=exc.status, final_url=public(exc.final_url), reason=exc.reason)
            reason = refusal(got, self.decl, stated)
            if reason is not None:
                return self.result(d, reason=reason, **_seen(got.response))
            kept = cache.keep_file(run.cache_dir, sid, run.day, dump_path(name), tmp, got.sha256)
            side = kept.with_name(f"{kept.name}.sha1")
            part = side.with_name(f".{side.name}.{os.getpid()}.part")
            part.write_bytes(sha1_body)
            part.replace(side)
            return self.result(d, outcome="changed" if k.fetched else "new", sha256=got.sha256, bytes=got.size,
                               vintage=kept.relative_to(run.cache_dir.resolve()).as_posix(), vintage_path=kept,
                               **_seen(got.response))
        finally:
            tmp.unlink(missing_ok=True)
