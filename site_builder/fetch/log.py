"""The fetch log ``data/catalog/fetches.csv``: one row per file per fetch, appended in run order.

A row says when (``fetched_at``, UTC) which file of which source (``path``, as in the raw
MANIFEST.csv) was requested at which address (``url``, the mirror's when ``--mirror`` was
used; ``final_url`` after redirects), what came back (``status``, ``etag``,
``last_modified``, ``content_type``, ``sha256`` and ``bytes`` of the body or, for a 304, of
the bytes known from before) and what the fetch made of it (``outcome``):

* ``new``: first bytes ever seen for this path, kept in the cache at ``vintage``;
* ``changed``: different bytes from the latest known for this path (a new vintage, kept);
* ``unchanged``: a 304, or the same sha256 as the latest known bytes (nothing written);
* ``not_published``: a period of a pattern source answered 404 and was never fetched before;
* ``failed``: no usable response; ``reason`` says why. Nothing was written.

The log is never rewritten: rows are only appended. Its column names are read by other stages.
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from site_builder.textfile import read_table

OUTCOMES = ("new", "unchanged", "changed", "not_published", "failed")
KEPT = ("new", "changed")
SUCCESS = ("new", "changed", "unchanged")


@dataclass(frozen=True)
class FetchResult:
    """One row of the fetch log (see the module docstring), plus ``vintage_path`` (the kept
    file, absolute; None unless new or changed) and ``edition`` (declared, else "")."""

    fetched_at: str
    source_id: str
    path: str
    url: str
    final_url: str
    status: int | None
    outcome: str
    reason: str
    sha256: str
    bytes: int | None
    etag: str
    last_modified: str
    content_type: str
    vintage: str
    vintage_path: Path | None = None
    edition: str = ""

    def row(self) -> dict[str, str]:
        d = asdict(self)
        return {c: "" if d[c] is None else str(d[c]) for c in LOG_COLUMNS}


LOG_COLUMNS = [f.name for f in fields(FetchResult)][:14]


def log_path(data_dir: Path) -> Path:
    return data_dir / "catalog" / "fetches.csv"


def read_log(data_dir: Path) -> list[dict[str, str]]:
    """Every row of the fetch log, as text (an absent log has no rows)."""
    return read_table(log_path(data_dir), LOG_COLUMNS)


def append_row(data_dir: Path, result: FetchResult) -> None:
    """Append one row (writing the header first if the log is new or empty)."""
    path = log_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists() or path.stat().st_size == 0
    with path.open("a", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=LOG_COLUMNS, lineterminator="\n")
        if new:
            writer.writeheader()
        writer.writerow(result.row())


class LogIndex:
    """What earlier fetches (and releases.csv) say about an address or a path.

    ``last_success(url, path)``: the latest new/changed/unchanged row for that address and path
    (its ETag and Last-Modified make the next request conditional; by path too, because several
    files may be declared at one address, and a 304 must not give one the bytes of another). ``known_sha(source, path)``: the sha256
    of the latest bytes known for a path: the latest successful row of the log, else the
    release whose ``file`` is that path.
    """

    def __init__(self, rows: list[dict[str, str]], release_shas: dict[tuple[str, str], str]) -> None:
        self._by_url: dict[tuple[str, str], dict[str, str]] = {}
        self._by_path: dict[tuple[str, str], dict[str, str]] = {}
        self._releases = release_shas
        for row in rows:
            self.add(row)

    def add(self, row: dict[str, str]) -> None:
        if row["outcome"] not in SUCCESS:
            return
        self._by_url[(row["url"], row["path"])] = row
        if row["sha256"]:
            self._by_path[(row["source_id"], row["path"])] = row

    def last_success(self, url: str, path: str) -> dict[str, str] | None:
        return self._by_url.get((url, path))

    def known_sha(self, source_id: str, path: str) -> str | None:
        row = self._by_path.get((source_id, path))
        return row["sha256"] if row else self._releases.get((source_id, path))
