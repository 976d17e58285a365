"""Load ``data/`` into DuckDB, run the SQL models, run the SQL data checks.

* load:   every committed CSV becomes a table of text columns (headers checked first,
          so a renamed column stops the build with the file and the expected header);
          the YAML catalog becomes ``sources`` and ``curated_files``.
* model:  ``sql/staging/*.sql`` then ``sql/marts/*.sql``; one model per file, the file
          name is the table name; order follows the references between models.
* check:  ``sql/checks/*.sql``; each returns the rows that fail, with columns
          ``file, locator, problem``. Any row stops the build.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from site_builder import catalog, docref, settings
from site_builder.adapters.claims import CLAIM_COLUMNS
from site_builder.errors import BuildError, InputError
from site_builder.observations import COLUMNS as OBS_COLUMNS
from site_builder.quarantine import COLUMNS as QUARANTINE_COLUMNS
from site_builder.taxonomy import MAP_DIRS, MAP_FILES, map_files

ANNOTATION_COLUMNS = ["date", "date_precision", "sources", "platforms", "policy_areas", "kind", "label", "text", "source_url"]
# data/coverage_checks.csv: what is known about periods this site holds no figure for
COVERAGE_CHECK_COLUMNS = ["platform_id", "source_id", "policy_area", "metric_id", "period_start", "period_end",
                          "state", "where_url", "where_title", "checked_on", "checked_by", "evidence", "note"]


def _check_header(path: Path, expected: list[str]) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        first = fh.readline()
    if first.startswith("\ufeff"):
        first = first[1:]
    header = next(csv.reader([first]), [])
    if header != expected:
        raise InputError(path, "unexpected header", line=1, got=header, expected=",".join(expected))


def _load_csv(con: duckdb.DuckDBPyConnection, table: str, paths: list[Path], columns: list[str],
              data_dir: Path) -> None:
    """Create ``table`` from CSV files with exactly ``columns`` (all text) plus ``obs_file``."""
    for p in paths:
        _check_header(p, columns)
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
        names = ", ".join(str(p.relative_to(data_dir.parent)) if p.is_relative_to(data_dir.parent) else str(p)
                          for p in paths[:3])
        raise BuildError(f"cannot read {names}: {str(exc).splitlines()[0]}") from exc


def load(con: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    """Load every committed input into the warehouse as text tables."""
    obs_files = sorted((data_dir / "observations").rglob("*.csv"))
    if not obs_files:
        raise InputError(data_dir / "observations", "no observation files; run `python -m site_builder ingest all`")
    _load_csv(con, "raw_observations", obs_files, OBS_COLUMNS, data_dir)
    _load_csv(con, "raw_releases", [catalog.releases_path(data_dir)], catalog.RELEASE_COLUMNS, data_dir)
    for name, cols in {**MAP_FILES, **MAP_DIRS}.items():
        _load_csv(con, f"tax_{name}", map_files(data_dir, name), cols, data_dir)
    for name in MAP_DIRS:  # per-source maps: the file name is the source id
        con.execute(f"CREATE OR REPLACE TABLE tax_{name} AS SELECT regexp_extract(obs_file, '([^/]+)\\.csv$', 1) "
                    f"AS source_id, * FROM tax_{name}")
    _load_csv(con, "raw_annotations", [data_dir / "annotations.csv"], ANNOTATION_COLUMNS, data_dir)
    claims_file = data_dir / "claims.csv"
    if claims_file.exists():
        _load_csv(con, "raw_claims", [claims_file], CLAIM_COLUMNS, data_dir)
    else:
        con.execute("CREATE OR REPLACE TABLE raw_claims AS SELECT " +
                    ", ".join(f"NULL::VARCHAR AS {c}" for c in CLAIM_COLUMNS + ["obs_file"]) + " WHERE false")
    checks_file = data_dir / "coverage_checks.csv"
    if checks_file.exists():
        _load_csv(con, "raw_coverage_checks", [checks_file], COVERAGE_CHECK_COLUMNS, data_dir)
    else:
        con.execute("CREATE OR REPLACE TABLE raw_coverage_checks AS SELECT " +
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


@dataclass(frozen=True)
class Model:
    name: str
    path: Path
    sql: str


def _models(folder: Path) -> list[Model]:
    return [Model(p.stem, p, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.sql"))]


def order_models(models: list[Model], known_tables: set[str] | None = None) -> list[Model]:
    """Order models so that each runs after the models it reads (word-boundary references)."""
    by_name = {m.name: m for m in models}
    code = {m.name: re.sub(r"--[^\n]*", "", m.sql) for m in models}
    deps = {
        m.name: {n for n in by_name if n != m.name and re.search(rf"\b{re.escape(n)}\b", code[m.name])}
        for m in models
    }
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


def run_models(con: duckdb.DuckDBPyConnection, sql_dir: Path = settings.SQL_DIR) -> list[str]:
    """Create one table per model file; return the table names in the order built."""
    models = order_models(_models(sql_dir / "staging") + _models(sql_dir / "marts"))
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
