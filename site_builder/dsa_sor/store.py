"""The distilled store of the daily dumps (outside git) and its manifest of days.

``STORE/slug=<slug>/variant=<full|light>/dump=<YYYY-MM-DD>/`` holds, for one dump file:
``cube.parquet`` (its own day's cube), ``strays.parquet`` (statements of other days it holds, one by
one), ``edge.parquet`` (uuids of its statements filed in the first and last minutes of the day),
``unreadable.csv`` (lines still unreadable after the re-reads: part, line, error) and
``manifest.json`` (its manifest row). A partition is written to a temporary directory and swapped
into place whole; a dump whose sha1 is unchanged is not read again, one whose sha1 changed
upstream is (the database regenerates dumps from time to time).

``STORE/manifest.csv`` has one row per dump read (date, schema version, sha1, rows read, rejected,
de-duplicated, processed at …), rebuilt from the partitions, so parallel workers never write it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from site_builder import settings
from site_builder.dsa_sor.layout import DumpFile, read_sha1_file
from site_builder.dsa_sor.reader import EDGE_MINUTES, DumpReader, sql, unreadable_csv
from site_builder.errors import InputError

DEFAULT_STORE = settings.CACHE_DIR / "dsa_sor"
MANIFEST_FIELDS = (
    "date", "slug", "variant", "file", "url", "bytes", "schema_version", "sha1", "generated", "rows_read", "rows_rejected",
    "rows_recovered_backslash", "rows_recovered_encoding", "rows_unreadable", "rows_undated", "rows_stray",
    "rows_deduplicated", "strays_unverified", "parts", "header_only_parts", "inner_zips", "processed_at",
)


@dataclass
class DayRow:
    """One dump file read into the store: what was read, rejected and recovered, and when."""

    date: str
    slug: str
    variant: str
    file: str
    url: str
    bytes: int
    schema_version: str
    sha1: str
    generated: bool
    rows_read: int
    rows_rejected: int
    rows_recovered_backslash: int
    rows_recovered_encoding: int
    rows_unreadable: int
    rows_undated: int
    rows_stray: int
    parts: int
    header_only_parts: int
    inner_zips: int
    processed_at: str


def partition(store: Path, slug: str, variant: str, day: date) -> Path:
    return store / f"slug={slug}" / f"variant={variant}" / f"dump={day.isoformat()}"


def read_row(part: Path) -> DayRow | None:
    p = part / "manifest.json"
    return DayRow(**json.loads(p.read_text(encoding="utf-8"))) if p.is_file() else None


@dataclass(frozen=True)
class Outcome:
    """What ``process_day`` did with one dump: read, re-read (sha1 changed) or unchanged."""

    dump: str
    action: str
    row: DayRow


def process_day(dump: DumpFile, store: Path = DEFAULT_STORE, *, scratch: Path | None = None, threads: int | None = None,
                force: bool = False, edge_minutes: int = EDGE_MINUTES, now: datetime | None = None) -> Outcome:
    """Read one dump into its partition unless the stored one has the same sha1. Raises on bad input,
    leaving the previous partition (if any) in place."""
    target = partition(store, dump.slug, dump.variant, dump.day)
    old = read_row(target)
    stated = read_sha1_file(dump)
    if old and old.sha1 == stated and not force:
        return Outcome(dump.name, "unchanged", old)
    reader = DumpReader(dump, scratch=scratch, threads=threads, edge_minutes=edge_minutes)
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    try:
        counts = reader.read()
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        reader.write(tmp)
        if counts.rows_undated:
            raise InputError(dump.path, f"{counts.rows_undated:,} statements have a created_at that is not a timestamp, so "
                             "no day can be given to them", cell="created_at", expected="'YYYY-MM-DD HH:MM:SS' (UTC)")
        stray = reader.con.execute("SELECT coalesce(sum(rows), 0) FROM sor_acc WHERE day <> $day",
                                   {"day": dump.day}).fetchall()[0]
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)  # the previous partition, if any, stays in place
        raise
    finally:
        reader.close()
    rejected = counts.recovered_backslash + counts.recovered_encoding + len(counts.unreadable)
    row = DayRow(
        date=dump.day.isoformat(), slug=dump.slug, variant=dump.variant, file=dump.name, url=dump.url,
        bytes=dump.path.stat().st_size,
        schema_version=reader.schema_version, sha1=reader.sha1, generated=reader.generated, rows_read=counts.rows_read,
        rows_rejected=rejected, rows_recovered_backslash=counts.recovered_backslash,
        rows_recovered_encoding=counts.recovered_encoding, rows_unreadable=len(counts.unreadable),
        rows_undated=counts.rows_undated, rows_stray=int(stray[0]) if stray else 0, parts=counts.parts,
        header_only_parts=counts.header_only_parts, inner_zips=counts.inner_zips,
        processed_at=(now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    (tmp / "unreadable.csv").write_text(unreadable_csv(counts.unreadable), encoding="utf-8")
    (tmp / "manifest.json").write_text(json.dumps(asdict(row), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    _swap(tmp, target)
    return Outcome(dump.name, "re-read (sha1 changed upstream)" if old else "read", row)


def _swap(tmp: Path, target: Path) -> None:
    """Put a finished partition in place of the old one (rename; the old one is removed after)."""
    gone = target.with_name(f"{target.name}.old-{os.getpid()}")
    if target.exists():
        target.rename(gone)
    try:
        tmp.rename(target)
    except OSError:
        if gone.exists() and not target.exists():
            gone.rename(target)  # put the previous partition back
        raise
    shutil.rmtree(gone, ignore_errors=True)


def day_rows(store: Path, slug: str, variant: str) -> list[DayRow]:
    base = store / f"slug={slug}" / f"variant={variant}"
    rows = [read_row(p) for p in sorted(base.glob("dump=*")) if p.is_dir() and "." not in p.name]
    return [r for r in rows if r is not None]


def files(store: Path, slug: str, variant: str, name: str) -> list[str]:
    base = store / f"slug={slug}" / f"variant={variant}"
    return [str(p) for p in sorted(base.glob(f"dump=*/{name}.parquet")) if "." not in p.parent.name]


def stray_counts(store: Path, slug: str, variant: str, edge_minutes: int = EDGE_MINUTES) -> dict[str, tuple[int, int]]:
    """Per day (ISO): (strays dropped as duplicates, strays kept without a check)."""
    strays, edges = files(store, slug, variant, "strays"), files(store, slug, variant, "edge")
    if not strays or not edges:
        return {}
    con = duckdb.connect()
    rows = con.execute(sql("stray_counts"), {"strays": strays, "edges": edges, "edge_minutes": edge_minutes}).fetchall()
    return {d.isoformat(): (int(dedup), int(unverified)) for d, _, dedup, unverified in rows}


def manifest(store: Path, slug: str, variant: str) -> list[dict[str, object]]:
    """The manifest rows of one slug and variant, by date, with de-duplication counted across days."""
    dedup = stray_counts(store, slug, variant)
    out = []
    for r in day_rows(store, slug, variant):
        d = asdict(r)
        d["rows_deduplicated"], d["strays_unverified"] = dedup.get(r.date, (0, 0))
        out.append({k: d[k] for k in MANIFEST_FIELDS})
    return out


def write_manifest(store: Path, slug: str, variant: str) -> Path:
    """Rebuild ``STORE/manifest-<slug>-<variant>.csv`` from the partitions (atomic replace)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=MANIFEST_FIELDS, lineterminator="\n")
    w.writeheader()
    w.writerows(manifest(store, slug, variant))
    path = store / f"manifest-{slug}-{variant}.csv"
    store.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp-{os.getpid()}")
    tmp.write_text(buf.getvalue(), encoding="utf-8")
    tmp.replace(path)
    return path


def final_cube(store: Path, slug: str, variant: str, con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation | None:
    """The de-duplicated cube of every day read (a relation on ``con``), or None when nothing was read."""
    cubes = files(store, slug, variant, "cube")
    if not cubes:
        return None
    days = [date.fromisoformat(r.date) for r in day_rows(store, slug, variant)]
    params = {"cubes": cubes, "strays": files(store, slug, variant, "strays"), "edges": files(store, slug, variant, "edge"),
              "days": days}
    return con.sql(sql("final_cube"), params=params)
