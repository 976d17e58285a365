"""The fetch step: for each source, each declared file is requested, checked, compared with
the bytes known for its path, kept in the dated cache when new or changed, and logged.

One file's failure (a refused response, an unreachable server, a disk error) becomes a
``failed`` row and never stops the other files. With ``mirror``, every file is requested from
``<mirror>/<path>`` and a listing page from ``<mirror>/<mirror_path>``. The daily dumps of a
``dsa_dumps`` source are fetched by site_builder/dsa_sor/fetch.py (streamed, checked against
their ``.sha1`` and the store of dumps already read).
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urljoin, urlsplit

import httpx

from site_builder import catalog
from site_builder.errors import InputError
from site_builder.fetch import cache, checks
from site_builder.fetch.declarations import FetchDecl, Target, load_declarations
from site_builder.fetch.http import Fetched, FetchError, HttpSettings, get, make_client
from site_builder.fetch.log import FetchResult, LogIndex, append_row, read_log


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def mirror_url(mirror: str, path: str) -> str:
    return mirror.rstrip("/") + "/" + quote(path, safe="/")


@dataclass
class _Run:
    """What every file of one run shares."""

    data_dir: Path
    cache_dir: Path
    mirror: str | None
    day: date
    client: httpx.Client
    settings: HttpSettings
    index: LogIndex

    def result(self, decl: FetchDecl, target: Target, url: str, **kw) -> FetchResult:
        row = {"fetched_at": _now(), "source_id": decl.source_id, "path": target.path, "url": url, "final_url": "",
               "status": None, "outcome": "failed", "reason": "", "sha256": "", "bytes": None, "etag": "",
               "last_modified": "", "content_type": "", "vintage": "", "edition": target.edition}
        row.update(kw)
        return FetchResult(**row)

    def record(self, result: FetchResult) -> FetchResult:
        append_row(self.data_dir, result)
        self.index.add(result.row())
        return result


def _headers_of(resp: Fetched) -> dict[str, str]:
    return {"final_url": resp.final_url, "status": resp.status, "etag": resp.headers.get("etag", ""),
            "last_modified": resp.headers.get("last-modified", ""),
            "content_type": checks.media_type(resp.headers.get("content-type"))}


def fetch_file(run: _Run, decl: FetchDecl, target: Target) -> FetchResult:
    """Fetch one declared file and say what became of it (nothing is logged here)."""
    url = mirror_url(run.mirror, target.path) if run.mirror else target.url
    prev = run.index.last_success(url, target.path)
    conditional = {}
    if prev and prev["etag"]:
        conditional["If-None-Match"] = prev["etag"]
    if prev and prev["last_modified"]:
        conditional["If-Modified-Since"] = prev["last_modified"]
    try:
        resp = get(run.client, url, conditional, run.settings)
    except FetchError as exc:
        return run.result(decl, target, url, status=exc.status, final_url=exc.final_url, reason=exc.reason)
    seen = _headers_of(resp)
    known = run.index.known_sha(decl.source_id, target.path)
    if resp.status == 304 and prev:
        return run.result(decl, target, url, outcome="unchanged", sha256=prev["sha256"],
                          bytes=int(prev["bytes"]) if prev["bytes"] else None,
                          **{**seen, "etag": seen["etag"] or prev["etag"],
                             "last_modified": seen["last_modified"] or prev["last_modified"],
                             "content_type": seen["content_type"] or prev["content_type"]})
    if resp.status == 404 and target.may_be_unpublished and known is None:
        return run.result(decl, target, url, outcome="not_published", **seen)
    reason = checks.refusal(resp, decl.content_types, decl.min_bytes, target.sha256)
    if reason is None and target.checksum_url:
        algorithm = target.checksum_url.rsplit(".", 1)[1]
        sum_url = f"{url}.{algorithm}" if run.mirror else target.checksum_url
        try:
            reason = checks.checksum_refusal(resp.body, get(run.client, sum_url, {}, run.settings), algorithm)
        except FetchError as exc:
            reason = f"checksum file {sum_url}: {exc.reason}"
    if reason is not None:
        if resp.status == 404 and known is not None:
            reason += "; this file was fetched before (withdrawn or moved?)"
        return run.result(decl, target, url, reason=reason, **seen)
    digest = hashlib.sha256(resp.body).hexdigest()
    size = len(resp.body)
    if digest == known:
        return run.result(decl, target, url, outcome="unchanged", sha256=digest, bytes=size, **seen)
    kept = cache.keep(run.cache_dir, decl.source_id, run.day, target.path, resp.body)
    return run.result(decl, target, url, outcome="new" if known is None else "changed", sha256=digest, bytes=size,
                      vintage=kept.relative_to(run.cache_dir.resolve()).as_posix(), vintage_path=kept, **seen)


def listing_targets(run: _Run, decl: FetchDecl) -> list[Target] | FetchResult:
    """The files linked from a listing page, or a failed row for the page itself."""
    page = Target(path=decl.mirror_path, url=decl.url)
    url = mirror_url(run.mirror, decl.mirror_path) if run.mirror else decl.url
    try:
        resp = get(run.client, url, {}, run.settings)
    except FetchError as exc:
        return run.result(decl, page, url, status=exc.status, reason=f"listing page: {exc.reason}")
    reason = checks.refusal(resp, decl.page_content_types, 1)
    if reason is not None:
        return run.result(decl, page, url, reason=f"listing page: {reason}", **_headers_of(resp))
    text = resp.body.decode(resp.headers.encoding or "utf-8", errors="replace")
    links = list(dict.fromkeys(m.group(1) for m in re.finditer(decl.link_regex, text)))
    if not links:
        return run.result(decl, page, url, reason=f"listing page has no link matching {decl.link_regex!r} (format changed?)",
                          **_headers_of(resp))
    out = []
    for link in links:
        absolute = urljoin(resp.final_url, html.unescape(link))
        try:
            out.append(decl.listing_target(absolute, unquote(PurePosixPath(urlsplit(absolute).path).name)))
        except InputError as exc:
            return run.result(decl, page, url, reason=f"listing page: {exc.problem}", **_headers_of(resp))
    return out


class FetchResults(list[FetchResult]):
    """The results of one run, in order, and per ``dsa_dumps`` source the dumps left for later
    nights (``pending``: a night downloads at most ``max_new_days`` of them)."""

    def __init__(self) -> None:
        super().__init__()
        self.pending: dict[str, list[str]] = {}


def _release_shas(data_dir: Path) -> dict[tuple[str, str], str]:
    """(source, file) -> sha256 of every file a release was read from: its own file, and the
    identification table of a multi-table report (data/catalog/report_identification.csv)."""
    releases = catalog.read_releases(data_dir)
    shas = {(r.source_id, r.file): r.sha256 for r in releases if r.sha256}
    source_of = {r.release_id: r.source_id for r in releases}
    for i in catalog.read_report_identification(data_dir):
        if i.get("sha256") and i["release_id"] in source_of:
            shas.setdefault((source_of[i["release_id"]], i["file"]), i["sha256"])
    return shas


def run(sources: list[str] | None, *, data_dir: Path, cache_dir: Path, mirror: str | None = None,
        today: date | None = None, client: httpx.Client | None = None, settings: HttpSettings | None = None,
        progress: Callable[[str], None] | None = None, dsa_store: Path | None = None) -> FetchResults:
    """Fetch the files of ``sources`` (None or ``["all"]``: every source) and append one log row each.

    ``today`` (default: today in UTC) dates the cache folder and limits pattern periods;
    ``client`` replaces the default client (its own timeouts and redirect limit apply);
    ``settings`` sets timeouts and the retry policy. Sources declared ``none`` give no rows.
    ``dsa_store`` is the store of daily dumps already read (default ``<cache_dir>/dsa_sor``).
    """
    decls = load_declarations(data_dir)
    wanted = list(decls) if not sources or sources == ["all"] else sources
    unknown = [s for s in wanted if s not in decls]
    if unknown:
        raise InputError(data_dir / "catalog" / "sources.yaml", "unknown source(s) to fetch", got=unknown,
                         expected="a source id of the catalog or 'all'")
    settings = settings or HttpSettings()
    own = client is None
    r = _Run(data_dir, cache_dir, mirror, today or datetime.now(UTC).date(), client or make_client(settings), settings,
             LogIndex(read_log(data_dir), _release_shas(data_dir)))
    results = FetchResults()
    try:
        for sid in wanted:
            decl = decls[sid]
            if decl.method == "none":
                continue
            if progress:
                progress(sid)
            if decl.method == "dsa_dumps":
                from site_builder.dsa_sor.fetch import DumpFetch

                job = DumpFetch(r, decl, dsa_store or cache_dir / "dsa_sor")
                results.extend(r.record(result) for result in job.results(progress))
                if job.pending:
                    results.pending[sid] = job.pending
                continue
            found = (list(decl.files) if decl.method == "files" else
                     decl.pattern_targets(r.day) if decl.method == "pattern" else listing_targets(r, decl))
            if isinstance(found, FetchResult):
                results.append(r.record(found))
                continue
            for target in found:
                if progress:
                    progress(f"{sid}: {target.path}")
                try:
                    result = fetch_file(r, decl, target)
                except Exception as exc:  # one file's failure (disk full, a bug) never stops the others
                    result = r.result(decl, target, target.url, reason=f"{type(exc).__name__}: {exc}")
                results.append(r.record(result))
    finally:
        if own:
            r.client.close()
    return results
