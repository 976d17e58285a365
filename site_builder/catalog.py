"""The source catalog (hand-written YAML) and the release list (written by ingest).

A *source* is a publisher's series (Meta's enforcement report); a *release* is one
published file or edition of it (the CSV whose latest quarter is 2024Q2), identified by
``release_id`` and pinned by the sha256 and size of the file it was read from.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from site_builder.errors import InputError
from site_builder.fetch.declarations import parse_fetch
from site_builder.textfile import read_table

SOURCE_KINDS = {
    "platform_report",
    "clearinghouse",
    "regulator",
    "regulator_database",
    "ngo_test",
    "compilation",
}
SOURCE_FIELDS = ("short", "publisher", "title", "url", "kind", "cadence", "licence")
CURATED_ROLES = {"facts", "crosscheck", "claims", "reference"}
MANIFEST_COLUMNS = [
    "path", "source_id", "publisher", "edition", "format", "original_url",
    "obtained_via", "sha256", "bytes", "note",
]


@dataclass(frozen=True)
class Release:
    """One published file or edition that observations were read from.

    ``kind`` is ``raw`` (a publisher's file read by an adapter) or ``curated`` (a
    transcription in ``shared/data/curated``); ``precedence`` decides which value counts
    when two releases of a source publish the same key (raw 2 beats curated 1, then the
    later ``edition_end``). ``snapshot`` is ``full`` when the release republishes the whole
    history (so consecutive releases can be compared for revisions).
    """

    release_id: str
    source_id: str
    edition: str
    edition_end: str
    kind: str
    precedence: int
    snapshot: str
    title: str
    url: str
    file: str
    sha256: str
    bytes: int
    obtained_via: str
    first_ingested: str


RELEASE_COLUMNS = [f.name for f in fields(Release)]


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_catalog(data_dir: Path) -> dict[str, Any]:
    """Read and validate ``data/catalog/sources.yaml``."""
    path = data_dir / "catalog" / "sources.yaml"
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(path, f"cannot read the source catalog: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("sources"), dict):
        raise InputError(path, "no 'sources' mapping", expected="sources: {source_id: {...}}")
    for sid, src in doc["sources"].items():
        missing = [f for f in SOURCE_FIELDS if not src.get(f)]
        if missing:
            raise InputError(path, f"source {sid!r} lacks {', '.join(missing)}")
        if src["kind"] not in SOURCE_KINDS:
            raise InputError(path, f"source {sid!r} has unknown kind", got=src["kind"],
                             expected=" | ".join(sorted(SOURCE_KINDS)))
        parse_fetch(path, sid, src.get("fetch"))  # how its releases are fetched (site_builder/fetch/)
    for name, spec in (doc.get("curated") or {}).items():
        if spec.get("role") not in CURATED_ROLES:
            raise InputError(path, f"curated file {name!r} has unknown role", got=spec.get("role"),
                             expected=" | ".join(sorted(CURATED_ROLES)))
        sid = spec.get("source_id")
        if spec["role"] != "claims" and sid not in doc["sources"]:
            raise InputError(path, f"curated file {name!r} names unknown source", got=sid)
    return doc


def read_manifest(raw_dir: Path) -> list[dict[str, str]]:
    """Read ``MANIFEST.csv`` of the raw directory (one row per original published file)."""
    path = raw_dir / "MANIFEST.csv"
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            if reader.fieldnames is None or set(MANIFEST_COLUMNS) - set(reader.fieldnames):
                raise InputError(path, "unexpected header", got=reader.fieldnames,
                                 expected=",".join(MANIFEST_COLUMNS))
            return list(reader)
    except FileNotFoundError as exc:
        raise InputError(path, "no MANIFEST.csv in the raw directory") from exc


def verify_raw_file(raw_dir: Path, entry: dict[str, str]) -> Path:
    """Return the path of a manifest entry after checking it is the file the manifest describes."""
    path = raw_dir / entry["path"]
    if not path.is_file():
        raise InputError(path, "raw file listed in MANIFEST.csv is missing")
    size = path.stat().st_size
    if str(size) != entry["bytes"]:
        raise InputError(path, "size differs from MANIFEST.csv", got=size, expected=entry["bytes"])
    digest = sha256_of(path)
    if digest != entry["sha256"]:
        raise InputError(path, "sha256 differs from MANIFEST.csv", got=digest, expected=entry["sha256"])
    return path


def releases_path(data_dir: Path) -> Path:
    return data_dir / "catalog" / "releases.csv"


def read_releases(data_dir: Path) -> list[Release]:
    path = releases_path(data_dir)
    return [Release(**{**row, "precedence": int(row["precedence"]), "bytes": int(row["bytes"])})
            for row in read_table(path, RELEASE_COLUMNS)]


def write_releases(data_dir: Path, new: list[Release], *, replace: set[str]) -> None:
    """Replace the releases written by one ingest unit, keeping everyone else's rows.

    ``replace`` holds the release ids this ingest unit owns (all of them are rewritten).
    ``first_ingested`` is kept for a release whose file (sha256) did not change, so a
    rerun of ingest on unchanged files leaves the catalog byte-identical.
    """
    old = {r.release_id: r for r in read_releases(data_dir)}
    kept = [r for rid, r in old.items() if rid not in replace]
    merged = []
    for r in new:
        prev = old.get(r.release_id)
        if prev is not None and prev.sha256 == r.sha256:
            r = Release(**{**asdict(r), "first_ingested": prev.first_ingested})
        merged.append(r)
    rows = sorted(kept + merged, key=lambda r: (r.source_id, r.kind, r.edition_end, r.release_id))
    path = releases_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=RELEASE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow(asdict(r))
    tmp.replace(path)


REPORT_ID_COLUMNS = ["release_id", "provider", "service", "period_start", "period_end", "published",
                     "previous_published", "file", "published_line", "previous_line", "sha256"]


def report_identification_path(data_dir: Path) -> Path:
    """``data/catalog/report_identification.csv``: one row per report of a multi-table source
    (the DSA template's table 1): who published it, for which period, when, and the date it
    gives for the latest previous report, with the file (and its sha256) and lines they were read from."""
    return data_dir / "catalog" / "report_identification.csv"


def write_report_identification(data_dir: Path, rows: list[dict[str, str]], *, replace: set[str] | None) -> None:
    """Write the identification rows of one ingest (``replace=None``: all rows are this ingest's;
    otherwise only the rows of those release ids are rewritten), sorted, atomically."""
    path = report_identification_path(data_dir)
    kept: list[dict[str, str]] = []
    if replace is not None and path.exists():
        with path.open(encoding="utf-8", newline="") as fh:
            kept = [r for r in csv.DictReader(fh) if r["release_id"] not in replace]
    merged = sorted(kept + rows, key=lambda r: r["release_id"])
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=REPORT_ID_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(merged)
    tmp = path.with_suffix(".csv.tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp.write_text(buf.getvalue(), encoding="utf-8")
    tmp.replace(path)


def read_report_identification(data_dir: Path) -> list[dict[str, str]]:
    """The rows of ``report_identification.csv`` (none when the file is absent)."""
    return read_table(report_identification_path(data_dir), REPORT_ID_COLUMNS)
