"""Generated days with every quirk of the format notes, read by the ingest and checked against what
the generator wrote (its expected files, computed from its own records): rows read, rejected,
recovered, unreadable lines, parts, strays, de-duplication across neighbouring days and every cell
of the cube. Three days across the v1 -> v2 schema change (30 June -> 1 July 2025)."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from site_builder.dsa_sor import store
from site_builder.dsa_sor.backfill import backfill
from site_builder.dsa_sor.generate import CUBE_COLUMNS, Rates, generate_days

DAYS = [date(2025, 6, 30) + timedelta(days=i) for i in range(3)]
RATES = Rates(backslash=2e-3, encoding=2e-3, unreadable=3, strays=2e-3, stray_orphans=1e-3, v1_categories=2e-3)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> tuple[Path, Path, list[dict]]:
    raw = tmp_path_factory.mktemp("raw")
    st = tmp_path_factory.mktemp("store")
    paths = generate_days(raw, DAYS[0], DAYS[-1], 6000, ids_per_zip=2000, ids_per_part=500, rates=RATES)
    res = backfill(raw, DAYS[0], DAYS[-1], store_dir=st, workers=2)
    assert not res.failed and not res.missing
    expected = [json.loads(p.with_name(p.name.replace(".zip", ".expected.json")).read_text()) for p in paths]
    return raw, st, expected


def _key(row: dict) -> tuple:
    return tuple(tuple(v) if isinstance(v, list) else (v.isoformat() if isinstance(v, date) else v) for v in
                 (row[c] for c in CUBE_COLUMNS))


def test_every_count_of_each_dump_matches_the_generator(ingested):
    _, st, expected = ingested
    for exp in expected:
        day = date.fromisoformat(exp["date"])
        row = store.read_row(store.partition(st, "global", "full", day))
        assert row is not None and row.generated
        assert (row.schema_version, row.sha1) == (exp["schema_version"], exp["sha1"])
        assert row.rows_read == exp["rows_read"]
        assert (row.rows_recovered_backslash, row.rows_recovered_encoding) == (exp["recovered"]["backslash"],
                                                                                exp["recovered"]["encoding"])
        assert exp["recovered"]["backslash"] > 0 and exp["recovered"]["encoding"] > 0
        assert row.rows_unreadable == len(exp["unreadable"]) == 3
        assert row.rows_rejected == exp["recovered"]["backslash"] + exp["recovered"]["encoding"] + len(exp["unreadable"])
        assert (row.parts, row.header_only_parts, row.inner_zips) == (exp["parts"], exp["header_only_parts"], exp["inner_zips"])
        assert exp["header_only_parts"] >= 1
        assert row.rows_stray == sum(exp["strays"].values()) > 0
        with (store.partition(st, "global", "full", day) / "unreadable.csv").open() as f:
            listed = [(r["part"], int(r["line"])) for r in csv.DictReader(f)]
        assert listed == sorted((u["part"], u["line"]) for u in exp["unreadable"])


def test_every_cell_of_the_cube_matches(ingested):
    _, st, expected = ingested
    for exp in expected:
        day = date.fromisoformat(exp["date"])
        path = store.partition(st, "global", "full", day) / "cube.parquet"
        rel = duckdb.sql(f"SELECT * FROM read_parquet('{path}', hive_partitioning = false)")
        got = Counter()
        for r in rel.fetchall():
            d = dict(zip(rel.columns, r))
            got[_key(d)] += d["rows"]
        want = Counter()
        for c in exp["cube"]:
            if c["day"] == exp["date"]:
                want[_key(c)] += c["rows"]
        assert got == want
        assert sum(got.values()) == exp["own_rows"]


def test_strays_deduplicated_across_neighbouring_days(ingested):
    raw, st, expected = ingested
    dropped = Counter()
    for exp in expected:
        for d, n in exp["stray_duplicates"].items():
            dropped[d] += n
    manifest = {r["date"]: r for r in store.manifest(st, "global", "full")}
    for d in DAYS:
        assert manifest[d.isoformat()]["rows_deduplicated"] == dropped[d.isoformat()]
        assert manifest[d.isoformat()]["strays_unverified"] == 0
    summary = json.loads(next(raw.glob("*.strays.json")).read_text())
    outside = sum(n for per in summary["unmatched_strays"].values() for d, n in per.items()
                  if d not in {x.isoformat() for x in DAYS})
    con = duckdb.connect()
    final = store.final_cube(st, "global", "full", con)
    assert final is not None
    total = final.aggregate("sum(rows)::BIGINT").fetchall()[0][0]
    assert total == summary["distinct_rows"] - outside  # every statement of the three days once, none lost
