"""The nightly watch: fetch -> ingest what changed -> build -> record what changed -> publish.

Fail-closed. Everything a night changes is prepared in a copy of ``data/`` and the site is
built from that copy; ``data/`` and the published site are replaced only when the build
passed. What a night does is decided per source:

* a file that is new or changed at its address (a *vintage* the fetch kept) is read into its
  source's data beside the releases already there (``ingest.ingest_added``);
* a source whose new file an adapter cannot read keeps its last good data: the file is
  quarantined with the error (``data/quarantine/editions/editions.csv``) and the night records a
  ``format_changed`` change, and every other source goes on;
* a source that could not be fetched (unreachable, refused response) keeps its data; the
  fetch log records why, and its pages carry a dated "stale since" notice (built from the log);
* a file that answers 404 or 410 where a release was read from is recorded as withdrawn;
* the DSA Transparency Database's daily dumps are read into their store and its monthly
  figures derived into the copy (site_builder/dsa_sor/nightly.py), under the same rules.

Every change goes to ``data/changes.csv`` (one row per change; see ``CHANGE_COLUMNS``), and a
night that changed data writes an immutable dated bundle ``data/archive/<date>/``
(observations as Parquet, a data package descriptor, that night's changes).

Exit codes (``EXIT_*``): 0 published, 3 published with stale sources, 4 nothing changed
(nothing built or published; the fetch log is still written), 1 failed (nothing published).
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
from rich.console import Console

from site_builder import catalog, fmt, warehouse, watch
from site_builder.adapters import REPORT_ADAPTERS
from site_builder.errors import BuildError, InputError
from site_builder.ingest import ingest_added
from site_builder.observations import write_files_atomic
from site_builder.watch import HISTORY_DETAILS, RETRIEVED

EXIT_PUBLISHED = 0
EXIT_FAILED = 1
EXIT_STALE = 3
EXIT_NOTHING = 4

CHANGE_COLUMNS = watch.CHANGE_COLUMNS
CHANGE_KINDS = ("new_release", "revised_figures", "withdrawn_file", "new_statements", "source_unreachable",
                "format_changed")
EDITION_QUARANTINE_COLUMNS = ["date", "source_id", "path", "vintage", "url", "error"]
CHILD_SAFETY = ("child_sexual_exploitation", "child_safety_broad", "child_safety_other")
CHANGES_SQL = Path(__file__).parent / "sql" / "nightly"
KEPT = ("new", "changed")


@dataclass
class Night:
    """What one night did: its changes (rows of data/changes.csv), the sources that failed
    (kept their last good data), the editions quarantined, and the exit code."""

    day: str
    changes: list[dict[str, str]] = field(default_factory=list)
    stale: dict[str, str] = field(default_factory=dict)
    quarantined: list[dict[str, str]] = field(default_factory=list)
    pending: dict[str, list[str]] = field(default_factory=dict)  # daily dumps left for later nights
    exit_code: int = EXIT_NOTHING
    message: str = ""
    times: dict[str, float] = field(default_factory=dict)  # seconds per step (benchmarks/nightly.py)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.times[name] = self.times.get(name, 0.0) + time.perf_counter() - start


def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def csv_text(columns: list[str], rows: Iterable[dict[str, object]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="raise")
    w.writeheader()
    for r in rows:
        w.writerow({k: "" if r.get(k) is None else r.get(k) for k in columns})
    return buf.getvalue()


def change_sort_key(r: dict[str, str]) -> tuple:
    return (r["date"], r["source_id"], CHANGE_KINDS.index(r["kind"]), r["release_id"], r["detail"])


def vintage_edition(result, day: str) -> str:
    """The edition a kept vintage is ingested as: the declared edition for a new file, with the
    retrieval date added for changed bytes at a known address (so it never replaces the
    release read from the earlier bytes); 'retrieved <date>' when nothing is declared."""
    declared = getattr(result, "edition", "") or ""
    if declared and result.outcome == "new":
        return declared
    return f"{declared}{RETRIEVED}{day})" if declared else f"retrieved {day}"


def declared_urls(data_dir: Path) -> dict[tuple[str, str], str]:
    """(source, path) -> the address the catalog declares for a fixed file: what a release
    records as its address even when a night fetched it from a mirror."""
    from site_builder.fetch.declarations import load_declarations

    return {(sid, t.path): t.url for sid, d in load_declarations(data_dir).items() for t in d.files}


def cached_vintage(cache_dir: Path, source_id: str, path: str, sha256: str) -> Path | None:
    """The latest vintage of ``path`` in the dated raw cache whose bytes have ``sha256`` (None
    when the cache does not hold them)."""
    base = cache_dir.resolve() / "raw" / source_id
    if not sha256 or not base.is_dir():
        return None

    def order(folder: Path) -> tuple[str, int]:  # 2026-12-03, 2026-12-03.2, ... (fetch/cache.py)
        day, _, n = folder.name.partition(".")
        return day, int(n) if n.isdigit() else 1

    for folder in sorted((f for f in base.iterdir() if f.is_dir()), key=order, reverse=True):
        candidate = folder / path
        if candidate.is_file() and hashlib.sha256(candidate.read_bytes()).hexdigest() == sha256:
            return candidate
    return None


def _report_of(result) -> tuple[str, str] | None:
    """(source, declared edition) of a file that is one table of a report (REPORT_ADAPTERS)."""
    return (result.source_id, result.edition) if result.source_id in REPORT_ADAPTERS and result.edition else None


def report_siblings(kept: list, results: list, cache_dir: Path) -> list:
    """For a source published as reports of several tables (one file each, sharing a declared
    edition; adapters.REPORT_ADAPTERS), the files of a report that did not change tonight when
    another file of the same report did: a corrected re-issue often replaces only table 4, and
    the report is read with its unchanged table 1. Each is the result of tonight's fetch
    pointing at its latest vintage in the raw cache with the bytes fetched (a file whose bytes
    the cache does not hold is left out: ingest decides whether the report can be read)."""
    editions = {_report_of(r) for r in kept} - {None}
    kept_paths = {(r.source_id, r.path) for r in kept}
    out = []
    for r in results:
        if (r.source_id, r.edition) not in editions or (r.source_id, r.path) in kept_paths or r.outcome != "unchanged":
            continue
        found = cached_vintage(cache_dir, r.source_id, r.path, r.sha256)
        if found is not None:
            out.append(dataclasses.replace(r, vintage=found.relative_to(cache_dir.resolve()).as_posix(),
                                           vintage_path=found))
    return out


def raw_view(results: list, cache_dir: Path, into: Path, day: str, data_dir: Path | None = None,
             mirror: str | None = None, siblings: list | None = None) -> Path:
    """A raw directory for ``ingest_added``: the kept vintages of one source, at their cache
    paths, with a MANIFEST.csv giving their sha256, size, address and edition; with
    ``siblings`` (``report_siblings``), the unchanged files of the same reports beside them.
    The files of one report share one edition: the declared one when every kept file of it is
    new, else with the retrieval date (a re-issue of a report already read)."""
    into.mkdir(parents=True, exist_ok=True)
    declared = declared_urls(data_dir) if data_dir else {}
    siblings = siblings or []
    reissued = {_report_of(r) for r in results if _report_of(r) and r.outcome != "new"}
    rows = []
    for r in [*results, *siblings]:
        rel = Path(r.vintage)
        dest = into / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(r.vintage_path or cache_dir / rel, dest)
        report = _report_of(r)
        edition = vintage_edition(dataclasses.replace(r, outcome="changed" if report in reissued else "new")
                                  if report else r, day)
        via = f"fetched {r.fetched_at} from {r.final_url or r.url}" + (
            " (a mirror of the publisher's files, not the publisher's own server)" if mirror else "")
        if r.outcome == "unchanged":
            via += f"; unchanged that night, read from the copy kept in the raw cache on {rel.parts[2]}"
        rows.append({"path": rel.as_posix(), "source_id": r.source_id, "publisher": "", "edition": edition,
                     "format": rel.suffix.lstrip("."), "original_url": declared.get((r.source_id, r.path), r.url),
                     "obtained_via": via, "sha256": r.sha256, "bytes": r.bytes, "note": ""})
    (into / "MANIFEST.csv").write_text(csv_text(catalog.MANIFEST_COLUMNS, rows), encoding="utf-8")
    return into


def withdrawn_and_unreachable(results: list, releases: list[catalog.Release], day: str) -> tuple[list[dict], dict[str, str]]:
    """Changes for files that went away (404/410 where a release was read from) and the
    sources that could not be fetched (source id -> the first reason)."""
    read_from = {}
    for rel in releases:
        read_from.setdefault((rel.source_id, rel.file), rel)
    changes, stale = [], {}
    for r in results:
        if r.outcome != "failed":
            continue
        rel = read_from.get((r.source_id, r.path))
        if str(r.status) in ("404", "410") and rel is not None:
            changes.append({"date": day, "source_id": r.source_id, "release_id": rel.release_id, "kind": "withdrawn_file",
                            "count": 1, "child_safety": 0,
                            "detail": f"{r.path} answered {r.status} at its address; the figures read from it stay in this site",
                            "link": r.url})
        else:
            stale.setdefault(r.source_id, r.reason or f"HTTP {r.status}")
    for source_id, reason in sorted(stale.items()):
        n = sum(1 for r in results if r.source_id == source_id and r.outcome == "failed")
        total = sum(1 for r in results if r.source_id == source_id)
        changes.append({"date": day, "source_id": source_id, "release_id": "", "kind": "source_unreachable", "count": n,
                        "child_safety": 0, "link": "",
                        "detail": f"{n:,} of the {fmt.plural(total, 'file')} asked for could not be fetched "
                                  f"(the first reason: {reason}); the figures already read from this source are kept"})
    return changes, stale


def release_changes(data_dir: Path, new_ids: list[str], day: str, sources: Iterable[str]) -> list[dict]:
    """New releases and the figures they revised, from the warehouse models over ``data_dir``
    (sql/nightly/new_releases.sql and revised_figures.sql): only the observations of
    ``sources`` (those that got a new release) and the models those queries read."""
    if not new_ids:
        return []
    con = duckdb.connect()
    try:
        warehouse.load(con, data_dir, sources=sources)
        warehouse.run_models(con, only=("fct_observations", "releases"))
        params = {"ids": new_ids, "child": list(CHILD_SAFETY)}
        out = []
        for name in ("new_releases", "revised_figures"):
            sql = (CHANGES_SQL / f"{name}.sql").read_text(encoding="utf-8")
            cur = con.execute(sql, params)
            cols = [d[0] for d in cur.description]
            for row in cur.fetchall():
                out.append({"date": day, **dict(zip(cols, row))})
        return out
    finally:
        con.close()


def write_archive(data_dir: Path, day: str, changes: list[dict]) -> Path:
    """The dated bundle of a night that changed data: observations (Parquet), a data package
    descriptor with each file's sha256, and the night's changes. Never overwritten: a second
    bundle on the same day is ``<date>-2``."""
    root = data_dir / "archive"
    target, n = root / day, 1
    while target.exists():
        n += 1
        target = root / f"{day}-{n}"
    work = Path(tempfile.mkdtemp(prefix=".archive-", dir=data_dir))
    try:
        con = duckdb.connect()
        try:
            warehouse.load_observations(con, data_dir)
            con.execute("SET threads = 1")
            con.execute(f"COPY (SELECT * FROM raw_observations ORDER BY ALL) TO '{work / 'observations.parquet'}' "
                        "(FORMAT parquet, COMPRESSION zstd)")
            used = [sid for (sid,) in con.execute("SELECT DISTINCT source_id FROM raw_observations ORDER BY 1").fetchall()]
        finally:
            con.close()
        (work / "changes.csv").write_text(csv_text(CHANGE_COLUMNS, changes), encoding="utf-8")
        resources = []
        for name, fmt_, media in (("observations", "parquet", "application/vnd.apache.parquet"),
                                  ("changes", "csv", "text/csv")):
            f = work / f"{name}.{fmt_}"
            resources.append({"name": name, "path": f.name, "format": fmt_, "mediatype": media,
                              "bytes": f.stat().st_size, "hash": "sha256:" + hashlib.sha256(f.read_bytes()).hexdigest()})
        catalogued = catalog.load_catalog(data_dir)["sources"]
        sources = []
        for sid in used:  # each source's licence and the citation it requires travel with its figures
            c = catalogued.get(sid, {})
            d = {"title": f"{c.get('publisher', sid)}: {c.get('title', sid)}", "path": c.get("url", ""),
                 "licence": c.get("licence", "")}
            sources.append({**d, "citation": c["citation"]} if c.get("citation") else d)
        package = {"name": f"platform-enforcement-watch-{target.name}", "title": f"Platform Enforcement Watch data as of {day}",
                   "description": "The observations as they stood on this night (one row per number published in a "
                                  "release, with its locator and release), and the changes found that night. Each "
                                  "figure keeps the licence of its source, listed under sources.",
                   "created": day, "sources": sources, "resources": resources}
        (work / "datapackage.json").write_text(json.dumps(package, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        root.mkdir(parents=True, exist_ok=True)
        work.rename(target)
        return target
    finally:
        shutil.rmtree(work, ignore_errors=True)


def copy_back(work_data: Path, data_dir: Path) -> list[Path]:
    """Put every file the night changed in the work copy into ``data/`` (each atomically; the
    fetch log is left alone: the fetch step already appended to it). Returns what changed."""
    changed = []
    files = []
    for src in sorted(p for p in work_data.rglob("*") if p.is_file()):
        rel = src.relative_to(work_data)
        if rel.as_posix() == "catalog/fetches.csv" or rel.parts[0] == "archive":
            continue
        dest = data_dir / rel
        if not dest.exists() or dest.read_bytes() != src.read_bytes():
            files.append((dest, src.read_text(encoding="utf-8")))
            changed.append(rel)
    write_files_atomic(files)
    for bundle in sorted((work_data / "archive").glob("*")) if (work_data / "archive").exists() else []:
        dest = data_dir / "archive" / bundle.name
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(bundle, dest)
            changed.append(dest.relative_to(data_dir))
    return changed


def run(*, data_dir: Path, build_dir: Path, cache_dir: Path, sources: list[str] | None = None,
        mirror: str | None = None, today: date | None = None, console: Console | None = None,
        client=None, dsa_store: Path | None = None) -> Night:
    """One night (see the module docstring); ``client`` for the fetch step (tests); ``dsa_store``: default CACHE/dsa_sor."""
    from site_builder import fetch, pipeline
    from site_builder.dsa_sor import nightly as dsa_nightly

    console = console or Console(stderr=True)
    day = (today or date.today()).isoformat()
    night = Night(day)
    with night.step("fetch"):
        dsa_store = dsa_store or cache_dir / "dsa_sor"
        results = fetch.run(sources, data_dir=data_dir, cache_dir=cache_dir, mirror=mirror, today=today, client=client,
                            dsa_store=dsa_store)
    night.pending = getattr(results, "pending", {})
    releases = catalog.read_releases(data_dir)
    gone, night.stale = withdrawn_and_unreachable(results, releases, day)
    dumps = dsa_nightly.dump_sources(data_dir)
    kept = [r for r in results if r.outcome in KEPT and r.vintage and r.source_id not in dumps]
    scratch = Path(tempfile.mkdtemp(prefix="pew-night-"))
    try:
        work_data = scratch / "data"
        with night.step("copy data"):
            shutil.copytree(data_dir, work_data, ignore=shutil.ignore_patterns(".*"))
        before = {r.release_id for r in catalog.read_releases(work_data)}
        for source_id in sorted({r.source_id for r in kept}):
            mine = [r for r in kept if r.source_id == source_id]
            view = raw_view(mine, cache_dir, scratch / "raw" / source_id, day, data_dir, mirror,
                            siblings=report_siblings(mine, results, cache_dir))
            try:
                with night.step("ingest"):
                    ingest_added(source_id, view, work_data)
            except (InputError, ValueError, KeyError) as exc:
                # the new edition is set aside; the source keeps its last good data
                for r in mine:
                    night.quarantined.append({"date": day, "source_id": source_id, "path": r.path, "vintage": r.vintage,
                                              "url": r.url, "error": str(exc)})
                gone.append({"date": day, "source_id": source_id, "release_id": "", "kind": "format_changed",
                             "count": len(mine), "child_safety": 0,
                             "detail": f"{fmt.plural(len(mine), 'new file')} could not be read and set aside: {exc}",
                             "link": mine[0].url})
                night.stale.setdefault(source_id, f"its new file could not be read: {exc}")
        with night.step("dsa dumps"):
            dsa = dsa_nightly.run(results, data_dir=data_dir, work_data=work_data, cache_dir=cache_dir, store_dir=dsa_store,
                                  day=day, child_areas=CHILD_SAFETY)
        gone, night.quarantined = gone + dsa.changes, night.quarantined + dsa.quarantined
        night.stale.update(dsa.stale)
        new_ids = sorted({r.release_id for r in catalog.read_releases(work_data)} - before)
        with night.step("compare"):
            compared = {r.source_id for r in kept} | dsa.derived
            night.changes = sorted(release_changes(work_data, new_ids, day, compared) + gone, key=change_sort_key)
        data_changes = [c for c in night.changes if c["kind"] in ("new_release", "revised_figures")]
        if not night.changes:
            night.exit_code, night.message = EXIT_NOTHING, "nothing changed"
            return night
        for c in night.changes:
            c["count"], c["child_safety"] = int(c["count"]), int(c["child_safety"])
        all_changes = read_csv(work_data / "changes.csv") + [{k: str(v) for k, v in c.items()} for c in night.changes]
        (work_data / "changes.csv").write_text(csv_text(CHANGE_COLUMNS, sorted(all_changes, key=change_sort_key)),
                                               encoding="utf-8")
        if night.quarantined:
            q = read_csv(work_data / "quarantine" / "editions" / "editions.csv") + night.quarantined
            (work_data / "quarantine" / "editions").mkdir(parents=True, exist_ok=True)
            (work_data / "quarantine" / "editions" / "editions.csv").write_text(csv_text(EDITION_QUARANTINE_COLUMNS, q), encoding="utf-8")
        if data_changes:
            with night.step("archive"):
                write_archive(work_data, day, night.changes)
        try:
            stages: dict[str, float] = {}
            with night.step("build"):
                pipeline.build(data_dir=work_data, build_dir=build_dir, console=console, times=stages)
            night.times.update({f"build: {k}": v for k, v in stages.items()})
        except (BuildError, InputError) as exc:
            night.exit_code, night.message = EXIT_FAILED, f"the build failed; nothing was published: {exc}"
            return night
        with night.step("publish data"):
            copy_back(work_data, data_dir)
        night.exit_code = EXIT_STALE if night.stale else EXIT_PUBLISHED
        night.message = summary(night)
        return night
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def summary(night: Night) -> str:
    """One line per kind of change, for the console and the commit message."""
    words = {"new_release": ("new release", "new releases"), "revised_figures": ("revised figure", "revised figures"),
             "withdrawn_file": ("withdrawn file", "withdrawn files"), "new_statements": ("new statement", "new statements"),
             "source_unreachable": ("source unreachable", "sources unreachable"),
             "format_changed": ("file in a changed format set aside", "files in a changed format set aside")}
    lines = []
    for kind in CHANGE_KINDS:
        rows = [c for c in night.changes if c["kind"] == kind]
        if rows:
            srcs = ", ".join(sorted({c["source_id"] for c in rows}))
            child = sum(int(c["child_safety"]) for c in rows)
            if kind in ("new_release", "source_unreachable"):
                figures = sum(int(c["count"]) for c in rows)
                what = f" with {fmt.plural(figures, 'figure')}" if kind == "new_release" else ""
                lines.append(f"{fmt.plural(len(rows), *words[kind])} ({srcs}){what}"
                             + (f", {child:,} about child safety" if child and kind == "new_release" else ""))
            else:
                n = sum(int(c["count"]) for c in rows)
                lines.append(f"{fmt.plural(n, *words[kind])} ({srcs})" + (f", {child:,} about child safety" if child else ""))
    return f"Nightly {night.day}: " + ("; ".join(lines) if lines else "nothing changed")


def history(data_dir: Path) -> list[dict]:
    """The changes before the nightly job existed, from the releases this site first ingested
    (dated by ``first_ingested``) and, per release of a full-history source, the figures it
    gave with another value than the edition before it (mart revisions). Used once to start
    data/changes.csv; every later row is written by a night."""
    con = duckdb.connect()
    try:
        warehouse.load(con, data_dir)
        warehouse.run_models(con)
        child = list(CHILD_SAFETY)
        rows = con.execute(
            "SELECT r.first_ingested AS date, r.source_id, r.release_id, 'new_release' AS kind, "
            "count(o.release_id) AS count, count(o.release_id) FILTER (WHERE list_contains($child, o.policy_area)) "
            "AS child_safety, $first || r.title AS detail, coalesce(r.doc_url, '') AS link "
            "FROM releases AS r LEFT JOIN fct_observations AS o ON o.release_id = r.release_id GROUP BY ALL "
            "UNION ALL "
            "SELECT r.first_ingested, v.source_id, v.release_id, 'revised_figures', count(*), "
            "count(*) FILTER (WHERE list_contains($child, v.policy_area)), "
            "$compared || v.prev_edition || ' and ' || v.edition || ' editions', coalesce(r.doc_url, '') "
            "FROM revisions AS v JOIN releases AS r ON r.release_id = v.release_id GROUP BY ALL",
            {"child": child, "first": HISTORY_DETAILS[0], "compared": HISTORY_DETAILS[1]}).fetchall()
        cols = CHANGE_COLUMNS
        return sorted(({k: str(v) for k, v in zip(cols, row)} for row in rows), key=change_sort_key)
    finally:
        con.close()
