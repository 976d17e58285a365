"""The generator of DSA Transparency Database daily dumps (test and benchmark data only): exact layout,
column counts, the quirks as DuckDB sees them (rejected by the first parse, recovered or not by the
re-reads), the expected cube against the CSV bytes, determinism, and identical strays across days."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import zipfile
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from site_builder.dsa_sor.generate import CUBE_COLUMNS, GENERATED_COMMENT, Rates, generate_day, generate_days
from site_builder.dsa_sor.generate_rows import ENUMS_CSV, columns

DAY, V1_DAY = date(2025, 7, 2), date(2025, 6, 30)
SMALL = {"rows": 3000, "ids_per_zip": 1000, "ids_per_part": 300}
RATES = Rates(backslash=2e-3, encoding=2e-3, unreadable=3, strays=2e-3, stray_orphans=1e-3, v1_categories=2e-3)
NAME = re.compile(r"^sor-global-\d{4}-\d{2}-\d{2}-(full|light)-(\d{5})(?:-(\d{5}))?\.csv(?:\.zip)?$")
MACROS = """
CREATE OR REPLACE MACRO lst(x) AS CASE WHEN coalesce(x, '') = '' THEN []::VARCHAR[]
  ELSE list_sort(list_distinct(from_json(x, '["VARCHAR"]'))) END;
CREATE OR REPLACE MACRO dt(x) AS try_strptime(x, '%Y-%m-%d %H:%M:%S')::DATE;
CREATE OR REPLACE MACRO bk(n) AS CASE WHEN n < 0 THEN 'negative' WHEN n = 0 THEN '0' WHEN n = 1 THEN '1' WHEN n <= 7 THEN '2-7'
  WHEN n <= 30 THEN '8-30' WHEN n <= 90 THEN '31-90' WHEN n <= 365 THEN '91-365' WHEN n <= 1826 THEN '366-1826' ELSE '1827+' END;
CREATE OR REPLACE MACRO ok(d, lo, cr) AS d IS NOT NULL AND d BETWEEN lo AND DATE '2038-01-01' AND d <= cr;
"""
CUBE_SQL = """
SELECT dt(created_at)::VARCHAR, platform_name, category, lst(category_addition), lst(category_specification), lst(decision_visibility),
  nullif(decision_monetary, ''), nullif(decision_provision, ''), nullif(decision_account, ''), nullif(decision_ground, ''),
  nullif(automated_detection, ''), nullif(automated_decision, ''), nullif(source_type, ''), lst(content_type),
  CASE WHEN ok(dt(content_date), DATE '2000-01-01', dt(created_at)) AND ok(dt(application_date), DATE '2020-01-01', dt(created_at))
       THEN bk(dt(application_date) - dt(content_date)) ELSE 'impossible' END,
  CASE WHEN ok(dt(application_date), DATE '2020-01-01', dt(created_at)) THEN bk(dt(created_at) - dt(application_date))
       ELSE 'impossible' END
FROM t
"""
# DuckDB checks UTF-8 only in the columns a query reads: the first parse keeps every column (the bad bytes are in free text)
READ_ALL = """
CREATE OR REPLACE TEMP TABLE t AS SELECT * FROM read_csv(?, header = true, auto_detect = false, columns = ?, delim = ',', quote = '"',
                                                         escape = ?, encoding = ?, store_rejects = true)
"""


def unpack(outer: Path, into: Path) -> list[Path]:
    """The CSV parts of a dump, extracted in name order."""
    into.mkdir(parents=True, exist_ok=True)
    out = []
    with zipfile.ZipFile(outer) as z:
        for info in z.infolist():
            with z.open(info) as f, zipfile.ZipFile(f) as inner:
                for part in inner.infolist():
                    (into / part.filename).write_bytes(inner.read(part))
                    out.append(into / part.filename)
    return out


def lines(part: Path) -> list[bytes]:
    return part.read_bytes().split(b"\n")[:-1]


def read(con: duckdb.DuckDBPyConnection, path: Path, escape: str = '"', encoding: str = "utf-8") -> tuple[list[tuple], list[tuple]]:
    """(cube-key rows, rejected lines as (line, error types joined by '+')) of one CSV file, every column VARCHAR.
    A line with the PHP \\" bug is reported as UNQUOTED VALUE, plus TOO MANY COLUMNS when a comma follows the pair."""
    header = next(csv.reader([lines(path)[0].decode()]))
    con.execute("DROP TABLE IF EXISTS reject_errors")  # the reject tables would otherwise keep the lines of earlier reads
    con.execute("DROP TABLE IF EXISTS reject_scans")
    con.execute(READ_ALL, [str(path), {c: "VARCHAR" for c in header}, escape, encoding])
    rows = [tuple(tuple(v) if isinstance(v, list) else v for v in r) for r in con.execute(CUBE_SQL).fetchall()]
    rejects = con.execute("SELECT line, string_agg(DISTINCT error_type, '+' ORDER BY error_type DESC) FROM reject_errors "
                          "GROUP BY line ORDER BY line").fetchall()
    return rows, [(line, "UNQUOTED VALUE" if "UNQUOTED VALUE" in kind else kind) for line, kind in rejects]


def with_header(part: Path, picked: list[bytes], out: Path) -> Path:
    out.write_bytes(lines(part)[0] + b"\n" + b"".join(x + b"\n" for x in picked))
    return out


def connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for statement in MACROS.strip().split(";\n"):
        con.execute(statement)
    return con


@pytest.fixture(scope="module")
def day(tmp_path_factory) -> tuple[Path, dict, list[Path]]:
    out = tmp_path_factory.mktemp("gen")
    path = generate_day(out / "raw", DAY, rates=RATES, **SMALL)
    expected = json.loads(path.with_name(path.name.replace(".zip", ".expected.json")).read_text())
    return path, expected, unpack(path, out / "parts")


def test_layout_names_headers_and_sha1(day):
    path, expected, parts = day
    assert expected["file"] == path.name == "sor-global-2025-07-02-full.zip"
    sha = path.with_name(path.name + ".sha1").read_text()
    assert sha == f"{hashlib.sha1(path.read_bytes()).hexdigest()}  {path.name}\n" and expected["sha1"] == sha[:40]
    with zipfile.ZipFile(path) as z:
        assert z.comment == GENERATED_COMMENT == b"generated by site_builder.dsa_sor.generate"
        inner = z.infolist()
        assert [i.filename for i in inner] == [f"sor-global-2025-07-02-full-{n:05d}.csv.zip" for n in range(len(inner))]
        assert {i.compress_type for i in inner} == {zipfile.ZIP_STORED} and {i.date_time for i in inner} == {(2025, 7, 2, 6, 0, 0)}
        members = []
        for info in inner:
            with z.open(info) as f, zipfile.ZipFile(f) as iz:
                names = [m.filename for m in iz.infolist()]
                assert names[0] == info.filename.replace(".csv.zip", "-00000.csv")
                assert all(NAME.match(n) and n.startswith(info.filename[:-8]) for n in names)
                assert {m.compress_type for m in iz.infolist()} == {zipfile.ZIP_DEFLATED}
                members += names
    assert expected["inner_zips"] == len(inner) >= 4 and expected["parts"] == len(parts) == len(members)
    header = ",".join(columns("v2", "full")).encode()
    sizes = [len(lines(p)) - 1 for p in parts]
    assert all(lines(p)[0] == header for p in parts) and max(sizes) <= SMALL["ids_per_part"]
    assert expected["header_only_parts"] == sizes.count(0) >= 1
    assert parts[-1].name.endswith("-00000.csv") and sizes[-1] == 0  # an inner zip whose ID range holds no row
    assert expected["rows_read"] == sum(sizes) == SMALL["rows"] + sum(expected["strays"].values())
    assert expected["own_rows"] == SMALL["rows"] - len(expected["unreadable"])


@pytest.mark.parametrize(("when", "variant", "n"), [(DAY, "full", 38), (DAY, "light", 34), (V1_DAY, "full", 37), (V1_DAY, "light", 33)])
def test_column_counts(tmp_path, when, variant, n):
    path = generate_day(tmp_path, when, rows=400, variant=variant, ids_per_zip=1000, ids_per_part=300)
    parts = unpack(path, tmp_path / "parts")
    header = lines(parts[0])[0].decode().split(",")
    assert header == columns("v1" if when == V1_DAY else "v2", variant) and len(header) == n
    assert ("content_id_ean" in header) == (when == DAY) and ("decision_facts" in header) == (variant == "full")
    assert all(len(r) == n for p in parts for r in csv.reader(x.decode() for x in lines(p)[1:]))


def test_duckdb_rejects_exactly_the_damaged_lines_and_rereads_recover_them(day, tmp_path):
    _, expected, parts = day
    con = connect()
    got: Counter = Counter()
    unreadable, accepted = [], 0
    for part in parts:
        rows, rejects = read(con, part)
        accepted += len(rows)
        kinds = dict(rejects)
        got.update(kinds.values())
        raw = lines(part)
        by_kind = {k: [raw[line - 1] for line, kind in rejects if kind == k] for k in set(kinds.values())}
        if "UNQUOTED VALUE" in by_kind:  # the PHP \" bug: escape='\\' re-reads it with every column
            again, left = read(con, with_header(part, by_kind["UNQUOTED VALUE"], tmp_path / "bs.csv"), escape="\\")
            assert not left and len(again) == len(by_kind["UNQUOTED VALUE"]) and all(b'\\"' in x for x in by_kind["UNQUOTED VALUE"])
        if "INVALID ENCODING" in by_kind:  # a lone 0xC3 byte: latin-1 re-reads it
            again, left = read(con, with_header(part, by_kind["INVALID ENCODING"], tmp_path / "enc.csv"), encoding="latin-1")
            assert not left and len(again) == len(by_kind["INVALID ENCODING"]) and all(b"\xc3 " in x for x in by_kind["INVALID ENCODING"])
        for line, kind in rejects:
            if kind == "TOO MANY COLUMNS":
                unreadable.append({"part": part.name, "line": line})
                for opts in ({"escape": "\\"}, {"encoding": "latin-1"}):
                    _, left = read(con, with_header(part, [raw[line - 1]], tmp_path / "u.csv"), **opts)
                    assert left, "an unreadable line must stay unreadable after both re-reads"
    assert dict(got) == {"UNQUOTED VALUE": expected["recovered"]["backslash"], "INVALID ENCODING": expected["recovered"]["encoding"],
                         "TOO MANY COLUMNS": len(expected["unreadable"])}
    assert min(got.values()) >= 3 and unreadable == expected["unreadable"]
    assert accepted + sum(got.values()) == expected["rows_read"]


def test_expected_cube_is_what_the_csv_holds(day, tmp_path):
    _, expected, parts = day
    con, cube = connect(), Counter()
    for part in parts:
        rows, rejects = read(con, part)
        cube.update(rows)
        raw = lines(part)
        for kind, opts in (("UNQUOTED VALUE", {"escape": "\\"}), ("INVALID ENCODING", {"encoding": "latin-1"})):
            picked = [raw[line - 1] for line, k in rejects if k == kind]
            if picked:
                cube.update(read(con, with_header(part, picked, tmp_path / "re.csv"), **opts)[0])
    want = Counter()
    for c in expected["cube"]:
        key = tuple(tuple(c[k]) if isinstance(c[k], list) else c[k] for k in CUBE_COLUMNS if k != "schema_version")
        want[key] += c["rows"]
        assert c["schema_version"] == "v2"
    assert cube == want
    keys = [tuple(c[k] for k in CUBE_COLUMNS) for c in expected["cube"]]
    assert len(set(map(str, keys))) == len(keys)
    assert sum(want.values()) == expected["own_rows"] + sum(expected["strays"].values())
    assert {c["content_delay"] for c in expected["cube"]} >= {"impossible", "negative", "0", "1827+"}
    assert expected["quirks"]["v1_categories_in_v2"] >= 1 and expected["quirks"]["unsorted_arrays"] >= 1


def test_values_follow_the_vocabularies_and_formats(day):
    _, expected, parts = day
    with ENUMS_CSV.open(newline="") as f:
        enums = list(csv.DictReader(f))
    assert list(enums[0]) == ["field", "key", "label", "v1", "v2"]
    assert [(r["field"], r["key"]) for r in enums] == sorted((r["field"], r["key"]) for r in enums)
    allowed = {(r["field"], r["key"], v) for r in enums for v in ("v1", "v2") if r[v] == "1"}
    count = Counter((r["field"], v) for r in enums for v in ("v1", "v2") if r[v] == "1")
    assert (count["category", "v1"], count["category", "v2"], count["category_specification", "v1"],
            count["category_specification", "v2"]) == (14, 16, 55, 69)
    v1_only = set()
    for c in expected["cube"]:
        if ("category", c["category"], "v2") not in allowed:
            assert ("category", c["category"], "v1") in allowed
            v1_only.add(c["category"])
        for field, values in (("category", c["category_addition"]), ("category_specification", c["keywords"]),
                              ("decision_visibility", c["decision_visibility"]), ("content_type", c["content_type"])):
            assert all((field, v, "v2") in allowed for v in values), (field, values)
    assert v1_only <= {"STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE", "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT",
                       "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR", "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS"}
    con = duckdb.connect()
    files = [str(p) for p in parts]
    bad = con.execute("""SELECT
        count(*) FILTER (NOT regexp_full_match(uuid, '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}')),
        count(*) FILTER (NOT regexp_full_match(platform_uid, '[a-zA-Z0-9-_]+')),
        count(*) FILTER (content_id_ean IS NOT NULL AND NOT regexp_full_match(content_id_ean, '[0-9]{13}')),
        count(*) FILTER (content_id_ean LIKE '0%'), count(DISTINCT created_at), count(*)
        FROM read_csv(?, header = true, all_varchar = true, auto_detect = false, ignore_errors = true,
                      columns = ?)""", [files, {c: "VARCHAR" for c in columns("v2", "full")}]).fetchall()[0]
    assert bad[:3] == (0, 0, 0) and bad[3] >= 1 and bad[4] < bad[5] / 10  # batches share created_at seconds


def test_deterministic_and_independent_of_workers(tmp_path):
    kw = {"rows": 1500, "ids_per_zip": 1000, "ids_per_part": 300, "rates": RATES, "seed": 7}
    a = generate_day(tmp_path / "a", DAY, **kw)
    b = generate_day(tmp_path / "b", DAY, workers=2, **kw)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir()) and len(names) == 3
    assert all((tmp_path / "a" / n).read_bytes() == (tmp_path / "b" / n).read_bytes() for n in names)
    c = generate_day(tmp_path / "c", DAY, **{**kw, "seed": 8})
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()


def test_light_has_the_same_statements_and_quirks_as_full(tmp_path, day):
    _, full, _ = day
    path = generate_day(tmp_path, DAY, variant="light", rates=RATES, **SMALL)
    light = json.loads(path.with_name(path.name.replace(".zip", ".expected.json")).read_text())
    for k in ("rows_read", "recovered", "strays", "stray_duplicates", "own_rows", "parts", "header_only_parts", "cube", "quirks"):
        assert light[k] == full[k], k
    assert [u["line"] for u in light["unreadable"]] == [u["line"] for u in full["unreadable"]]


def test_neighbour_days_share_identical_strays(tmp_path):
    first, last = date(2025, 6, 30), date(2025, 7, 2)
    paths = generate_days(tmp_path, first, last, 2000, ids_per_zip=1000, ids_per_part=300, rates=RATES)
    summary = json.loads((tmp_path / "sor-global-2025-06-30-2025-07-02-full.strays.json").read_text())
    rows: dict[str, dict[str, dict[str, str]]] = {}  # dump day -> uuid -> the readable row by column name
    for p in paths:
        parts = unpack(p, tmp_path / p.name[11:21])
        header = next(csv.reader([lines(parts[0])[0].decode()]))
        text = [x.replace(b'\\"', b'\\""').decode("latin-1") for part in parts for x in lines(part)[1:] if b",EXPORT_RETRY," not in x]
        rows[p.name[11:21]] = {r[0]: dict(zip(header, r)) for r in csv.reader(text)}
    own = {d: {u for u, r in got.items() if r["created_at"][:10] == d} for d, got in rows.items()}
    for p in paths:
        d = p.name[11:21]
        exp = json.loads(p.with_name(p.name.replace(".zip", ".expected.json")).read_text())
        assert len(own[d]) == exp["own_rows"] and set(exp["strays"]) == {(date.fromisoformat(d) + timedelta(days=k)).isoformat()
                                                                           for k in (-1, 1)}
        for home, n in exp["strays"].items():
            strays = [u for u, r in rows[d].items() if r["created_at"][:10] == home]
            assert len(strays) == n >= 2
            if home in own:  # the neighbour's dump was generated: its copies are the same statements, field by field
                copies = [u for u in strays if u in own[home]]
                assert len(copies) == exp["stray_duplicates"][home] >= 1
                common = [c for c in rows[d][copies[0]] if c in rows[home][copies[0]]]
                assert all({c: rows[d][u][c] for c in common} == {c: rows[home][u][c] for c in common} for u in copies)
                assert summary["unmatched_strays"][d].get(home, 0) == n - len(copies) >= (home < d)  # orphans of D-1
            else:
                assert summary["unmatched_strays"][d][home] == n
    assert summary["distinct_rows"] == len(set().union(*rows.values()))


def test_backslash_lines_keeping_their_arrays_need_the_quote_repair(tmp_path):
    """Measured with DuckDB 2.0.1: escape='\\' cannot read the "" of a JSON array, so a realistic \\" line with its
    arrays (Rates.backslash_keeps_arrays) is re-read only after writing its \\" as \\"" (with escape='"')."""
    rates = Rates(backslash=3e-3, encoding=0, unreadable=0, backslash_keeps_arrays=True)
    path = generate_day(tmp_path / "raw", DAY, rows=1000, ids_per_zip=5000, ids_per_part=5000, rates=rates)
    [part] = [p for p in unpack(path, tmp_path / "parts") if lines(p)[1:]]
    con = connect()
    rows, rejects = read(con, part)
    bad = [lines(part)[line - 1] for line, _ in rejects]
    assert len(bad) == 3 and all(b'\\"' in x and b'""' in x for x in bad)
    assert read(con, with_header(part, bad, tmp_path / "bs.csv"), escape="\\")[1]
    again, left = read(con, with_header(part, [x.replace(b'\\"', b'\\""') for x in bad], tmp_path / "fix.csv"))
    assert not left and len(again) == 3 and all(r[13] for r in again)  # content_type kept
    assert len(rows) + 3 == json.loads(path.with_name(path.name.replace(".zip", ".expected.json")).read_text())["rows_read"]


def test_platform_slug_and_unknown_slug(tmp_path):
    path = generate_day(tmp_path, date(2024, 1, 10), rows=300, slug="amazon", ids_per_zip=1000, ids_per_part=300)
    expected = json.loads(path.with_name(path.name.replace(".zip", ".expected.json")).read_text())
    assert path.name == "sor-amazon-2024-01-10-full.zip" and {c["platform_name"] for c in expected["cube"]} == {"Amazon"}
    with pytest.raises(ValueError, match="unknown dump slug 'nope'"):
        generate_day(tmp_path / "x", DAY, rows=10, slug="nope")
    assert not (tmp_path / "x").exists()
