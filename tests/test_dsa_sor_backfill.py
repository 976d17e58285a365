"""Backfill of many days (process pool and a Dask LocalCluster with two workers), the monthly
observations derived from the store, and the refusal of generated test dumps."""

from __future__ import annotations

import csv
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from conftest import IN_CI
from site_builder import settings
from site_builder.dsa_sor import derive as derive_mod
from site_builder.dsa_sor import store
from site_builder.dsa_sor.backfill import backfill
from site_builder.dsa_sor.layout import GENERATED_COMMENT
from site_builder.errors import InputError
from sor_dumps import arr, columns, row, write_dump

JULY = [date(2025, 7, 1) + timedelta(days=i) for i in range(31)]


def day_rows(day: date) -> list[dict]:
    ts = f"{day.isoformat()} 10:00:00"
    return [
        row(f"{day}-a", created_at=ts, application_date=f"{day.isoformat()} 00:00:00"),
        row(f"{day}-b", created_at=ts, application_date=f"{day.isoformat()} 00:00:00", automated_decision="AUTOMATED_DECISION_PARTIALLY",
            source_type="SOURCE_TRUSTED_FLAGGER", category="STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
            category_addition=arr("STATEMENT_CATEGORY_PROTECTION_OF_MINORS"), category_specification=None),
        row(f"{day}-c", created_at=ts, platform_name="Google Shopping", category="STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
            content_date="2026-01-01 00:00:00"),
    ]


def write_days(raw: Path, days: list[date], **kw) -> None:
    for d in days:
        write_dump(raw, d, [day_rows(d)], **kw)


def test_pool_backfill_is_resumable_and_reports_missing_days(tmp_path):
    raw, st = tmp_path / "raw", tmp_path / "store"
    write_days(raw, JULY[:2] + JULY[3:4])
    res = backfill(raw, JULY[0], JULY[3], store_dir=st, workers=2)
    assert sorted(r.action for r in res.done) == ["read"] * 3 and not res.failed
    assert res.missing == ["sor-global-2025-07-03-full.zip"]
    again = backfill(raw, JULY[0], JULY[3], store_dir=st, workers=2)
    assert [r.action for r in again.done] == ["unchanged"] * 3
    with res.manifest.open() as f:
        rows = list(csv.DictReader(f))
    assert [(r["date"], r["rows_read"], r["generated"]) for r in rows] == [
        ("2025-07-01", "3", "False"), ("2025-07-02", "3", "False"), ("2025-07-04", "3", "False")]


def test_bad_input_fails_that_day_only_without_retry(tmp_path):
    raw, st = tmp_path / "raw", tmp_path / "store"
    write_days(raw, JULY[:1])
    cols = tuple("platform" if c == "platform_name" else c for c in columns())
    write_dump(raw, JULY[1], [day_rows(JULY[1])], cols=cols)
    res = backfill(raw, JULY[0], JULY[1], store_dir=st, workers=1, retries=3)
    assert [r.dump for r in res.done] == ["sor-global-2025-07-01-full.zip"]
    [bad] = res.failed
    assert bad.bad_input and "missing: platform_name" in bad.error


def test_dask_local_cluster_with_two_workers(tmp_path):
    try:
        from dask import distributed
    except ImportError:  # the optional extra 'cluster'; installed for the tests, so CI must run this
        if IN_CI:
            raise
        pytest.skip("dask.distributed is not installed (pip install '.[cluster]')")
    raw, st = tmp_path / "raw", tmp_path / "store"
    write_days(raw, JULY[:4])
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        res = backfill(raw, JULY[0], JULY[3], store_dir=st, scheduler=cluster.scheduler_address, retries=1)
    assert sorted(r.dump for r in res.done) == [f"sor-global-{d}-full.zip" for d in JULY[:4]]
    assert not res.failed
    assert [r.rows_read for r in store.day_rows(st, "global", "full")] == [3, 3, 3, 3]


@pytest.fixture
def data_dir(tmp_path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(settings.DATA_DIR / "taxonomy", d / "taxonomy")
    labels = d / "taxonomy" / "platform_labels" / "dsa_sor.csv"
    labels.write_text("label,platform_id\nTikTok,tiktok\n", encoding="utf-8")
    return d


def test_monthly_observations_of_complete_months_only(tmp_path, data_dir):
    raw, st = tmp_path / "raw", tmp_path / "store"
    write_days(raw, JULY + [date(2025, 8, 1)])
    backfill(raw, JULY[0], date(2025, 8, 1), store_dir=st, workers=2)
    d = derive_mod.derive(st, data_dir)
    assert d.partial_months == ["2025-08"]
    assert [r.release_id for r in d.releases] == ["dsa_sor-global-full-2025-07"]
    got = {(o.policy_label, o.metric_label): o.value for o in d.observations}
    assert {o.platform_label for o in d.observations} == {"TikTok"}  # Google Shopping is not a platform of the site
    assert got[("ALL categories", "statements of reasons")] == 62
    assert got[("STATEMENT_CATEGORY_PROTECTION_OF_MINORS", "statements of reasons")] == 62  # category or addition
    assert got[("KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL", "statements of reasons")] == 31
    assert got[("ALL categories", "statements of reasons with a fully automated decision")] == 31
    assert got[("ALL categories", "statements of reasons following a trusted flagger notice")] == 31
    # content dated 30 June, decided on the day it was filed: 1 day on 1 July ... 31 days on 31 July
    delays = {m.removeprefix("statements of reasons decided ").removesuffix(" after the content date"): v
              for (p, m), v in got.items() if p == "ALL categories" and " after the content date" in m}
    assert delays == {"0 days": 0, "1 day": 2, "2-7 days": 12, "8-30 days": 46, "31-90 days": 2, "91-365 days": 0,
                      "366-1826 days": 0, "1827 or more days": 0}
    [o] = [o for o in d.observations if o.metric_label == "statements of reasons" and o.policy_label == "ALL categories"]
    assert (o.period_start, o.period_end, o.geography, o.unit) == (date(2025, 7, 1), date(2025, 7, 31), "EU", "SoRs")
    assert o.locator == ("sor-global-2025-07-01-full.zip … sor-global-2025-07-31-full.zip "
                         "(31 daily dumps; sha1 of each in data/catalog/dsa_sor_days.csv)")
    assert [x["date"] for x in d.days] == [x.isoformat() for x in JULY]


def test_generated_dumps_never_reach_data(tmp_path, data_dir):
    raw, st = tmp_path / "raw", tmp_path / "store"
    write_days(raw, JULY[:1], comment=GENERATED_COMMENT)
    backfill(raw, JULY[0], JULY[0], store_dir=st)
    with pytest.raises(InputError, match="generated test dumps; generated numbers never reach data/"):
        derive_mod.derive(st, data_dir)
    d = derive_mod.derive(st, data_dir, allow_generated=True, complete_only=False)
    assert {r.release_id for r in d.releases} == {"dsa_sor-generated-global-full-2025-07"}


def test_check_refuses_generated_releases():
    con = duckdb.connect()
    con.execute("CREATE TABLE releases AS SELECT 'data/catalog/releases.csv' AS obs_file, 'dsa_sor-generated-global-full-2025-07' "
                "AS release_id, 'generated test dumps (site_builder.dsa_sor.generate), never published' AS obtained_via")
    con.execute("CREATE TABLE stg_observations AS SELECT 'data/observations/dsa_sor.csv' AS obs_file, 'x' AS locator, "
                "'dsa_sor-generated-global-full-2025-07' AS release_id")
    check = (settings.SQL_DIR / "checks" / "generated_releases.sql").read_text()
    assert len(con.execute(check).fetchall()) == 2
    con.execute("UPDATE releases SET release_id = 'dsa_sor-global-full-2025-07', obtained_via = 'fetched'")
    con.execute("UPDATE stg_observations SET release_id = 'dsa_sor-global-full-2025-07'")
    assert con.execute(check).fetchall() == []


def test_a_worker_killed_mid_day_is_retried_on_a_new_pool(tmp_path, monkeypatch):
    import os

    raw, st = tmp_path / "raw", tmp_path / "store"
    write_days(raw, JULY[:3])
    marker = tmp_path / "died-once"
    real = store.process_day

    def dies_once(dump, *a, **kw):
        if dump.day == JULY[1] and not marker.exists():
            marker.write_text("x")
            os._exit(137)  # killed (out of memory, say): the pool breaks
        return real(dump, *a, **kw)

    monkeypatch.setattr(store, "process_day", dies_once)
    res = backfill(raw, JULY[0], JULY[2], store_dir=st, workers=2, retries=2)
    assert not res.failed and sorted(r.dump for r in res.done) == [f"sor-global-{d}-full.zip" for d in JULY[:3]]
    assert marker.exists() and res.manifest is not None


def test_undated_statements_stop_the_day_and_keep_the_previous_partition(tmp_path):
    from site_builder.dsa_sor.layout import parse_dump_path

    raw, st = tmp_path / "raw", tmp_path / "store"
    p = write_dump(raw, JULY[0], [day_rows(JULY[0])])
    store.process_day(parse_dump_path(p), st)
    write_dump(raw, JULY[0], [[row("a", created_at="2025-07-01T12:00:00.000000Z")]])  # regenerated in another format
    with pytest.raises(InputError, match="1 statements have a created_at that is not a timestamp"):
        store.process_day(parse_dump_path(p), st)
    assert store.day_rows(st, "global", "full")[0].rows_read == 3
    assert [x.name for x in (st / "slug=global" / "variant=full").iterdir()] == ["dump=2025-07-01"]


def test_strays_without_uuid_are_all_kept(tmp_path):
    from site_builder.dsa_sor.layout import parse_dump_path

    raw, st = tmp_path / "raw", tmp_path / "store"
    leaked = [row("", created_at="2025-07-02 00:01:00", platform_name=n) for n in ("TikTok", "X")]
    store.process_day(parse_dump_path(write_dump(raw, JULY[0], [[row("a"), *leaked]])), st)
    store.process_day(parse_dump_path(write_dump(raw, JULY[1], [[row("b", created_at="2025-07-02 08:00:00")]])), st)
    con = duckdb.connect()
    final = store.final_cube(st, "global", "full", con)
    per = dict(final.filter("day = DATE '2025-07-02'").aggregate("platform_name, sum(rows)::INT", "platform_name").fetchall())
    assert per == {"TikTok": 2, "X": 1}
    assert {r["date"]: r["rows_deduplicated"] for r in store.manifest(st, "global", "full")}["2025-07-02"] == 0
