"""Ingest: published files -> ``data/observations/*.csv`` and ``data/catalog/releases.csv``.

Raw files are read in place from the raw directory (never copied); each is checked
against the sha256 and size in its ``MANIFEST.csv`` first. Nothing is written unless
every file of the unit parsed and every label is known to the taxonomy maps.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from site_builder import catalog
from site_builder.adapters import RAW_ADAPTERS, REPORT_ADAPTERS, claims, curated, parse_raw
from site_builder.catalog import Release
from site_builder.errors import InputError
from site_builder.observations import COLUMNS, Observation, to_csv_text, write_files_atomic, write_observations
from site_builder.periods import parse_period
from site_builder.quarantine import Quarantined, write_quarantine
from site_builder.taxonomy import unknown_labels

CURATED_SUBDIR = "curated"
ADAPTED = set(RAW_ADAPTERS) | set(REPORT_ADAPTERS)  # every raw source an adapter reads


@dataclass(frozen=True)
class IngestResult:
    """What one ingest unit (a raw source, or the curated tables) wrote."""

    unit: str
    releases: int
    observations: int
    outputs: tuple[Path, ...]
    quarantined: int = 0


Progress = Callable[[str], None]


def _check_labels(data_dir: Path, rows: list[Observation], allow_unmapped_platforms: bool) -> None:
    unknown = unknown_labels(data_dir, rows, allow_unmapped_platforms=allow_unmapped_platforms)
    if unknown:
        shown = "\n  ".join(u.message() for u in unknown[:20])
        more = f"\n  ... and {len(unknown) - 20} more" if len(unknown) > 20 else ""
        raise InputError(unknown[0].locator.split(" line ")[0],
                         f"{len(unknown)} label(s) no taxonomy map knows:\n  {shown}{more}")


def _check_unique(rows: list[Observation]) -> None:
    """One value per key per release: a second line with the same key is an error that
    names the key in words and both places it was read."""
    first: dict[tuple, str] = {}
    for r in rows:
        key = (r.release_id, r.platform_label, r.policy_label, r.metric_label,
               r.period_start, r.period_end, r.geography)
        if key in first:
            file = r.locator.split(" line ")[0].split(" sheet ")[0]
            where = " and ".join(loc.removeprefix(file).strip() or loc for loc in (first[key], r.locator))
            raise InputError(file, f"two values for the same figure: {r.platform_label} / {r.policy_label} / "
                             f"{r.metric_label} / {r.period_start.isoformat()} to {r.period_end.isoformat()} / "
                             f"{r.geography}, at {where}",
                             expected="one value per platform, policy, metric, period and place in a release")
        first[key] = r.locator


def ingest_raw(source_id: str, raw_dir: Path, data_dir: Path, progress: Progress | None = None) -> IngestResult:
    """Read every file of one raw source listed in the raw directory's MANIFEST.csv."""
    if source_id not in ADAPTED:
        raise InputError(raw_dir / "MANIFEST.csv", f"no adapter for source {source_id!r}",
                         expected="one of " + ", ".join(sorted(ADAPTED)))
    sources = catalog.load_catalog(data_dir)["sources"]
    if source_id not in sources:
        raise InputError(data_dir / "catalog" / "sources.yaml", f"source {source_id!r} is not in the catalog")
    entries = [e for e in catalog.read_manifest(raw_dir) if e["source_id"] == source_id]
    if not entries:
        raise InputError(raw_dir / "MANIFEST.csv", f"lists no file for source {source_id!r}")
    rows: list[Observation] = []
    quarantined: list[Quarantined] = []
    releases: list[Release] = []
    today = date.today().isoformat()
    editions = [e["edition"] for e in entries]
    if source_id in REPORT_ADAPTERS:
        rows, releases, idents = _read_reports(source_id, entries, raw_dir, sources[source_id]["title"], today,
                                               quarantined, set(), progress)
        entries = []
        catalog.write_report_identification(data_dir, idents, replace=None)
    for entry in sorted(entries, key=lambda e: e["path"]):
        path = catalog.verify_raw_file(raw_dir, entry)
        edition = entry["edition"] or str(sources[source_id].get("edition", ""))
        # one release per file: files sharing an edition (or having none) are told apart by name
        unique = entry["edition"] and editions.count(entry["edition"]) == 1
        release_id = f"{source_id}-{entry['edition'] if unique else Path(entry['path']).stem}"
        if progress:
            progress(f"{source_id}: {entry['path']}")
        found = parse_raw(source_id, path, release_id=release_id, edition=edition, display_path=entry["path"],
                          quarantine=quarantined)
        if not found:
            continue  # a documentation file (codebook, provenance) listed with the data: no release
        rows.extend(found)
        releases.append(_raw_release(release_id, source_id, sources[source_id]["title"], entry, edition, edition,
                                     found, today))
    _check_unique(rows)
    _check_labels(data_dir, rows, bool(sources[source_id].get("unmapped_platforms") == "allowed"))
    out = data_dir / "observations" / f"{source_id}.csv"
    write_observations(out, rows)
    write_quarantine(data_dir / "quarantine" / f"{source_id}.csv", quarantined)
    catalog.write_releases(data_dir, releases, replace={r.release_id for r in catalog.read_releases(data_dir)
                                                        if r.source_id == source_id and r.kind == "raw"})
    return IngestResult(source_id, len(releases), len(rows), (out,), len(quarantined))


def ingest_added(source_id: str, raw_dir: Path, data_dir: Path, progress: Progress | None = None) -> IngestResult:
    """Add the files listed in ``raw_dir/MANIFEST.csv`` (new vintages a fetch kept) to a raw
    source's data, keeping every release already in ``data/`` that is not re-read: the
    nightly job has the new files, not always the publisher's earlier ones. Each file is one
    release named after its manifest ``edition`` (the nightly job writes ``retrieved
    YYYY-MM-DD`` for a vintage of a fixed address). Nothing is written unless every new file
    parsed and every label is known."""
    if source_id not in ADAPTED:
        raise InputError(raw_dir / "MANIFEST.csv", f"no adapter for source {source_id!r}",
                         expected="one of " + ", ".join(sorted(ADAPTED)))
    sources = catalog.load_catalog(data_dir)["sources"]
    entries = [e for e in catalog.read_manifest(raw_dir) if e["source_id"] == source_id]
    rows: list[Observation] = []
    quarantined: list[Quarantined] = []
    releases: list[Release] = []
    today = date.today().isoformat()
    taken = {r.release_id: r for r in catalog.read_releases(data_dir)}
    if source_id in REPORT_ADAPTERS:
        held = {i["release_id"]: (taken[i["release_id"]].sha256, i) for i in _report_identification(data_dir)
                if i["release_id"] in taken}
        rows, releases, idents = _read_reports(source_id, entries, raw_dir, sources[source_id]["title"], today,
                                               quarantined, set(taken), progress, held=held)
        entries = []
        catalog.write_report_identification(data_dir, idents, replace={i["release_id"] for i in idents})
    for entry in sorted(entries, key=lambda e: e["path"]):
        path = catalog.verify_raw_file(raw_dir, entry)
        edition = entry["edition"]
        release_id = f"{source_id}-" + (_slug(edition) or _slug(Path(entry["path"]).stem))
        if release_id in taken and taken[release_id].sha256 != entry["sha256"]:
            release_id += "-" + _slug(Path(entry["path"]).stem)  # another file already has this edition's id
        # the adapter is told the period the edition names ('2021Q3' of '2021Q3 (retrieved 2026-12-03)')
        period = edition.split(" (retrieved ")[0]
        period = "" if period.startswith("retrieved ") else period
        if progress:
            progress(f"{source_id}: {entry['path']}")
        found = parse_raw(source_id, path, release_id=release_id, edition=period, display_path=entry["path"],
                          quarantine=quarantined)
        if not found:
            continue
        rows.extend(found)
        releases.append(_raw_release(release_id, source_id, sources[source_id]["title"], entry, edition, period,
                                     found, today))
    _check_unique(rows)
    _check_labels(data_dir, rows, bool(sources[source_id].get("unmapped_platforms") == "allowed"))
    new_ids = {r.release_id for r in releases}
    out = data_dir / "observations" / f"{source_id}.csv"
    kept = _rows_of_other_releases(out, new_ids)
    write_files_atomic([(out, _merged_csv_text(kept, rows))])
    if quarantined:
        qpath = data_dir / "quarantine" / f"{source_id}.csv"
        earlier = _rows_of_other_releases(qpath, new_ids) if qpath.exists() else []
        write_quarantine(qpath, [Quarantined(**r) for r in earlier] + quarantined)
    catalog.write_releases(data_dir, releases, replace=new_ids)
    return IngestResult(source_id, len(releases), len(rows), (out,), len(quarantined))


# the fields of table 1 that identify a report and what it says (report_identification.csv)
REPORT_ID_FIELDS = ("provider", "service", "period_start", "period_end", "published", "previous_published")


def _report_identification(data_dir: Path) -> list[dict[str, str]]:
    path = catalog.report_identification_path(data_dir)
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _read_reports(source_id: str, entries: list[dict[str, str]], raw_dir: Path, source_title: str, today: str,
                  quarantined: list[Quarantined], taken: set[str], progress: Progress | None, *,
                  held: dict[str, tuple[str, dict[str, str]]] | None = None,
                  ) -> tuple[list[Observation], list[Release], list[dict[str, str]]]:
    """A source published as reports of several tables (the DSA template): the manifest entries
    sharing an edition are the tables of one report, read together; one release per report,
    named from the report's own identification table (service, period, publication date).

    Re-issues (``held``: per release already in data/, the sha256 of the file its figures were
    read from and its table 1 fields; given by ``ingest_added``): a report with a publication
    date this site holds no release for is a new release beside the earlier ones. A report whose
    id is taken is compared with the latest release of that report: the same table 1 and the
    same table 4 bytes (or no table 4 among the files: only table 1 was fetched, unchanged in
    content) is that release read again and adds nothing; other bytes (a correction published
    under the same date) are a new release, its id and edition with the retrieval date added."""
    groups: dict[str, list[dict[str, str]]] = {}
    for entry in sorted(entries, key=lambda e: e["path"]):
        groups.setdefault(entry["edition"] or Path(entry["path"]).stem, []).append(entry)
    rows: list[Observation] = []
    releases: list[Release] = []
    idents: list[dict[str, str]] = []
    for edition, group in sorted(groups.items()):
        files = [(catalog.verify_raw_file(raw_dir, e), e["path"]) for e in group]
        if progress:
            progress(f"{source_id}: {', '.join(d for _, d in files)}")
        set_aside = len(quarantined)
        report = REPORT_ADAPTERS[source_id](files, release_prefix=source_id, quarantine=quarantined)
        ident = report.ident
        identification = {
            "provider": ident.provider, "service": ident.service,
            "period_start": ident.start.isoformat(), "period_end": ident.end.isoformat(),
            "published": ident.published.isoformat(),
            "previous_published": ident.previous.isoformat() if ident.previous else "",
        }
        tables = [e for e in group if e["path"] != ident.file]  # the tables of figures (table 4)
        numbers = [e for e in tables if e["path"] in {o.locator.split(" line ")[0] for o in report.observations}]
        main = numbers[0] if numbers else tables[0] if tables else group[0]
        release_id = base_id = f"{source_id}-{ident.release_key}"
        edition_name = ident.edition
        if held is not None and base_id not in taken and not tables:
            raise InputError(", ".join(d for _, d in files), f"table 1 of a report this site holds no release for "
                             f"({ident.service}, {ident.period}, published {ident.published.isoformat()}), without "
                             "its table of figures", expected="table 1 read with the report's table 4 (notices)")
        if release_id in taken:
            latest = max(i for i in taken if i == base_id or i.startswith(base_id + "-retrieved-"))
            if held is not None and latest in held:
                sha, before = held[latest]
                if all(before.get(k, "") == identification[k] for k in REPORT_ID_FIELDS) and (
                        not tables or main["sha256"] == sha):
                    del quarantined[set_aside:]  # already recorded with that release
                    continue  # the latest release of this report, read again: nothing new
            retrieved = edition.split(" (retrieved ")[-1].rstrip(")") if " (retrieved " in edition else today
            release_id, n = f"{base_id}-retrieved-{retrieved}", 1
            while release_id in taken:  # a second correction found on the same day
                n += 1
                release_id = f"{base_id}-retrieved-{retrieved}-{n}"
            edition_name = f"{ident.edition} (retrieved {retrieved})"
            report.observations = [dataclasses.replace(o, release_id=release_id) for o in report.observations]
            quarantined[set_aside:] = [dataclasses.replace(q, release_id=release_id) for q in quarantined[set_aside:]]
        others = [e["path"] for e in group if e is not main]
        rows.extend(report.observations)
        releases.append(Release(
            release_id=release_id, source_id=source_id, edition=edition_name, edition_end=ident.end.isoformat(),
            kind="raw", precedence=2, snapshot="single",
            title=f"{source_title}: {ident.service}, {ident.period}, published {ident.published.isoformat()} "
                  f"({', '.join(Path(p).name for p in [main['path'], *others])})",
            url=main["original_url"], file=main["path"], sha256=main["sha256"], bytes=int(main["bytes"]),
            obtained_via=main["obtained_via"] + (f"; read with {', '.join(others)}" if others else ""),
            first_ingested=today,
        ))
        idents.append({
            "release_id": release_id, **identification, "file": ident.file,
            "published_line": str(ident.lines.get("published", "")), "previous_line": str(ident.lines.get("previous", "")),
            # the bytes of table 1 as read: a fetch of the same bytes is 'unchanged', not a new file
            "sha256": next((e["sha256"] for e in group if e["path"] == ident.file), ""),
        })
    return rows, releases, idents


def _raw_release(release_id: str, source_id: str, source_title: str, entry: dict[str, str], edition: str,
                 period: str, found: list[Observation], today: str) -> Release:
    """The release of one raw file: ``edition`` as recorded, ``period`` the part of it that
    names a period (its end is the edition's end; without one, the latest period read)."""
    try:
        edition_end = parse_period(period)[1]
    except ValueError:
        edition_end = max(r.period_end for r in found)
    return Release(
        release_id=release_id, source_id=source_id, edition=edition or edition_end.isoformat(),
        edition_end=edition_end.isoformat(), kind="raw", precedence=2,
        snapshot="full" if source_id in FULL_SNAPSHOT_SOURCES else "single",
        title=f"{source_title}, {edition + ' ' if edition else ''}{Path(entry['path']).name}",
        url=entry["original_url"], file=entry["path"], sha256=entry["sha256"],
        bytes=int(entry["bytes"]), obtained_via=entry["obtained_via"], first_ingested=today,
    )


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def _rows_of_other_releases(path: Path, release_ids: set[str]) -> list[dict[str, str]]:
    """The rows of a committed CSV (observations or quarantine) whose release is not being replaced."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["release_id"] not in release_ids]


def _merged_csv_text(kept: list[dict[str, str]], rows: list[Observation]) -> str:
    """Kept rows (as text) and new observations in one file, in the order to_csv_text uses."""
    new = list(csv.DictReader(io.StringIO(to_csv_text(rows), newline="")))
    key = ("release_id", "platform_label", "policy_label", "metric_label", "period_start", "period_end",
           "geography", "locator")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([r[c] for c in COLUMNS] for r in sorted(kept + new, key=lambda r: tuple(r[k] for k in key)))
    return buf.getvalue()


# Sources whose every release republishes the whole history, so consecutive releases
# can be compared key by key for revisions.
FULL_SNAPSHOT_SOURCES = {"meta_cser", "tiktok_cge"}


def ingest_curated(curated_dir: Path, data_dir: Path, progress: Progress | None = None) -> IngestResult:
    """Read every curated fact table named in the catalog; refuse files the catalog does not know."""
    doc = catalog.load_catalog(data_dir)
    specs = doc.get("curated") or {}
    sources = doc["sources"]
    present = {p.name for p in curated_dir.glob("*.csv")}
    unknown = sorted(present - set(specs))
    if unknown:
        raise InputError(curated_dir / unknown[0], "curated file is not in the catalog",
                         expected="an entry under 'curated:' in data/catalog/sources.yaml")
    missing = sorted(set(specs) - present)
    if missing:
        raise InputError(curated_dir / missing[0], "curated file named in the catalog is missing")
    today = date.today().isoformat()
    all_rows: list[Observation] = []
    releases: list[Release] = []
    outputs: list[tuple[Path, list[Observation]]] = []
    outputs_claims: list[tuple[Path, str]] = []
    for name, spec in sorted(specs.items()):
        if spec["role"] == "claims":
            found = claims.parse(curated_dir / name, data_dir=data_dir, display_path=f"curated/{name}")
            outputs_claims.append((data_dir / "claims.csv", claims.to_csv_text(found)))
            continue
        if spec["role"] != "facts":
            continue
        path = curated_dir / name
        stem = path.stem
        source_id = spec["source_id"]
        release_id = f"{source_id}-curated-{stem}"
        if progress:
            progress(f"curated: {name}")
        rows = curated.parse(path, release_id=release_id, source_id=source_id, spec=spec,
                             display_path=f"curated/{name}")
        _check_labels(data_dir, rows, bool(sources[source_id].get("unmapped_platforms") == "allowed"))
        all_rows.extend(rows)
        outputs.append((data_dir / "observations" / CURATED_SUBDIR / f"{stem}.csv", rows))
        releases.append(Release(
            release_id=release_id, source_id=source_id, edition=str(spec["edition"]),
            edition_end=max(r.period_end for r in rows).isoformat(), kind="curated", precedence=1,
            snapshot="partial", title=f"Curated transcription of {sources[source_id]['title']}: {name}",
            url="", file=f"curated/{name}", sha256=catalog.sha256_of(path), bytes=path.stat().st_size,
            obtained_via="shared/data/curated (researchers' transcription; each row names its document)",
            first_ingested=today,
        ))
    # nothing is written before every file parsed; then all at once, each atomically
    write_files_atomic([(out, to_csv_text(rows)) for out, rows in outputs] + outputs_claims)
    stale = {p for p in (data_dir / "observations" / CURATED_SUBDIR).glob("*.csv")} - {o for o, _ in outputs}
    for p in stale:
        p.unlink()
    catalog.write_releases(data_dir, releases, replace={r.release_id for r in catalog.read_releases(data_dir)
                                                        if r.kind == "curated"})
    return IngestResult("curated", len(releases), len(all_rows),
                        tuple(o for o, _ in outputs) + tuple(final for final, _ in outputs_claims))


def ingest(source: str, raw_dir: Path, curated_dir: Path, data_dir: Path,
           progress: Progress | None = None) -> list[IngestResult]:
    """``source`` is a raw source id, ``curated``, or ``all``."""
    if source == "all":
        manifest_sources = {e["source_id"] for e in catalog.read_manifest(raw_dir)}
        units = sorted(s for s in ADAPTED if s in manifest_sources) + ["curated"]
    else:
        units = [source]
    results = []
    for unit in units:
        if unit == "curated":
            results.append(ingest_curated(curated_dir, data_dir, progress))
        else:
            results.append(ingest_raw(unit, raw_dir, data_dir, progress))
    return results


def count_by_file(data_dir: Path) -> dict[str, int]:
    """Observations per committed file, for closing notes and the Sources page."""
    counts: Counter[str] = Counter()
    for path in sorted((data_dir / "observations").rglob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            counts[str(path.relative_to(data_dir))] = sum(1 for _ in csv.reader(fh)) - 1
    return dict(counts)
