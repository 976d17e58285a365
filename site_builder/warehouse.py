"""Load ``data/`` into DuckDB, run the SQL models, run the SQL data checks.

* load:   every committed CSV becomes a table of text columns (headers checked first,
          so a renamed column stops the build with the file and the expected header);
          the YAML catalog becomes ``sources`` and ``curated_files``.
* model:  ``sql/staging/*.sql`` then ``sql/marts/*.sql``; one model per file, the file
          name is the table name; order follows the references between models.
* check:  ``sql/checks/*.sql``; each returns the rows that fail, with columns
          ``file, locator, problem``. Any row stops the build.
* copy:   ``write_sorted_copy`` rewrites the closed warehouse into a new file in a total
          order (the download: the same tables give the same bytes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from site_builder import catalog, docref, settings, watch
from site_builder.adapters.claims import CLAIM_COLUMNS
from site_builder.charts.theme import BACKGROUND
from site_builder.errors import BuildError, InputError
from site_builder.observations import COLUMNS as OBS_COLUMNS
from site_builder.quarantine import COLUMNS as QUARANTINE_COLUMNS
from site_builder.taxonomy import MAP_DIRS, MAP_FILES, map_files, read_palette
from site_builder.textfile import first_record, header_problem, read_text

CASE_COLUMNS = ["case_id", "title", "date", "date_precision", "platform_ids", "lead"]
CASE_ITEM_COLUMNS = ["case_id", "section", "kind", "ref", "why"]
ANNOTATION_COLUMNS = ["date", "date_precision", "sources", "platforms", "policy_areas", "kind", "label", "text", "source_url"]
# data/coverage_checks.csv: what is known about periods this site holds no figure for
COVERAGE_CHECK_COLUMNS = ["platform_id", "source_id", "policy_area", "metric_id", "period_start", "period_end",
                          "state", "where_url", "where_title", "checked_on", "checked_by", "evidence", "note"]


def _display(path: Path, data_dir: Path) -> str:
    """``data/observations/x.csv`` for a file of the data directory, else the path as given."""
    return str(path.relative_to(data_dir.parent)) if path.is_relative_to(data_dir.parent) else str(path)


def _check_header(path: Path, expected: list[str], data_dir: Path) -> None:
    """The file is UTF-8 text, not empty, and its header is ``expected`` (else InputError
    naming the line and byte offset of a bad byte, or the missing and unknown columns)."""
    text = read_text(path, _display(path, data_dir))
    problem = header_problem(first_record(text), expected)
    if problem:
        raise InputError(_display(path, data_dir), f"unexpected header: {problem}", line=1, expected=",".join(expected))


def _load_csv(con: duckdb.DuckDBPyConnection, table: str, paths: list[Path], columns: list[str],
              data_dir: Path, numbered: bool = False) -> None:
    """Create ``table`` from CSV files with exactly ``columns`` (all text) plus ``obs_file``;
    ``numbered`` adds ``line``, the record's line in its file (header = line 1; one file, read
    in order: DuckDB keeps insertion order), fixed here so no later step depends on row order."""
    for p in paths:
        _check_header(p, columns, data_dir)
    cols = {c: "VARCHAR" for c in columns}
    try:
        con.execute(
            f"CREATE OR REPLACE TABLE {table} AS SELECT * EXCLUDE (filename), "
            "regexp_replace(filename, '^.*/data/', 'data/') AS obs_file "
            "FROM read_csv($paths, columns = $cols, header = true, auto_detect = false, "
            "strict_mode = true, quote = '\"', escape = '\"', filename = true, encoding = 'utf-8')",
            {"paths": [str(p) for p in paths], "cols": cols},
        )
    except duckdb.Error as exc:
        names = ", ".join(_display(p, data_dir) for p in paths[:3])
        raise BuildError(f"cannot read {names}: {str(exc).splitlines()[0]}") from exc
    if numbered:
        if len(paths) != 1:
            raise BuildError(f"{table}: line numbers need exactly one file, got {len(paths)}")
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT row_number() OVER () + 1 AS line, * FROM {table}")


def load_observations(con: duckdb.DuckDBPyConnection, data_dir: Path, sources: Iterable[str] | None = None) -> None:
    """Table raw_observations: every observation file under ``data_dir`` (with ``sources``, only
    the files those raw sources' adapters wrote), in file order, as text."""
    obs_files = sorted((data_dir / "observations").rglob("*.csv"))
    if sources is not None:
        obs_files = [data_dir / "observations" / f"{sid}.csv" for sid in sorted(set(sources))]
    if not obs_files:
        raise InputError(data_dir / "observations", "no observation files; run `python -m site_builder ingest all`")
    _load_csv(con, "raw_observations", obs_files, OBS_COLUMNS, data_dir)


def load(con: duckdb.DuckDBPyConnection, data_dir: Path, sources: Iterable[str] | None = None) -> None:
    """Load every committed input into the warehouse as text tables (with ``sources``, only
    the observations those raw sources' adapters wrote: the nightly job's comparison)."""
    load_observations(con, data_dir, sources)
    _load_csv(con, "raw_releases", [catalog.releases_path(data_dir)], catalog.RELEASE_COLUMNS, data_dir)
    ids = catalog.report_identification_path(data_dir)
    if ids.exists():  # table 1 of each report of a multi-table source (the DSA template)
        _load_csv(con, "raw_report_identification", [ids], catalog.REPORT_ID_COLUMNS, data_dir)
    else:
        con.execute("CREATE OR REPLACE TABLE raw_report_identification AS SELECT " +
                    ", ".join(f"NULL::VARCHAR AS {c}" for c in catalog.REPORT_ID_COLUMNS + ["obs_file"]) + " WHERE false")
    for name, cols in {**MAP_FILES, **MAP_DIRS}.items():  # platforms: numbered, for the line in its check
        _load_csv(con, f"tax_{name}", map_files(data_dir, name), cols, data_dir, numbered=name == "platforms")
    read_palette(data_dir, BACKGROUND)  # refuse a bad platform colour with its file and line
    for name in MAP_DIRS:  # per-source maps: the file name is the source id
        con.execute(f"CREATE OR REPLACE TABLE tax_{name} AS SELECT regexp_extract(obs_file, '([^/]+)\\.csv$', 1) "
                    f"AS source_id, * FROM tax_{name}")
    _load_csv(con, "raw_annotations", [data_dir / "annotations.csv"], ANNOTATION_COLUMNS, data_dir)
    for table, name, cols in (("raw_cases", "cases.csv", CASE_COLUMNS), ("raw_case_items", "case_items.csv", CASE_ITEM_COLUMNS)):
        if (data_dir / name).exists():
            _load_csv(con, table, [data_dir / name], cols, data_dir, numbered=True)
        else:
            con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT NULL::BIGINT AS line, " +
                        ", ".join(f"NULL::VARCHAR AS {c}" for c in cols + ["obs_file"]) + " WHERE false")
    claims_file = data_dir / "claims.csv"
    if claims_file.exists():
        _load_csv(con, "raw_claims", [claims_file], CLAIM_COLUMNS, data_dir)
    else:
        con.execute("CREATE OR REPLACE TABLE raw_claims AS SELECT " +
                    ", ".join(f"NULL::VARCHAR AS {c}" for c in CLAIM_COLUMNS + ["obs_file"]) + " WHERE false")
    checks_file = data_dir / "coverage_checks.csv"
    if checks_file.exists():
        _load_csv(con, "raw_coverage_checks", [checks_file], COVERAGE_CHECK_COLUMNS, data_dir, numbered=True)
    else:
        con.execute("CREATE OR REPLACE TABLE raw_coverage_checks AS SELECT NULL::BIGINT AS line, " +
                    ", ".join(f"NULL::VARCHAR AS {c}" for c in COVERAGE_CHECK_COLUMNS + ["obs_file"]) + " WHERE false")
    quarantine = sorted((data_dir / "quarantine").glob("*.csv"))
    if quarantine:
        _load_csv(con, "quarantined", quarantine, QUARANTINE_COLUMNS, data_dir)
    else:
        con.execute("CREATE OR REPLACE TABLE quarantined AS SELECT " +
                    ", ".join(f"NULL::VARCHAR AS {c}" for c in QUARANTINE_COLUMNS + ["obs_file"]) + " WHERE false")
    docref.create_table(con, data_dir)  # which address each number and statement links to
    doc = catalog.load_catalog(data_dir)
    con.execute(
        "CREATE OR REPLACE TABLE sources (source_id VARCHAR, short VARCHAR, publisher VARCHAR, title VARCHAR, url VARCHAR, "
        "kind VARCHAR, cadence VARCHAR, licence VARCHAR, citation VARCHAR, description VARCHAR, "
        "unmapped_platforms_allowed BOOLEAN)"
    )
    con.executemany(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [[sid, s["short"], s["publisher"], s["title"], s["url"], s["kind"], s["cadence"], s["licence"],
          s.get("citation", ""), " ".join(str(s.get("description", "")).split()),
          s.get("unmapped_platforms") == "allowed"]
         for sid, s in sorted(doc["sources"].items())],
    )
    con.execute("CREATE OR REPLACE TABLE curated_files (file VARCHAR, source_id VARCHAR, role VARCHAR, "
                "hold_back_note VARCHAR, copy_of_raw BOOLEAN)")
    rows = [[f"curated/{name}", spec.get("source_id"), spec["role"], spec.get("hold_back_note"),
             bool(spec.get("copy_of_raw"))]
            for name, spec in sorted((doc.get("curated") or {}).items())]
    if rows:
        con.executemany("INSERT INTO curated_files VALUES (?, ?, ?, ?, ?)", rows)
    _load_watch(con, data_dir, doc)


def _load_watch(con: duckdb.DuckDBPyConnection, data_dir: Path, doc: dict) -> None:
    """The nightly watch's records (site_builder/watch.py): the fetch log and the changes
    (numbered; empty tables when a file is absent), per catalog source the platforms it covers
    and whether it is fetched (``source_watch``), and the files of the dated bundles
    (``archive_files``)."""
    for table, path, cols in (("raw_fetches", watch.fetches_path(data_dir), watch.FETCH_COLUMNS),
                              ("raw_changes", watch.changes_path(data_dir), watch.CHANGE_COLUMNS)):
        if path.exists():
            _check_header(path, cols, data_dir)
            watch.check_records(path, cols, _display(path, data_dir))
            _load_csv(con, table, [path], cols, data_dir, numbered=True)
        else:
            con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT NULL::BIGINT AS line, " +
                        ", ".join(f"NULL::VARCHAR AS {c}" for c in cols + ["obs_file"]) + " WHERE false")
    con.execute("CREATE OR REPLACE TABLE source_watch (source_id VARCHAR, platforms VARCHAR[], by_hand BOOLEAN, "
                "not_fetched_why VARCHAR)")
    con.executemany("INSERT INTO source_watch VALUES (?, ?, ?, ?)",
                    [[sid, [str(p) for p in s.get("platforms") or []], watch.by_hand(s), watch.not_fetched_why(s)]
                     for sid, s in sorted(doc["sources"].items())])
    con.execute("CREATE OR REPLACE TABLE archive_files (night DATE, file VARCHAR, bytes BIGINT, sha256 VARCHAR)")
    files = watch.archive_files(data_dir)
    if files:
        con.executemany("INSERT INTO archive_files VALUES (CAST(? AS DATE), ?, ?, ?)", files)


@dataclass(frozen=True)
class Model:
    name: str
    path: Path
    sql: str


def _models(folder: Path) -> list[Model]:
    return [Model(p.stem, p, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.sql"))]


def model_deps(models: list[Model]) -> dict[str, set[str]]:
    """Model name -> the names of the models its SQL reads (word-boundary references)."""
    names = [m.name for m in models]
    code = {m.name: re.sub(r"--[^\n]*", "", m.sql) for m in models}
    return {m.name: {n for n in names if n != m.name and re.search(rf"\b{re.escape(n)}\b", code[m.name])}
            for m in models}


def order_models(models: list[Model], known_tables: set[str] | None = None) -> list[Model]:
    """Order models so that each runs after the models it reads (word-boundary references)."""
    by_name = {m.name: m for m in models}
    deps = model_deps(models)
    ordered: list[Model] = []
    done: set[str] = set(known_tables or ())
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in done:
            return
        if name in visiting:
            raise BuildError(f"SQL models reference each other in a cycle at {by_name[name].path}")
        visiting.add(name)
        for d in sorted(deps[name]):
            visit(d)
        visiting.discard(name)
        done.add(name)
        ordered.append(by_name[name])

    for m in models:
        visit(m.name)
    return ordered


def run_models(con: duckdb.DuckDBPyConnection, sql_dir: Path = settings.SQL_DIR,
               only: Iterable[str] | None = None) -> list[str]:
    """Create one table per model file; return the table names in the order built. With
    ``only``, just those models and the models they read."""
    models = order_models(_models(sql_dir / "staging") + _models(sql_dir / "marts"))
    if only is not None:
        deps, needed = model_deps(models), set(only)
        for m in reversed(models):  # each model comes after what it reads
            if m.name in needed:
                needed |= deps[m.name]
        models = [m for m in models if m.name in needed]
    for m in models:
        try:
            con.execute(f"CREATE OR REPLACE TABLE {m.name} AS\n{m.sql}")
        except duckdb.Error as exc:
            raise BuildError(f"SQL model {m.path.name} failed: {exc}") from exc
    return [m.name for m in models]


@dataclass(frozen=True)
class CheckFailure:
    check: str
    description: str
    rows: list[tuple[str, str, str]]  # (file, locator, problem)


def describe_check(sql: str) -> str:
    lines = [ln[2:].strip() for ln in sql.splitlines() if ln.startswith("--")]
    return " ".join(lines).strip() or "(no description)"


def run_checks(con: duckdb.DuckDBPyConnection, sql_dir: Path = settings.SQL_DIR) -> list[CheckFailure]:
    """Run every data check; return the failing ones (empty list: all passed)."""
    failures = []
    for m in _models(sql_dir / "checks"):
        try:
            rows = con.execute(f"SELECT file, locator, problem FROM ({m.sql}) ORDER BY ALL").fetchall()
        except duckdb.Error as exc:
            raise BuildError(f"data check {m.path.name} failed to run: {exc}") from exc
        if rows:
            failures.append(CheckFailure(m.name, describe_check(m.sql), [tuple(map(str, r)) for r in rows]))
    return failures


def format_failures(failures: list[CheckFailure], limit: int = 15) -> str:
    """A readable report: per failing check, what it guards and the first failing rows."""
    parts = []
    for f in failures:
        parts.append(f"check {f.check} ({len(f.rows)} failing row(s)): {f.description}")
        for file, locator, problem in f.rows[:limit]:
            parts.append(f"  - {file} | {locator} | {problem}")
        if len(f.rows) > limit:
            parts.append(f"  ... and {len(f.rows) - limit} more")
    return "\n".join(parts)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def write_sorted_copy(db_path: Path, target: Path) -> None:
    """Write every table of the closed warehouse ``db_path`` into a new DuckDB file ``target``:
    tables in name order, rows sorted by all their columns, on one thread, so that the same
    tables always give the same bytes (but for the header's random database identifier)."""
    views = duckdb.connect(str(db_path), read_only=True)
    try:
        (n_views,) = views.execute("SELECT count(*) FROM duckdb_views() WHERE NOT internal").fetchone()  # type: ignore[misc]
    finally:
        views.close()
    if n_views:
        raise BuildError(f"{db_path} holds views; the warehouse download copies tables only")
    target.unlink(missing_ok=True)
    con = duckdb.connect(str(target), config={"threads": 1})
    try:
        # ATTACH takes no bound parameters: the path is written as a quoted SQL string
        path_literal = "'" + str(db_path).replace("'", "''") + "'"
        con.execute(f"ATTACH {path_literal} AS src (READ_ONLY)")
        tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables() "
                             "WHERE database_name = 'src' AND NOT internal AND NOT temporary ORDER BY ALL").fetchall()
        for schema, table in tables:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {_quoted(schema)}")
            con.execute(f"CREATE TABLE {_quoted(schema)}.{_quoted(table)} AS "
                        f"SELECT * FROM src.{_quoted(schema)}.{_quoted(table)} ORDER BY ALL")
        con.execute("DETACH src")
        con.execute("CHECKPOINT")
    finally:
        con.close()
