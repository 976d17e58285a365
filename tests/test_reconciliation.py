"""Reconciliation of what platforms say they reported to NCMEC with NCMEC's count, on tiny
curated inputs: Google's and YouTube's figures summed against NCMEC's one Google line, rows that
contain each other (Aylo and Pornhub, Amazon and Twitch) counted once, the matching rules refused
when they name an unknown platform, and the takeaway counting only the rows that stand."""

import csv
from pathlib import Path

import duckdb
import pytest

from conftest import make_data_dir
from site_builder import warehouse
from site_builder.ingest import ingest_curated
from site_builder.pages.common import Ctx
from site_builder.pages.ncmec import reconciliation_figure

COMMON = ["platform", "period_start", "period_end", "policy_area", "metric", "value", "unit", "source_url",
          "source_title", "retrieved_from", "note"]
DIA = {"source_id": "diaphanous", "role": "facts", "edition": "test", "geography": "global"}
NCM = {"source_id": "ncmec_esp", "role": "facts", "edition": "test", "geography": "global"}


def disclosure(platform: str, start: str, end: str, value: int) -> dict:
    return {"platform": platform, "period_start": start, "period_end": end, "policy_area": "CSAM",
            "metric": "reports", "value": str(value), "unit": "CyberTipline reports to NCMEC"}


def halves(platform: str, year: int, h1: int, h2: int) -> list[dict]:
    return [disclosure(platform, f"{year}-01-01", f"{year}-06-30", h1),
            disclosure(platform, f"{year}-07-01", f"{year}-12-31", h2)]


def ncmec_line(name: str, year: int, value: int) -> dict:
    return {"platform": name, "esp_name_as_published": name, "period_start": f"{year}-01-01",
            "period_end": f"{year}-12-31", "policy_area": "child sexual exploitation (CyberTipline)",
            "metric": "cybertipline_reports_from_esp", "value": str(value), "unit": "reports"}


def write(folder: Path, name: str, rows: list[dict], extra: list[str] = ()) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / name).open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=COMMON + list(extra), lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({"source_url": "https://example.org/doc", "source_title": "Synthetic document",
                        "retrieved_from": "test", "note": "", **r})


@pytest.fixture
def build(tmp_path):
    """Curated platform disclosures and NCMEC lines -> a data directory with the real taxonomy
    (real matching rules); returns (data dir, warehouse connection)."""
    def make(disclosures: list[dict], lines: list[dict]) -> tuple[Path, duckdb.DuckDBPyConnection]:
        data = make_data_dir(tmp_path / "d", curated={"platform_csam_disclosures.csv": dict(DIA),
                                                       "ncmec_cybertipline_by_esp.csv": dict(NCM)})
        cur = tmp_path / "curated"
        write(cur, "platform_csam_disclosures.csv", disclosures)
        write(cur, "ncmec_cybertipline_by_esp.csv", lines, extra=["esp_name_as_published"])
        ingest_curated(cur, data)
        con = duckdb.connect()
        warehouse.load(con, data)
        warehouse.run_models(con)
        return data, con
    return make


def recon(con) -> dict[tuple[str, int], dict]:
    cur = con.execute("SELECT * FROM reconciliation")
    cols = [d[0] for d in cur.description]
    return {(r["platform_id"], r["year"]): r for r in (dict(zip(cols, x)) for x in cur.fetchall())}


def test_google_and_youtube_are_summed_against_ncmecs_google_line(build):
    _, con = build(halves("Google", 2021, 287368, 334215) + halves("YouTube", 2021, 124773, 123963),
                   [ncmec_line("Google", 2021, 875783)])
    assert warehouse.run_checks(con) == []
    rec = recon(con)
    assert set(rec) == {("google", 2021)}  # YouTube has no NCMEC line: it is compared inside Google's row
    r = rec[("google", 2021)]
    assert r["disclosed"] == 287368 + 334215 + 124773 + 123963 == 870319
    assert r["counted"] == 875783
    assert r["ratio"] == pytest.approx(870319 / 875783)
    assert r["disclosure_ids"] == ["google", "youtube"] and r["ncmec_ids"] == ["google"]
    assert [(p["label"], p["value"]) for p in r["disclosure_parts"]] == [
        ("Google", 287368), ("Google", 334215), ("YouTube", 124773), ("YouTube", 123963)]
    assert r["disclosure_lines"] == ("Google 2021-01 to 2021-06: 287368; Google 2021-07 to 2021-12: 334215; "
                                     "YouTube 2021-01 to 2021-06: 124773; YouTube 2021-07 to 2021-12: 123963")
    assert r["ncmec_lines"] == "Google: 875783"
    assert r["counted_in_total"] and r["by_rule"] and "YouTube" in r["matching_note"]


def test_a_rule_needs_every_platform_it_adds(build):
    """Without YouTube's second half-year, Google's row would compare part of the services."""
    _, con = build(halves("Google", 2021, 287368, 334215) + [disclosure("YouTube", "2021-01-01", "2021-06-30", 1)],
                   [ncmec_line("Google", 2021, 875783)])
    assert recon(con) == {}


def test_aylo_and_pornhub_count_once(build):
    _, con = build(halves("Pornhub", 2021, 4000, 5029) + halves("Pornhub", 2020, 2000, 2171),
                   [ncmec_line("MG Freesites (Pornhub)", 2021, 9029), ncmec_line("MG Freesites", 2021, 16),
                    ncmec_line("MindGeek*", 2020, 13229)])
    assert warehouse.run_checks(con) == []
    rec = recon(con)
    assert set(rec) == {("aylo", 2020), ("aylo", 2021), ("pornhub", 2021)}
    counted = {k for k, r in rec.items() if r["counted_in_total"]}
    assert counted == {("pornhub", 2021)}  # Pornhub's figure against Pornhub's line: like for like
    aylo = rec[("aylo", 2021)]
    assert (aylo["disclosed"], aylo["counted"]) == (9029, 9045)  # Pornhub's figure against all of Aylo's lines
    assert (aylo["covered_by"], aylo["not_counted_reason"]) == ("pornhub", "not_like_for_like")
    assert rec[("aylo", 2020)]["not_counted_reason"] == "not_like_for_like"  # one combined MindGeek* line
    assert rec[("aylo", 2020)]["covered_by"] is None


def test_amazon_stands_in_for_twitch(build):
    _, con = build([disclosure("Amazon", "2022-01-01", "2022-12-31", 67073)] + halves("Twitch", 2022, 6711, 7585),
                   [ncmec_line("Amazon Photos", 2022, 55543), ncmec_line("Amazon", 2022, 106),
                    ncmec_line("Twitch Interactive, Inc.", 2022, 14508)])
    assert warehouse.run_checks(con) == []
    rec = recon(con)
    assert rec[("amazon", 2022)]["counted"] == 55543 + 106 + 14508
    assert rec[("amazon", 2022)]["counted_in_total"]
    twitch = rec[("twitch", 2022)]
    assert not twitch["counted_in_total"]
    assert (twitch["covered_by"], twitch["not_counted_reason"]) == ("amazon", "in_other_row")


def test_takeaway_counts_only_rows_that_stand_and_quotes_only_real_gaps(build):
    _, con = build(halves("Google", 2021, 287368, 334215) + halves("YouTube", 2021, 124773, 123963)
                   + halves("Pornhub", 2020, 2000, 2171)
                   + [disclosure("Amazon", "2022-01-01", "2022-12-31", 67073)] + halves("Twitch", 2022, 6711, 7585),
                   [ncmec_line("Google", 2021, 875783), ncmec_line("MindGeek*", 2020, 13229),
                    ncmec_line("Amazon", 2022, 55649), ncmec_line("Twitch Interactive, Inc.", 2022, 14508)])
    fig = reconciliation_figure(Ctx(con), None, "recon", "Reports to NCMEC")
    assert len(fig.rows) == 4
    # Google (summed with YouTube) and Amazon stand; Twitch is inside Amazon, Aylo's sides differ
    assert fig.takeaway == "In 2 of 2 platform-years the two counts are within 5% of each other."
    assert "Aylo" not in fig.takeaway and fig.cites == []
    assert "2 of the 4 rows are shown but not counted" in fig.caveat
    labels = {(r["platform_id"], r["year"]): r["count_text"] for r in fig.rows}
    assert labels[("twitch", 2022)] == "not counted: already counted in the Amazon row"
    assert labels[("aylo", 2020)].startswith("not counted: the two sides")
    google = next(r for r in fig.rows if r["platform_id"] == "google")
    assert "YouTube 2021H1: 124,773" in google["disclosure_text"]


def test_matching_rule_naming_an_unknown_platform_is_refused(build):
    data, _ = build(halves("Google", 2021, 1, 2), [ncmec_line("Google", 2021, 3)])
    path = data / "taxonomy" / "ncmec_matching.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("google,google;youtube,google,",
                                                             "google,google;yutube,google,"), encoding="utf-8")
    con = duckdb.connect()
    warehouse.load(con, data)
    warehouse.run_models(con)
    failed = {f.check: f for f in warehouse.run_checks(con)}
    assert "ncmec_matching_valid" in failed
    assert ("data/taxonomy/ncmec_matching.csv", "google", "unknown platform id 'yutube'") in [
        (file.removeprefix(str(data.parent) + "/"), loc, problem) for file, loc, problem in failed["ncmec_matching_valid"].rows]


def test_matching_rule_adding_a_platform_with_its_own_ncmec_line_is_refused(build):
    _, con = build(halves("Google", 2021, 1, 2) + halves("YouTube", 2021, 1, 1),
                   [ncmec_line("Google", 2021, 3), ncmec_line("YouTube", 2021, 2)])
    failed = {f.check: f for f in warehouse.run_checks(con)}
    problems = [p for _, _, p in failed["ncmec_matching_valid"].rows]
    assert "adds the disclosure of 'youtube', which has its own NCMEC line in 2021" in problems


def test_one_comparison_is_quoted_with_its_two_numbers(build):
    _, con = build(halves("Google", 2021, 287368, 334215) + halves("YouTube", 2021, 124773, 123963),
                   [ncmec_line("Google", 2021, 875783)])
    fig = reconciliation_figure(Ctx(con), ["youtube"], "recon", "Reports to NCMEC")
    assert fig.takeaway == "Google said it sent 870,319 reports to NCMEC in 2021 and NCMEC counted 875,783."
    assert [r["platform_id"] for r in fig.cites] == ["google"]
