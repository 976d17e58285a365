"""The DSA Transparency Database's part of a night (called by site_builder/nightly.py).

For a source fetched with method ``dsa_dumps`` (``dsa_sor``) that was fetched tonight:

* every dump the fetch kept tonight (new or changed), and every dump fetched on an earlier night
  that the store does not hold with its sha1 and that was not set aside before, is read into the
  store (``store.process_day``). A dump that cannot be read is set aside like the other sources'
  unreadable editions (a row of data/quarantine/editions/editions.csv), a ``format_changed``
  change is recorded, and the store keeps what it held for that day: the last good data;
* the store's manifest is rebuilt and the monthly figures are derived from the whole store into
  the night's work copy of data/ (``ingest.write_derived``: complete months only), so the night
  builds, checks and publishes them like any other source's. A new month is a new release (a
  ``new_release`` change, found by nightly.release_changes); a month derived again with other
  values (a dump regenerated upstream, or statements of its days found in a neighbouring dump)
  gives a ``revised_figures`` change. A derivation that fails leaves the work copy as it was.

The figures are derived on every night the source is fetched, not only when a dump was read, so
that a night whose build failed after the store took its dumps is caught up by the next one.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from site_builder import catalog, fmt
from site_builder.dsa_sor import store
from site_builder.dsa_sor.derive import SOURCE_ID
from site_builder.dsa_sor.ingest import DAYS_FILE, write_derived
from site_builder.dsa_sor.layout import parse_dump_path, read_sha1_file
from site_builder.errors import InputError
from site_builder.fetch.declarations import FetchDecl, load_declarations
from site_builder.fetch.log import KEPT, FetchResult

UNREADABLE = (InputError, duckdb.Error, ValueError, KeyError)
KEY = ("release_id", "platform_label", "policy_label", "metric_label", "period_start", "period_end", "geography")


@dataclass
class DsaNight:
    """What the night did with the dumps: changes (rows of data/changes.csv), dumps set aside
    (rows of editions.csv), sources left with their last good data (why), the sources whose
    figures were derived again into the work copy, and the dumps read into the store."""

    changes: list[dict[str, object]] = field(default_factory=list)
    quarantined: list[dict[str, str]] = field(default_factory=list)
    stale: dict[str, str] = field(default_factory=dict)
    derived: set[str] = field(default_factory=set)
    read: list[str] = field(default_factory=list)


def dump_sources(data_dir: Path) -> dict[str, FetchDecl]:
    """The sources the catalog fetches as DSA daily dumps, with their fetch blocks."""
    return {sid: d for sid, d in load_declarations(data_dir).items() if d.method == "dsa_dumps"}


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def to_read(results: Iterable[FetchResult], decl: FetchDecl, store_dir: Path, cache_dir: Path,
            set_aside: set[str]) -> list[FetchResult]:
    """The dumps to read tonight (each result with ``vintage`` set): the kept ones, and those fetched
    before whose sha1 the store does not hold and that were not set aside (``set_aside``: vintages)."""
    stored = {r.date: r.sha1 for r in store.day_rows(store_dir, decl.slug, decl.variant)}
    root, out = cache_dir.resolve(), []
    for r in results:
        if r.source_id != decl.source_id or r.vintage_path is None:
            continue
        vintage = Path(r.vintage_path).resolve().relative_to(root).as_posix()
        if r.outcome in KEPT:
            out.append(r)
        elif r.outcome == "unchanged" and vintage not in set_aside:
            dump = parse_dump_path(Path(r.vintage_path))
            if stored.get(dump.day.isoformat()) != read_sha1_file(dump):
                out.append(replace(r, vintage=vintage))
    return out


def revised(before: list[dict[str, str]], after: list[dict[str, str]], releases: list[catalog.Release],
            child_labels: set[str], day: str) -> list[dict[str, object]]:
    """``revised_figures`` changes: per month already published, the figures it now gives with another
    value, or no longer gives."""
    old = {tuple(r[k] for k in KEY): r for r in before}
    new = {tuple(r[k] for k in KEY): r for r in after}
    still = {k[0] for k in new}
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for key, r in old.items():
        n = new.get(key)
        if r["release_id"] in still and (n is None or (n["value_status"], n["value"]) != (r["value_status"], r["value"])):
            per[r["release_id"]][0] += 1
            per[r["release_id"]][1] += r["policy_label"] in child_labels
    by_id = {r.release_id: r for r in releases}
    return [{"date": day, "source_id": SOURCE_ID, "release_id": rid, "kind": "revised_figures", "count": n, "child_safety": child,
             "detail": f"Release {by_id[rid].edition} gives other values for figures already published "
                       "(counted again from its daily dumps)", "link": by_id[rid].url}
            for rid, (n, child) in sorted(per.items()) if rid in by_id]


def _child_labels(data_dir: Path, child_areas: Iterable[str]) -> set[str]:
    areas = set(child_areas)
    return {r["label"] for r in _rows(data_dir / "taxonomy" / "policy_labels" / f"{SOURCE_ID}.csv") if r.get("policy_area") in areas}


def run(results: list[FetchResult], *, data_dir: Path, work_data: Path, cache_dir: Path, store_dir: Path, day: str,
        child_areas: Iterable[str] = ()) -> DsaNight:
    """The DSA part of one night (see the module docstring); ``work_data`` is the night's copy of data/."""
    night = DsaNight()
    set_aside = {r["vintage"] for r in _rows(work_data / "quarantine" / "editions" / "editions.csv")}
    for sid, decl in sorted(dump_sources(data_dir).items()):
        if not any(r.source_id == sid for r in results):
            continue  # not fetched tonight
        failed: list[tuple[FetchResult, Exception]] = []
        for r in to_read(results, decl, store_dir, cache_dir, set_aside):
            try:
                store.process_day(parse_dump_path(Path(r.vintage_path or "")), store_dir)
                night.read.append(Path(r.path).name)
            except UNREADABLE as exc:  # the dump is set aside; the store keeps that day's last good data
                failed.append((r, exc))
                night.quarantined.append({"date": day, "source_id": sid, "path": r.path, "vintage": r.vintage, "url": r.url,
                                          "error": str(exc)})
        if failed:
            names = ", ".join(Path(r.path).name for r, _ in failed)
            night.changes.append({"date": day, "source_id": sid, "release_id": "", "kind": "format_changed",
                                  "count": len(failed), "child_safety": 0, "link": failed[0][0].url,
                                  "detail": f"{fmt.plural(len(failed), 'daily dump')} could not be read and set aside "
                                            f"({names}): {failed[0][1]}"})
            night.stale[sid] = f"its new daily dump could not be read: {failed[0][1]}"
        if sid == SOURCE_ID and store.day_rows(store_dir, decl.slug, decl.variant):
            _derive(night, decl, store_dir, work_data, day, child_areas)
    return night


def _derive(night: DsaNight, decl: FetchDecl, store_dir: Path, work_data: Path, day: str, child_areas: Iterable[str]) -> None:
    """Derive the monthly figures into the work copy; on failure put its files back as they were."""
    store.write_manifest(store_dir, decl.slug, decl.variant)
    obs = work_data / "observations" / f"{SOURCE_ID}.csv"
    files = [obs, work_data / DAYS_FILE, catalog.releases_path(work_data)]
    saved = {p: p.read_bytes() if p.exists() else None for p in files}
    before = _rows(obs)
    try:
        write_derived(store_dir, work_data, slug=decl.slug, variant=decl.variant, today=day)
    except (InputError, duckdb.Error) as exc:
        for p, body in saved.items():
            if body is None:
                p.unlink(missing_ok=True)
            else:
                p.write_bytes(body)
        night.stale[decl.source_id] = f"its monthly figures could not be derived from the daily dumps: {exc}"
        if night.read:
            night.changes.append({"date": day, "source_id": decl.source_id, "release_id": "", "kind": "format_changed",
                                  "count": len(night.read), "child_safety": 0, "link": "",
                                  "detail": "the monthly figures could not be derived from the "
                                            f"{fmt.plural(len(night.read), 'daily dump')} read tonight; the figures "
                                            f"already published are kept: {exc}"})
        return
    night.derived.add(decl.source_id)
    night.changes += revised(before, _rows(obs), catalog.read_releases(work_data), _child_labels(work_data, child_areas), day)
