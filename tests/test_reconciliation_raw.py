"""The built reconciliation against the real files: Google's row adds up Google's and YouTube's
half-years as the Diaphanous JSON prints them, against NCMEC's one Google line, and every row
that is counted stands alone in its year (no entity counted twice)."""

import json

import duckdb
import pytest


@pytest.mark.raw
def test_google_row_adds_youtube_from_the_raw_json(built_site, raw_dir):
    doc = json.loads((raw_dir / "diaphanous" / "ocse-reports-per-platform.json").read_text(encoding="utf-8"))

    def yearly(name: str) -> dict[int, int]:
        at = doc[name]["columns"].index("reports")
        out: dict[int, int] = {}
        for row in doc[name]["rows"]:
            (period, cells), = ((k, v) for k, v in row.items() if k != "redundant")
            out[int(period[:4])] = out.get(int(period[:4]), 0) + cells[at]
        return out

    google, youtube = yearly("Google"), yearly("YouTube")
    con = duckdb.connect(str(built_site / "warehouse.duckdb"), read_only=True)
    got = {y: (d, c, n, inc) for y, d, c, n, inc in con.execute(
        "SELECT year, disclosed, counted, ncmec_lines, counted_in_total FROM reconciliation "
        "WHERE platform_id = 'google' AND year BETWEEN 2020 AND 2023").fetchall()}
    assert sorted(got) == [2020, 2021, 2022, 2023]
    ncmec = {2020: 546704, 2021: 875783, 2022: 2174548, 2023: 1470958}  # the PDFs' Google lines
    for year, (disclosed, counted, lines, counted_in_total) in got.items():
        assert disclosed == google[year] + youtube[year]
        assert counted == ncmec[year] and lines.startswith("Google")
        assert counted_in_total
        assert abs(disclosed - counted) / counted < 0.0063  # within 0.63% (2021: -0.624%)
    assert not con.execute("SELECT count(*) FROM reconciliation WHERE platform_id = 'youtube'").fetchone()[0]


@pytest.mark.raw
def test_no_entity_is_counted_twice_in_a_year(built_site, raw_dir):
    con = duckdb.connect(str(built_site / "warehouse.duckdb"), read_only=True)
    rows = con.execute("SELECT platform_id, year, ncmec_ids, disclosure_ids, counted_in_total, covered_by "
                       "FROM reconciliation").fetchall()
    counted = [r for r in rows if r[4]]
    for a in counted:
        for b in counted:
            if a[:2] < b[:2] and a[1] == b[1]:
                assert not set(a[2]) & set(b[2]) and not set(a[3]) & set(b[3]), (a, b)
    by_key = {(r[0], r[1]): r for r in rows}
    for year in (2021, 2022, 2023):
        assert by_key[("twitch", year)][5] == "amazon" and not by_key[("twitch", year)][4]
        assert by_key[("pornhub", year)][4] and not by_key[("aylo", year)][4]
