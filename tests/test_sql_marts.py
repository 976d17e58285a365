"""The marts added with the issue-3 sources, on tiny inputs: curated rows superseded by raw
files (and compared with them), reporting coverage with its holes, what platforms say they
reported to NCMEC against NCMEC's count, published totals, and comparability notes."""

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import FIXTURES, make_data_dir, write_manifest
from site_builder import warehouse
from site_builder.ingest import ingest_curated, ingest_raw
from site_builder.pages.common import Ctx, comparability_note

COMMON = ["platform", "period_start", "period_end", "policy_area", "metric", "value", "unit", "source_url",
          "source_title", "retrieved_from", "note"]


def curated_file(folder: Path, name: str, rows: list[dict], extra: list[str] = ()) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / name).open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=COMMON + list(extra), lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({"source_url": "https://example.org/doc", "source_title": "Synthetic document",
                        "retrieved_from": "test", "note": "", **r})


def warehouse_for(data: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    warehouse.load(con, data)
    warehouse.run_models(con)
    return con


def rows(con, sql: str) -> list[dict]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def meta_row(value: str, **kw) -> dict:
    return {"platform": "Facebook", "period_start": "2021-04-01", "period_end": "2021-06-30",
            "policy_area": "Child Endangerment: Sexual Exploitation", "metric": "Content Actioned",
            "value": value, "unit": "pieces of content", **kw}


@pytest.fixture
def with_curated(tmp_path, fixture_raw):
    """Fixture Meta editions plus curated tables built by each test (returns a builder)."""
    def build(tables: dict[str, tuple[dict, list[dict]]]) -> Path:
        data = make_data_dir(tmp_path / "d", curated={name: spec for name, (spec, _) in tables.items()})
        cur = tmp_path / "curated"
        for name, (spec, rws) in tables.items():
            curated_file(cur, name, rws, extra=spec.pop("_extra", []))
        ingest_raw("meta_cser", fixture_raw, data)
        ingest_curated(cur, data)
        return data
    return build


def test_curated_row_with_the_same_key_is_superseded_and_compared(with_curated):
    spec = {"source_id": "meta_cser", "role": "facts", "edition": "test", "geography": "global"}
    data = with_curated({"meta_copy.csv": (spec, [meta_row("25600001"), meta_row("7", period_start="2019-01-01",
                                                                                  period_end="2019-03-31")])})
    con = warehouse_for(data)
    assert warehouse.run_checks(con) == []
    sup = rows(con, "SELECT period_start, superseded FROM fct_observations WHERE release_kind = 'curated' ORDER BY 1")
    assert [r["superseded"] for r in sup] == [False, True]  # 2019Q1 is in no raw file
    cmp = rows(con, "SELECT * FROM curated_vs_raw")
    assert len(cmp) == 1 and not cmp[0]["agrees"]
    assert (cmp[0]["curated_value"], cmp[0]["raw_value"]) == (25_600_001, 25_600_000)
    assert "meta/meta-2021-q3.csv" in cmp[0]["raw_locator"]  # compared with the newest snapshot
    s = rows(con, "SELECT value, release_id FROM series WHERE platform_label = 'Facebook' AND period_start = '2021-04-01'"
                  " AND metric_label = 'Content Actioned' AND policy_key = 'child_endangerment_sexual_exploitation'")
    assert s == [{"value": 25_600_000, "release_id": "meta_cser-2021Q3"}]


def test_copy_of_raw_supersedes_every_row(with_curated):
    spec = {"source_id": "meta_cser", "role": "facts", "edition": "2021Q3 (copy)", "geography": "global",
            "copy_of_raw": True}
    data = with_curated({"meta_copy.csv": (spec, [meta_row("25600000"), meta_row("7", period_start="2019-01-01",
                                                                                  period_end="2019-03-31")])})
    con = warehouse_for(data)
    assert rows(con, "SELECT bool_and(superseded) AS all_sup FROM fct_observations WHERE release_kind = 'curated'") == [
        {"all_sup": True}]
    cmp = {str(r["period_start"]): r for r in rows(con, "SELECT * FROM curated_vs_raw")}
    assert cmp["2021-04-01"]["agrees"] and cmp["2019-01-01"]["raw_release_id"] is None


def test_coverage_finds_runs_and_holes(with_curated):
    spec = {"source_id": "youtube_cge", "role": "facts", "edition": "test", "geography": "global"}
    quarters = [("2020-01-01", "2020-03-31"), ("2020-07-01", "2020-09-30"), ("2020-10-01", "2020-12-31")]
    yt = [{"platform": "YouTube", "period_start": s, "period_end": e, "policy_area": "all Community Guidelines policies",
           "metric": "videos removed", "value": "100", "unit": "videos"} for s, e in quarters]
    con = warehouse_for(with_curated({"youtube_cge.csv": (spec, yt)}))
    fam = rows(con, "SELECT * FROM coverage WHERE platform = 'youtube'")
    assert len(fam) == 1
    f = fam[0]
    assert (f["cadence"], f["periods"], f["expected_periods"]) == ("quarterly", 3, 4)
    assert [(str(r["start"]), str(r["end"])) for r in f["runs"]] == [("2020-01-01", "2020-03-31"),
                                                                    ("2020-07-01", "2020-12-31")]


def test_reconciliation_sums_a_full_year_and_matches_ncmec_lines(with_curated):
    dia = {"source_id": "diaphanous", "role": "facts", "edition": "test", "geography": "global"}
    ncm = {"source_id": "ncmec_esp", "role": "facts", "edition": "test", "geography": "global",
           "_extra": ["esp_name_as_published"]}
    halves = [{"platform": "Reddit", "period_start": s, "period_end": e, "policy_area": "CSAM", "metric": "reports",
               "value": v, "unit": "CyberTipline reports to NCMEC"}
              for s, e, v in (("2022-01-01", "2022-06-30", "60"), ("2022-07-01", "2022-12-31", "40"))]
    half_only = [{"platform": "Reddit", "period_start": "2023-01-01", "period_end": "2023-06-30", "policy_area": "CSAM",
                  "metric": "reports", "value": "50", "unit": "CyberTipline reports to NCMEC"}]
    lines = [{"platform": "Reddit", "esp_name_as_published": name, "period_start": f"{y}-01-01",
              "period_end": f"{y}-12-31", "policy_area": "child sexual exploitation (CyberTipline)",
              "metric": "cybertipline_reports_from_esp", "value": v, "unit": "reports"}
             for name, y, v in (("Reddit", 2022, "80"), ("Reddit", 2023, "90"))]
    con = warehouse_for(with_curated({"platform_csam_disclosures.csv": (dia, halves + half_only),
                                      "ncmec_cybertipline_by_esp.csv": (ncm, lines)}))
    rec = rows(con, "SELECT * FROM reconciliation")
    assert len(rec) == 1  # 2023 has only a half-year disclosure: no comparison
    r = rec[0]
    assert (r["platform_id"], r["year"], r["disclosed"], r["counted"], r["difference"]) == ("reddit", 2022, 100, 80, 20)
    assert r["ratio"] == pytest.approx(1.25)


def test_published_total_must_equal_its_lines(tmp_path):
    raw = tmp_path / "raw"
    (raw / "ncmec").mkdir(parents=True)
    shutil.copy(FIXTURES / "ncmec" / "ncmec-by-esp-2020.pdf", raw / "ncmec" / "ncmec-by-esp-2020.pdf")
    write_manifest(raw, [("ncmec/ncmec-by-esp-2020.pdf", "ncmec_esp", "2020")])
    data = make_data_dir(tmp_path, curated={})
    ingest_raw("ncmec_esp", raw, data)
    assert warehouse.run_checks(warehouse_for(data)) == []
    obs = data / "observations" / "ncmec_esp.csv"
    text = obs.read_text()
    total = next(line for line in text.splitlines() if ",Totals," in line or ",Total," in line)
    value = total.split(",")[9]
    obs.write_text(text.replace(total, total.replace(f",{value},", f",{int(value) + 1},", 1)))
    failed = {f.check: f for f in warehouse.run_checks(warehouse_for(data))}
    assert "published_totals_match" in failed
    assert "lines add up to" in failed["published_totals_match"].rows[0][2]


def test_comparability_note_names_each_definition_when_groups_differ(tiny_data):
    ctx = Ctx(warehouse_for(tiny_data))
    same = [{"metric_id": "proactive_rate", "source_id": "meta_cser"}] * 2
    assert comparability_note(ctx, same) == ""
    mixed = same + [{"metric_id": "proactive_rate", "source_id": "tiktok_cge"}]
    note = comparability_note(ctx, mixed)
    assert note.startswith("Definitions differ for 'Proactive rate'")
    assert "Meta CSER:" in note and "TikTok CGE report:" in note


def test_every_metric_a_source_publishes_needs_a_definition(tiny_data):
    path = tiny_data / "taxonomy" / "metric_definitions.csv"
    kept = [line for line in path.read_text().splitlines(keepends=True) if not line.startswith("proactive_rate,meta_cser")]
    path.write_text("".join(kept))
    failed = {f.check: f for f in warehouse.run_checks(warehouse_for(tiny_data))}
    assert "no definition of 'proactive_rate' for source 'meta_cser'" in failed["metric_definitions_recorded"].rows[0][2]
