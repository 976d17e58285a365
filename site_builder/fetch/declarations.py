"""How each source's releases are fetched: the ``fetch:`` block of ``data/catalog/sources.yaml``.

Every source declares one method:

* ``files``: fixed addresses, a list of ``{path, url}`` (``path`` as in the raw MANIFEST.csv;
  optional ``edition``, ``sha256``, ``checksum_url`` per file);
* ``pattern``: one address and one path per period (``url`` and ``path`` templates with
  ``{year}``, ``{half}``, ``{quarter}``, ``{month:02d}``, ``{day:02d}``, ``{date}``;
  ``periods: year | half | quarter | month | day``, ``since:`` a date, optional ``until:``);
  every period that ended before the run date is tried, and a 404 for a period never
  fetched before means "not published yet";
* ``listing``: a page (``url``; ``mirror_path`` for ``--mirror``) whose links matching
  ``link_regex`` (first group = the link) are the files; ``path`` is a template of the link's
  file name (``{name}``);
* ``dsa_dumps``: the daily dumps of the DSA Transparency Database (one zip per day with a
  ``.sha1`` beside it; site_builder/dsa_sor/fetch.py): ``url`` a template of the download
  address with ``{name}`` (the dump's file name ``sor-{slug}-{date}-{variant}.zip``; the
  ``.sha1`` is ``{url}.sha1``), ``slug`` (``global`` or a platform's), ``variant`` (``full``
  or ``light``), ``since`` (the first day; optional ``until``), ``recheck_days`` (the sha1
  of the days read in the last N days is asked for every night, of older days once a week)
  and ``max_new_days`` (how many dumps one night downloads; the other days wait);
* ``none``: the source publishes no machine-readable file; ``why`` says how its figures
  are obtained instead.

Except for ``none``, a block gives ``content_types`` (the media types accepted for its files)
and ``min_bytes``. ``checksum_url`` (a publisher's ``.sha1`` or ``.sha256`` file, a template
that may use ``{url}``, the file's address) is checked against the body where given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from site_builder.errors import InputError
from site_builder.periods import month_end

METHODS = ("files", "pattern", "listing", "dsa_dumps", "none")
PERIODS = ("year", "half", "quarter", "month", "day")
CHECKSUM_ALGORITHMS = ("sha1", "sha256")
_COMMON = {"method", "note", "content_types", "min_bytes", "edition"}
KEYS = {
    "files": _COMMON | {"files"},
    "pattern": _COMMON | {"url", "path", "periods", "since", "until", "checksum_url"},
    "listing": _COMMON | {"url", "mirror_path", "link_regex", "path", "checksum_url", "page_content_types"},
    "dsa_dumps": (_COMMON - {"edition"}) | {"url", "slug", "variant", "since", "until", "recheck_days", "max_new_days"},
    "none": {"method", "why", "note"},
}
REQUIRED = {
    "files": {"content_types", "min_bytes", "files"},
    "pattern": {"content_types", "min_bytes", "url", "path", "periods", "since"},
    "listing": {"content_types", "min_bytes", "url", "mirror_path", "link_regex", "path"},
    "dsa_dumps": {"content_types", "min_bytes", "url", "slug", "variant", "since", "recheck_days", "max_new_days"},
    "none": {"why"},
}
FILE_KEYS = {"path", "url", "edition", "sha256", "checksum_url"}
_HEX = {"sha1": re.compile(r"^[0-9a-f]{40}$"), "sha256": re.compile(r"^[0-9a-f]{64}$")}
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DSA_VARIANTS = ("full", "light")


@dataclass(frozen=True)
class Target:
    """One file to fetch: where it lives (``url``), where it goes (``path``, as in the raw
    MANIFEST.csv and under ``--mirror``), and what is known about it in advance."""

    path: str
    url: str
    edition: str = ""
    sha256: str = ""
    checksum_url: str = ""
    # a 404 means "not published yet" (pattern periods), not a failure
    may_be_unpublished: bool = False


@dataclass(frozen=True)
class Period:
    """One reporting period of a ``pattern`` source, with the values its templates use."""

    start: date
    end: date
    values: dict[str, Any]


@dataclass(frozen=True)
class FetchDecl:
    """One source's validated ``fetch:`` block (see the module docstring)."""

    source_id: str
    method: str
    content_types: tuple[str, ...] = ()
    min_bytes: int = 0
    edition: str = ""
    why: str = ""
    note: str = ""
    files: tuple[Target, ...] = ()
    url: str = ""
    path: str = ""
    periods: str = ""
    since: date | None = None
    until: date | None = None
    checksum_url: str = ""
    mirror_path: str = ""
    link_regex: str = ""
    page_content_types: tuple[str, ...] = ("text/html",)
    slug: str = ""  # dsa_dumps: the dumps' platform slug (global = every platform), variant and schedule
    variant: str = ""
    recheck_days: int = 0
    max_new_days: int = 0

    def pattern_targets(self, today: date) -> list[Target]:
        """The files of a ``pattern`` source: one per period from ``since`` that ended before ``today``."""
        out = []
        for p in periods_between(self.periods, self.since or today, self.until or today, today):
            url = self.url.format(**p.values)
            out.append(Target(path=self.path.format(**p.values), url=url, edition=self.edition.format(**p.values),
                              checksum_url=self.checksum_url.format(url=url, **p.values) if self.checksum_url else "",
                              may_be_unpublished=True))
        return out

    def listing_target(self, link_url: str, name: str) -> Target:
        """The file a link of a ``listing`` page points to (``name``: the link's file name)."""
        path = self.path.format(name=name)
        return Target(path=check_path(path, f"listing link {link_url!r}"), url=link_url, edition=self.edition,
                      checksum_url=self.checksum_url.format(url=link_url) if self.checksum_url else "")


def period_values(kind: str, start: date) -> Period:
    """The period of ``kind`` that starts on ``start`` (a first day of that kind)."""
    year, month = start.year, start.month
    if kind == "year":
        end = date(year, 12, 31)
    elif kind == "half":
        end = date(year, 6, 30) if month <= 6 else date(year, 12, 31)
    elif kind == "quarter":
        end = month_end(year, 3 * ((month - 1) // 3) + 3)
    elif kind == "month":
        end = month_end(year, month)
    else:
        end = start
    values = {"year": year, "half": 1 if month <= 6 else 2, "quarter": (month - 1) // 3 + 1, "month": month,
              "day": start.day, "date": start.isoformat()}
    return Period(start, end, values)


def _first_day(kind: str, d: date) -> date:
    if kind == "year":
        return date(d.year, 1, 1)
    if kind == "half":
        return date(d.year, 1 if d.month <= 6 else 7, 1)
    if kind == "quarter":
        return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    if kind == "month":
        return date(d.year, d.month, 1)
    return d


def periods_between(kind: str, since: date, until: date, today: date) -> list[Period]:
    """Periods of ``kind`` from the one holding ``since`` to the one holding ``until``, keeping
    only those that ended before ``today`` (a report on a period comes after it ends)."""
    out = []
    start = _first_day(kind, since)
    while start <= until:
        p = period_values(kind, start)
        if p.end >= today:
            break
        out.append(p)
        start = p.end + timedelta(days=1)
    return out


def check_path(path: str, what: str, file: Path | None = None) -> str:
    """A relative POSIX path inside the cache (no ``..``, not absolute, not empty)."""
    pp = PurePosixPath(path)
    if not path or pp.is_absolute() or ".." in pp.parts or "\\" in path or path.endswith("/"):
        raise InputError(file or "fetch", f"{what}: path {path!r} is not a relative file path",
                         expected="a path like meta/meta-2024-q2.csv")
    return path


class _Reader:
    """Validates one source's block, raising InputError naming sources.yaml and the source."""

    def __init__(self, file: Path, source_id: str) -> None:
        self.file, self.sid = file, source_id

    def fail(self, problem: str, **kw: Any) -> InputError:
        return InputError(self.file, f"source {self.sid!r}: fetch: {problem}", **kw)

    def text(self, block: dict, key: str) -> str:
        value = block.get(key, "")
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise self.fail(f"{key} must be text", got=value)
        return str(value)

    def template(self, block: dict, key: str, sample: dict[str, Any]) -> str:
        text = self.text(block, key)
        try:
            text.format(**sample)
        except (KeyError, IndexError, ValueError) as exc:
            raise self.fail(f"{key} template {text!r} cannot be filled ({exc})",
                            expected="placeholders among " + ", ".join("{" + k + "}" for k in sample)) from exc
        return text

    def date(self, block: dict, key: str) -> date | None:
        value = block.get(key)
        if value is None or isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError as exc:
            raise self.fail(f"{key} is not a date", got=value, expected="YYYY-MM-DD") from exc

    def checksum(self, url: str) -> str:
        if url and not url.endswith(tuple("." + a for a in CHECKSUM_ALGORITHMS)):
            raise self.fail(f"checksum_url {url!r} names no algorithm", expected="an address ending in .sha1 or .sha256")
        return url

    def whole(self, block: dict, key: str, minimum: int) -> int:
        value = block.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise self.fail(f"{key} must be a whole number of at least {minimum}", got=value)
        return value

    def media_types(self, block: dict, key: str) -> tuple[str, ...]:
        value = block.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and "/" in v for v in value):
            raise self.fail(f"{key} must be a list of media types", got=value, expected="e.g. [text/csv, application/pdf]")
        return tuple(v.strip().lower() for v in value)

    def files(self, block: dict) -> tuple[Target, ...]:
        entries = block.get("files")
        if not isinstance(entries, list) or not entries:
            raise self.fail("files must be a non-empty list", expected="- {path: ..., url: ...}")
        out, seen = [], set()
        for i, e in enumerate(entries, start=1):
            if not isinstance(e, dict):
                raise self.fail(f"file {i} is not a mapping", got=e)
            unknown = sorted(set(e) - FILE_KEYS)
            if unknown or not e.get("path") or not e.get("url"):
                raise self.fail(f"file {i} has unknown or missing keys", got=unknown or sorted(e),
                                expected="path, url and optionally " + ", ".join(sorted(FILE_KEYS - {"path", "url"})))
            path = check_path(self.text(e, "path"), f"source {self.sid!r}: file {i}", self.file)
            if path in seen:
                raise self.fail(f"path {path!r} is declared twice")
            seen.add(path)
            digest = self.text(e, "sha256").lower()
            if digest and not _HEX["sha256"].match(digest):
                raise self.fail(f"file {path}: sha256 is not 64 hex digits", got=digest)
            url = self.text(e, "url")
            out.append(Target(path=path, url=url, edition=self.text(e, "edition") or self.text(block, "edition"),
                              sha256=digest, checksum_url=self.checksum(self.text(e, "checksum_url"))))
        return tuple(out)


def parse_fetch(file: Path, source_id: str, block: Any) -> FetchDecl:
    """Validate one ``fetch:`` block (``file`` is sources.yaml, named in every error)."""
    r = _Reader(file, source_id)
    if not isinstance(block, dict):
        raise InputError(file, f"source {source_id!r} lacks a fetch block",
                         expected="fetch: {method: " + " | ".join(METHODS) + ", ...}")
    method = block.get("method")
    if method not in METHODS:
        raise r.fail("unknown method", got=method, expected=" | ".join(METHODS))
    unknown = sorted(set(block) - KEYS[method])
    if unknown:
        raise r.fail(f"unknown key(s) for method {method}", got=unknown, expected=", ".join(sorted(KEYS[method])))
    missing = sorted(REQUIRED[method] - set(block))
    if missing:
        raise r.fail(f"method {method} needs {', '.join(missing)}")
    if method == "none":
        return FetchDecl(source_id, method, why=" ".join(r.text(block, "why").split()), note=r.text(block, "note"))
    min_bytes = block["min_bytes"]
    if not isinstance(min_bytes, int) or isinstance(min_bytes, bool) or min_bytes < 1:
        raise r.fail("min_bytes must be a positive whole number", got=min_bytes)
    common = {"content_types": r.media_types(block, "content_types"), "min_bytes": min_bytes, "note": r.text(block, "note")}
    if method == "files":
        return FetchDecl(source_id, method, files=r.files(block), edition=r.text(block, "edition"), **common)
    if method == "dsa_dumps":
        return _dsa_dumps(r, block, common)
    if method == "pattern":
        kind = block["periods"]
        if kind not in PERIODS:
            raise r.fail("unknown periods", got=kind, expected=" | ".join(PERIODS))
        since, until = r.date(block, "since"), r.date(block, "until")
        first = period_values(kind, _first_day(kind, since))
        second = period_values(kind, first.end + timedelta(days=1))
        url = r.template(block, "url", first.values)
        path = r.template(block, "path", first.values)
        check_path(path.format(**first.values), f"source {source_id!r}: pattern", file)
        if path.format(**first.values) == path.format(**second.values):
            raise r.fail(f"path template {path!r} gives every {kind} the same path", expected="a placeholder such as {year}")
        checksum = r.checksum(r.template(block, "checksum_url", {"url": url, **first.values}) if "checksum_url" in block else "")
        edition = r.template(block, "edition", first.values) if "edition" in block else ""
        return FetchDecl(source_id, method, url=url, path=path, periods=kind, since=since, until=until,
                         checksum_url=checksum, edition=edition, **common)
    regex = r.text(block, "link_regex")
    try:
        if re.compile(regex).groups < 1:
            raise r.fail(f"link_regex {regex!r} has no group", expected="a regex whose first group is the link")
    except re.error as exc:
        raise r.fail(f"link_regex {regex!r} is not a regex ({exc})") from exc
    path = r.template(block, "path", {"name": "file.csv"})
    check_path(path.format(name="file.csv"), f"source {source_id!r}: listing", file)
    page_types = r.media_types(block, "page_content_types") if "page_content_types" in block else ("text/html",)
    return FetchDecl(source_id, method, url=r.text(block, "url"), path=path, link_regex=regex,
                     mirror_path=check_path(r.text(block, "mirror_path"), f"source {source_id!r}: mirror_path", file),
                     checksum_url=r.checksum(r.template(block, "checksum_url", {"url": "u"}) if "checksum_url" in block else ""),
                     page_content_types=page_types, edition=r.text(block, "edition"), **common)


def _dsa_dumps(r: _Reader, block: dict, common: dict[str, Any]) -> FetchDecl:
    """A ``dsa_dumps`` block: the daily dumps of the DSA Transparency Database."""
    sample = "sor-global-2025-07-01-light.zip"
    url = r.template(block, "url", {"name": sample})
    if url.format(name=sample) == url.format(name="sor-global-2025-07-02-light.zip"):
        raise r.fail(f"url template {url!r} gives every day the same address", expected="a {name} placeholder (the dump's file name)")
    slug = r.text(block, "slug")
    if not _SLUG.match(slug):
        raise r.fail("slug is not a slug of the dumps' file names", got=slug, expected="global or a platform's slug such as tiktok")
    variant = block.get("variant")
    if variant not in DSA_VARIANTS:
        raise r.fail("unknown variant", got=variant, expected=" | ".join(DSA_VARIANTS))
    since, until = r.date(block, "since"), r.date(block, "until")
    if since is None:
        raise r.fail("since is not a date", got=since, expected="YYYY-MM-DD")
    if until is not None and until < since:
        raise r.fail("until is before since", got=until.isoformat(), expected=f"a day from {since.isoformat()}")
    return FetchDecl(r.sid, "dsa_dumps", url=url, slug=slug, variant=variant, since=since, until=until,
                     recheck_days=r.whole(block, "recheck_days", 0), max_new_days=r.whole(block, "max_new_days", 1), **common)


def load_declarations(data_dir: Path) -> dict[str, FetchDecl]:
    """Every source's fetch block, by source id (the catalog is validated as a whole first)."""
    from site_builder import catalog  # catalog imports this module to validate the blocks

    doc = catalog.load_catalog(data_dir)
    file = data_dir / "catalog" / "sources.yaml"
    return {sid: parse_fetch(file, sid, src.get("fetch")) for sid, src in doc["sources"].items()}
