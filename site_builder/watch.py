"""What the nightly watch leaves in ``data/`` for the build to show readers.

* ``data/catalog/fetches.csv`` (the fetch log, written by the fetch step): one row per file
  fetched (or tried) on a night: when (``fetched_at``, UTC, ``2026-12-03T02:00:01Z``), which
  source and file, the HTTP status, the ``outcome`` (data/taxonomy/fetch_outcomes.csv: new,
  unchanged, changed, not_published, failed) and, for a failure, its ``reason``.
* ``data/changes.csv`` (written by the nightly job): one row per change found on a night
  (``date``): the source, the release it concerns (may be empty), its ``kind``
  (data/taxonomy/change_kinds.csv), ``count`` (releases, figures or files), ``child_safety``
  (how many of those figures concern child safety; empty counts as 0), a short sentence
  (``detail``, shown escaped) and the document's address (``link``, may be empty).
* ``data/archive/<YYYY-MM-DD>/`` (may be absent): the dated bundle a publish wrote that night
  (observations as Parquet, the data package, that night's changes), copied into the site
  under ``downloads/archive/<date>/``.

Either CSV file may be absent or hold only its header; the build then shows that nothing
has been recorded yet. A record with the wrong number of fields stops the build naming the
file and line; bad values are refused by ``sql/checks/changes_valid.sql`` and
``fetches_valid.sql``.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path
from typing import Any

from site_builder.catalog import sha256_of
from site_builder.errors import InputError
from site_builder.textfile import csv_lines, read_text

FETCH_COLUMNS = ["fetched_at", "source_id", "path", "url", "final_url", "status", "outcome", "reason", "sha256", "bytes",
                 "etag", "last_modified", "content_type", "vintage"]
CHANGE_COLUMNS = ["date", "source_id", "release_id", "kind", "count", "child_safety", "detail", "link"]
# the details nightly.history() writes: a night whose every change starts so is the day this
# site first read its sources, not a night of the watch (the What changed page says so)
HISTORY_DETAILS = ("First read by this site: ", "Found when this site first compared the ")
RETRIEVED = " (retrieved "  # in the edition of a file re-issued at an address already read
ARCHIVE_DIR = "archive"
_NIGHT = re.compile(r"\d{4}-\d{2}-\d{2}")


def fetches_path(data_dir: Path) -> Path:
    return data_dir / "catalog" / "fetches.csv"


def changes_path(data_dir: Path) -> Path:
    return data_dir / "changes.csv"


def check_records(path: Path, columns: list[str], shown: str) -> None:
    """Every record of ``path`` has as many fields as ``columns`` (else InputError naming the
    line, the number of fields found and the columns expected)."""
    reader = csv.reader(csv_lines(read_text(path, shown)))
    next(reader, None)  # the header, checked by the caller
    for record in reader:
        if len(record) != len(columns):
            found = "an empty line" if not record else f"{len(record)} fields"
            raise InputError(shown, f"{found} where {len(columns)} are expected", line=reader.line_num,
                             expected=f"{len(columns)} comma-separated fields ({','.join(columns)}); "
                                      "quote a field that contains a comma")


def by_hand(source: dict[str, Any]) -> bool:
    """Whether the catalog says a source is not fetched (a fetch block whose ``method`` is none,
    with its ``why``; see site_builder/fetch/declarations.py): its figures are transcribed by
    hand. A source without a fetch block is taken to be fetched."""
    spec = source.get("fetch", {})
    if spec is None or spec is False:
        return True
    if isinstance(spec, str):
        return spec.strip().lower() == "none"
    if isinstance(spec, dict):
        return str(spec.get("method") or spec.get("how") or "").strip().lower() == "none"
    return False


def _is_night(name: str) -> bool:
    if not _NIGHT.fullmatch(name):
        return False
    try:
        date.fromisoformat(name)
    except ValueError:
        return False
    return True


def not_fetched_why(source: dict[str, Any]) -> str:
    """Why the catalog does not fetch a source (its fetch block's ``why``), or ''."""
    spec = source.get("fetch")
    return " ".join(str(spec.get("why") or "").split()) if isinstance(spec, dict) and by_hand(source) else ""


def archive_files(data_dir: Path) -> list[tuple[str, str, int, str]]:
    """(night, file, bytes, sha256) of every file of every dated bundle in ``data/archive``,
    in order; a folder there not named YYYY-MM-DD stops the build."""
    root = data_dir / ARCHIVE_DIR
    if not root.is_dir():
        return []
    out = []
    for night in sorted(p for p in root.iterdir() if not p.name.startswith(".")):
        if not night.is_dir() or not _is_night(night.name):
            raise InputError(night, "not a dated snapshot folder", expected=f"{ARCHIVE_DIR}/YYYY-MM-DD/ folders only")
        for f in sorted(p for p in night.rglob("*") if p.is_file()):
            out.append((night.name, f.relative_to(night).as_posix(), f.stat().st_size, sha256_of(f)))
    return out
