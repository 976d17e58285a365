"""The same commit builds the same site: every query that picks one row from several, or
orders what a page shows, does so by a full key, and two clean builds are byte-identical
(the DuckDB download but for the random identifier in its header, see below)."""

from __future__ import annotations

import csv
import gzip
import json
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import REPO
from site_builder import pipeline, publish, settings, warehouse
from site_builder.pages import common

SQL_FILES = sorted(settings.SQL_DIR.rglob("*.sql"))

# ---------------------------------------------------------------------------------------------
# A static guard: the SQL constructs whose result depends on the order rows are read in.


def _code(sql: str) -> str:
    """The SQL without comments, string literals blanked (so parentheses and words in them
    do not count)."""
    sql = re.sub(r"--[^\n]*", "", sql)
    return re.sub(r"'(?:[^']|'')*'", "''", sql)


def _calls(code: str, name: str) -> list[str]:
    """The argument text of every call ``name(...)`` (or window ``name(...) OVER (...)``, then
    the text of the OVER clause is appended) in ``code``."""
    out = []
    for m in re.finditer(rf"\b{name}\s*\(", code, re.IGNORECASE):
        depth, i = 1, m.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(code[i], 0)
            i += 1
        text = code[m.end():i - 1]
        over = re.match(r"\s*OVER\s*\(", code[i:], re.IGNORECASE)
        if over:
            j, depth = i + over.end(), 1
            while depth:
                depth += {"(": 1, ")": -1}.get(code[j], 0)
                j += 1
            text += " OVER " + code[i + over.end():j - 1]
        out.append(text)
    return out


def _top_level(code: str) -> str:
    """The text of ``code`` outside every parenthesis."""
    out, depth = [], 0
    for ch in code:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


# Queries that return one row by construction (an aggregate without GROUP BY).
ONE_ROW_QUERIES = {"downloads_warehouse_tables"}


def test_sql_never_depends_on_the_order_rows_are_read():
    """No ``any_value``; every ``string_agg``/``list``/``array_agg`` orders its input; every
    window that numbers, ranks or looks at neighbouring rows has an ORDER BY; every page
    query ends with an ORDER BY. (Whether an ORDER BY is a *full* key is what the next test
    checks on the data.)"""
    problems = []
    for path in SQL_FILES:
        code = _code(path.read_text(encoding="utf-8"))
        rel = path.relative_to(settings.SQL_DIR)
        if re.search(r"\bany_value\s*\(", code, re.IGNORECASE):
            problems.append(f"{rel}: any_value picks an arbitrary row; use arg_min/arg_max over a full key")
        for fn in ("string_agg", "list", "array_agg", "group_concat"):
            for args in _calls(code, fn):
                if not re.search(r"\bORDER\s+BY\b", args, re.IGNORECASE):
                    problems.append(f"{rel}: {fn}({args.strip()[:60]}...) without ORDER BY")
        for fn in ("row_number", "rank", "dense_rank", "lag", "lead", "first_value", "last_value", "nth_value"):
            for args in _calls(code, fn):
                over = args.split(" OVER ", 1)[1] if " OVER " in args else ""
                if not re.search(r"\bORDER\s+BY\b", over, re.IGNORECASE):
                    problems.append(f"{rel}: {fn}() OVER ({over.strip()[:60]}) without ORDER BY")
        if rel.parts[0] == "queries" and path.stem not in ONE_ROW_QUERIES \
                and not re.search(r"\bORDER\s+BY\b", _top_level(code), re.IGNORECASE):
            problems.append(f"{rel}: a page query without a final ORDER BY")
    assert not problems, "\n".join(problems)


def test_the_static_guard_catches_what_it_claims():
    bad = _code("SELECT string_agg(x, ', '), list(y), row_number() OVER (PARTITION BY z) FROM t -- list(")
    assert [a for a in _calls(bad, "string_agg") if "ORDER BY" not in a] == ["x, ''"]
    assert _calls(bad, "list") == ["y"]
    assert _calls(bad, "row_number") == [" OVER PARTITION BY z"]
    assert "ORDER BY" not in _top_level(_code("SELECT * FROM (SELECT 1 ORDER BY 1)"))


# ---------------------------------------------------------------------------------------------
# A data guard: the same rows read in another order give the same marts, queries and pages.


def _warehouse(reverse: bool) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    warehouse.load(con, REPO / "data")
    if reverse:
        for (table,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall():
            con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * EXCLUDE (_pos) FROM "
                        f"(SELECT *, row_number() OVER () AS _pos FROM {table}) ORDER BY _pos DESC")
    warehouse.run_models(con)
    return con


def _page_run(con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch) -> tuple[list, list[str]]:
    """Every query the page builders run with its rows in the order returned, and every page
    (its context and figures) as JSON."""
    log: list[tuple[str, str, list]] = []
    rows = common.Ctx.rows

    def recording(self, sql, params=None):
        out = rows(self, sql, params)
        log.append((sql, json.dumps(params, default=str, sort_keys=True), out))
        return out

    with monkeypatch.context() as m:
        m.setattr(common.Ctx, "rows", recording)
        pages = [p for builder in pipeline.PAGE_BUILDERS for p in builder(common.Ctx(con))]
    fields = ("id", "title", "takeaway", "description", "rows", "caveat", "notes", "cites", "sources")
    dumps = [json.dumps({"path": p.path, "context": p.context,
                         "figures": [{k: getattr(f, k) for k in fields} for f in p.figures]},
                        default=repr, sort_keys=True) for p in pages]
    return log, dumps


@pytest.mark.slow
def test_marts_queries_and_pages_do_not_depend_on_input_row_order(monkeypatch):
    """Load the committed data twice, the second time with every loaded table's rows
    reversed: a tie broken by 'the first row read' (any_value, arg_min over a partial key,
    a partial ORDER BY, GROUP BY output order) then comes out differently."""
    natural, reversed_ = _warehouse(False), _warehouse(True)
    models = [r[0] for r in natural.execute(
        "SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
    differ = [m for m in models if natural.execute(f"SELECT * FROM {m} ORDER BY ALL").fetchall()
              != reversed_.execute(f"SELECT * FROM {m} ORDER BY ALL").fetchall()]
    assert not differ, f"tables whose rows depend on the input order: {differ}"
    log_a, pages_a = _page_run(natural, monkeypatch)
    log_b, pages_b = _page_run(reversed_, monkeypatch)
    assert len(log_a) == len(log_b)
    unordered = sorted({sql.strip().splitlines()[0][:120] for (sql, _, a), (_, _, b) in zip(log_a, log_b) if a != b})
    assert not unordered, "queries whose result order depends on the input order:\n" + "\n".join(unordered)
    assert [json.loads(p)["path"] for p, q in zip(pages_a, pages_b) if p != q] == []


# ---------------------------------------------------------------------------------------------
# Two clean builds, byte for byte.

DUCKDB_HEADER = 4096  # DuckDB's main header block: magic, version, flags, database identifier


def _files(site: Path) -> dict[str, Path]:
    return {str(p.relative_to(site)): p for p in sorted(site.rglob("*")) if p.is_file()}


def _tables(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        return {n: con.execute(f"SELECT * FROM {n} ORDER BY ALL").fetchall() for n in names}
    finally:
        con.close()


@pytest.mark.slow
def test_two_clean_builds_are_byte_identical(built_site, tmp_path):
    """The session's build (tests/conftest.py) against a second clean build of the same data
    in a fresh build directory, run as a separate process with another hash seed (set
    iteration order), another time zone and the C.UTF-8 locale. Every file of the site must
    be identical byte for byte, downloads included.

    The one exception is ``downloads/warehouse.duckdb``: DuckDB writes 16 random bytes (the
    database identifier) into the main header of every new database file, and that header's
    checksum, and offers no setting to fix them. So for that file: the bytes after the
    4 KiB main header are identical, and so are its table list and every table's rows in a
    full sort order. (The download is written table by table in a total order, see
    warehouse.write_sorted_copy, which is what makes every other byte reproducible.)"""
    other = tmp_path / "build"
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env.update(PYTHONHASHSEED="12345", TZ="Pacific/Kiritimati", LC_ALL="C.UTF-8")
    done = subprocess.run([sys.executable, "-m", "site_builder", "build", "--no-cache", "--data", str(REPO / "data"),
                           "--build-dir", str(other)], cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    a, b = _files(built_site / "site"), _files(other / "site")
    assert sorted(a) == sorted(b)
    db = "downloads/warehouse.duckdb"
    differ = [name for name in a if name != db and a[name].read_bytes() != b[name].read_bytes()]
    assert not differ, f"files that differ between two builds of the same data: {differ}"
    assert a[db].read_bytes()[DUCKDB_HEADER:] == b[db].read_bytes()[DUCKDB_HEADER:]
    assert _tables(a[db]) == _tables(b[db])
    # the date MkDocs writes is the date up to which data was collected, not the day of the build
    with (REPO / "data" / "catalog" / "releases.csv").open(encoding="utf-8", newline="") as fh:
        data_date = max(r["first_ingested"] for r in csv.DictReader(fh))
    (mtime,) = struct.unpack("<I", a["sitemap.xml.gz"].read_bytes()[4:8])
    assert mtime == publish.epoch_of(data_date)
    assert gzip.decompress(a["sitemap.xml.gz"].read_bytes()) == a["sitemap.xml"].read_bytes()
