"""TikTok CGE adapter: fixture files in TikTok's exact formats (CSV 2024 layout, CSV 2022Q4
header variant, the 2021-2022 xlsx workbook), bad inputs, and (in CI) every real edition
in ../shared/data/raw/tiktok."""

from __future__ import annotations

import csv
import importlib.util
from collections import Counter
from datetime import date
from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from conftest import FIXTURES, REPO
from site_builder.adapters import tiktok_cge
from site_builder.errors import InputError
from site_builder.observations import Observation
from site_builder.periods import parse_period
from site_builder.quarantine import Quarantined
from site_builder.taxonomy import read_map, unknown_labels

TIKTOK = FIXTURES / "tiktok"
CSV_2024 = TIKTOK / "tiktok-2024-q2.csv"
CSV_2022 = TIKTOK / "tiktok-2022-q4.csv"
XLSX = TIKTOK / "tiktok-2022-q3.xlsx"
SHARE = "share (0-1)"

_spec = importlib.util.spec_from_file_location("make_xlsx", TIKTOK / "make_xlsx.py")
assert _spec and _spec.loader
make_xlsx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_xlsx)


def parse(path: Path, edition: str, quarantine: list[Quarantined] | None = None,
          display: str | None = None) -> list[Observation]:
    return tiktok_cge.parse(path, release_id=f"tiktok_cge-{edition}", edition=edition,
                            display_path=display or f"tiktok/{path.name}", quarantine=quarantine)


def by_key(rows: list[Observation]) -> dict[tuple, Observation]:
    return {(r.policy_label, r.metric_label, r.period_start.isoformat(), r.geography): r for r in rows}


def mapped(rows: list[Observation], data: Path = REPO / "data") -> dict[tuple, Observation]:
    """Rows by the key revisions are computed on: policy key, metric key, period, place."""
    pol = {r["label"]: r["policy_key"] for r in read_map(data, "policy_labels") if r["source_id"] == "tiktok_cge"}
    met = {r["label"]: r["metric_key"] for r in read_map(data, "metric_labels") if r["source_id"] == "tiktok_cge"}
    out: dict[tuple, Observation] = {}
    for r in rows:
        key = (pol[r.policy_label], met[r.metric_label], r.period_start, r.period_end, r.geography)
        assert key not in out, f"{r.locator} and {out[key].locator} share the key {key}"
        out[key] = r
    return out


# --- CSV, 2024 layout -------------------------------------------------------------------

def test_csv_2024_counts_and_shares_follow_the_metric():
    q: list[Quarantined] = []
    rows = by_key(parse(CSV_2024, "2024Q2", q))
    assert len(rows) == 16 - len(q) == 14
    accounts = rows[("Accounts suspected to be under the age of 13 removed (Ban reason - safety)", "Accounts removed",
                     "2024-04-01", "global")]
    assert (accounts.value, accounts.value_as_published, accounts.unit) == (20_000_000, "20000000.0", "accounts")
    assert accounts.locator == "tiktok/tiktok-2024-q2.csv line 4" and accounts.platform_label == "TikTok"
    assert accounts.period_end == date(2024, 6, 30) and accounts.value_status == "reported"
    rate = rows[("Safety & Civility - Youth Exploitation & Abuse", "Proactive removal rate", "2024-04-01", "global")]
    assert (rate.unit, rate.value_as_published) == (SHARE, "0.9940000000000001")
    # a count metric broken down by 'Share of total removals' is a share: the task type decides
    views = rows[("All", "Total videos removed (Share of total removals: 1,001-10,000 views)", "2024-04-01", "Italy")]
    assert (views.unit, views.value) == (SHARE, 0.026)
    auto = rows[("All", "Total videos removed (task_type: Automation)", "2024-04-01", "global")]
    assert auto.unit == "videos"
    assert rows[("All", "Comments removed", "2024-04-01", "global")].unit == "comments"
    assert rows[("All", "LIVE sessions suspended", "2024-04-01", "global")].unit == "LIVE sessions"


def test_ban_reason_split_qualifies_the_policy():
    rows = by_key(parse(CSV_2024, "2024Q2"))
    security = rows[("Fake accounts removed", "Accounts removed", "2024-01-01", "global")]
    safety = rows[("Fake accounts removed (Ban reason - safety)", "Accounts removed", "2024-01-01", "global")]
    assert (security.value, safety.value) == (165_000_000, 5_400_000)


def test_geography_global_market_and_language():
    places = {r.geography for r in parse(CSV_2024, "2024Q2")}
    assert places == {"global", "United States", "Italy", "language: English"}


def test_bom_is_read_and_not_required(tmp_path):
    assert CSV_2024.read_bytes().startswith(b"\xef\xbb\xbf")
    plain = tmp_path / "tiktok-2024-q2.csv"
    plain.write_bytes(CSV_2024.read_bytes()[3:])
    assert by_key(parse(plain, "2024Q2")) == by_key(parse(CSV_2024, "2024Q2"))


def test_placeholder_lines_are_quarantined_not_emitted():
    q: list[Quarantined] = []
    rows = parse(CSV_2024, "2024Q2", q)
    assert not any("{{" in f"{r.policy_label}{r.metric_label}" for r in rows)
    assert [x.locator for x in q] == ["tiktok/tiktok-2024-q2.csv line 14", "tiktok/tiktok-2024-q2.csv line 15"]
    assert all(x.source_id == "tiktok_cge" and x.release_id == "tiktok_cge-2024Q2" for x in q)
    assert q[0].reason == "template placeholder {{comment_cg_policy_grouping}} in column Policy type"
    lines = CSV_2024.read_text(encoding="utf-8-sig").splitlines()
    assert [x.content for x in q] == [lines[13], lines[14]]
    assert "{{Other}}" in q[1].content


# --- CSV, 2022Q4 header variant -----------------------------------------------------------

def test_csv_2022q4_header_variant_thousands_and_half_year():
    rows = by_key(parse(CSV_2022, "2022Q4"))
    assert len(rows) == 15
    restored = rows[("all", "Videos restored", "2022-10-01", "global")]
    assert (restored.value, restored.value_as_published, restored.unit) == (5_477_549, "5,477,549", "videos")
    half = rows[("all", "Removal rate", "2022-07-01", "Australia")]
    assert (half.period_end, half.unit) == (date(2022, 12, 31), SHARE)
    human = rows[("Grooming behavior", "Category share of the parent policy (task_type: human moderation)", "2022-07-01", "global")]
    assert human.unit == SHARE and human.value_as_published == "0.023"


# --- xlsx, 2021-2022 workbook ----------------------------------------------------------------

def test_xlsx_every_value_cell_is_one_row():
    rows = parse(XLSX, "2022Q3")
    numbers = sum(isinstance(v, float) for sheet in make_xlsx.FIXTURE.values() for row in sheet for v in row)
    assert len(rows) == numbers == 60  # the empty cell and the blank-header columns give nothing


def test_xlsx_labels_periods_units_and_locators():
    rows = by_key(parse(XLSX, "2022Q3"))
    fake = rows[("Fake accounts removed", "Account removals", "2022-04-01", "global")]
    assert fake.locator == "tiktok/tiktok-2022-q3.xlsx sheet Account removals row 3 column C"
    assert (fake.value, fake.value_as_published, fake.unit) == (500, "500", "accounts")
    assert ("Fake accounts removed", "Account removals", "2022-01-01", "global") not in rows  # empty cell
    rate = rows[("Hateful behaviour", "Proactive removal", "2022-07-01", "global")]  # quarter from cell A1
    assert (rate.period_end, rate.unit) == (date(2022, 9, 30), SHARE)
    japan = rows[("All", "Removals before 24 hours", "2022-07-01", "Japan")]  # the workbook's latest quarter
    assert japan.locator.endswith("sheet Top 50 Countries row 3 column F")
    sub = rows[("Grooming behavior", "Category Share (Sub Policy)", "2022-07-01", "global")]
    assert sub.value_as_published == "0.022687498685746516"
    assert rows[("All", "% Proactive Removal", "2022-07-01", "global")].unit == SHARE
    assert rows[("All", "Fake likes prevented", "2022-07-01", "global")].unit == "likes"
    assert rows[("All", "Total video removal", "2022-07-01", "global")].unit == "videos"


def test_committed_xlsx_is_what_the_script_writes(tmp_path):
    make_xlsx.write_xlsx(tmp_path / "again.xlsx", make_xlsx.FIXTURE)
    assert (tmp_path / "again.xlsx").read_bytes() == XLSX.read_bytes()


def test_keys_line_up_across_an_xlsx_and_a_csv_edition():
    """The 2022Q4 CSV republishes Jul-Sep 2022 figures of the 2022Q3 workbook under other
    names; through the taxonomy maps they get the same key, so revisions can be computed."""
    old, new = mapped(parse(XLSX, "2022Q3")), mapped(parse(CSV_2022, "2022Q4"))
    pairs = {(old[k].policy_label, old[k].metric_label, new[k].policy_label, new[k].metric_label, k[4])
             for k in old.keys() & new.keys()}
    assert pairs == {
        ("All", "Total videos removed", "all", "Total videos removed", "global"),
        ("All", "Videos removed by automation", "all", "Total videos removed (task_type: automation)", "global"),
        ("All", "% Proactive Removal", "all", "Proactive removal rate", "global"),
        ("Hateful behaviour", "Proactive removal", "Hateful behavior", "Proactive removal rate", "global"),
        ("Hateful behaviour", "Video removals by policy", "Hateful behavior", "Category share", "global"),
        ("Grooming behavior", "Category Share (Sub Policy)", "Grooming behavior",
         "Category share of the parent policy (task_type: human moderation)", "global"),
        ("Fake accounts removed", "Account removals", "Fake accounts removed", "Total accounts removed", "global"),
        ("Total accounts removed", "Account removals", "all", "Total accounts removed", "global"),
        ("All", "Removals before 24 hours", "all", "Removal rate within 24 hours", "United States"),
        ("All", "Removal rate of published", "all", "Removal rate of published", "global"),
        ("All", "Blocked spam account creation", "all", "Blocked spam account creation", "global"),
    }


# --- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("mutate, where, message", [
    (lambda t: t.replace(",Issue,", ",Issue name,", 1), "line 1", "unexpected header"),
    (lambda t: t.replace("0.987", "0.98x", 1), "line 9, column Result", "unreadable value"),
    (lambda t: t.replace("Well-Being,All,All,All,All,0.31", "Well-Being,All,All,All,0.31", 1), "line 11",
     "row has 9 fields"),
    (lambda t: t.replace("LIVE sessions suspended", "LIVE sessions paused", 1), "line 17, column Metric",
     "unknown metric"),
    (lambda t: t.replace("Language,English", "Region,EMEA", 1), "line 13, column Location", "unknown location"),
    (lambda t: t.replace(",Sub-policy,Grooming", ",Rule,Grooming", 1), "line 10, column Policy type",
     "unknown policy type"),
    (lambda t: t.replace("0.9940000000000001", "99.4", 1), "line 8, column Result", "is a share but the value is above 1"),
    (lambda t: t.replace("12700000.0", "12700000.5", 1), "line 17, column Result", "has a fraction"),
    (lambda t: t.replace("Quarterly,Apr-Jun 2024,Policy", "Quarterly,Apr-Sep 2024,Policy", 1), "line 11, column Period",
     "does not span"),
])
def test_bad_csv_names_file_and_line(tmp_path, mutate, where, message):
    f = tmp_path / "tiktok-2024-q2.csv"
    f.write_text(mutate(CSV_2024.read_text(encoding="utf-8-sig")), encoding="utf-8-sig")
    with pytest.raises(InputError, match=message) as err:
        parse(f, "2024Q2", [])
    assert str(err.value).startswith(f"tiktok/tiktok-2024-q2.csv, {where}")


def test_a_key_published_twice_is_quarantined(tmp_path):
    """A repeated line keeps the first copy; the same key with another value cannot be
    attributed, so every line of it is set aside (never published, reported)."""
    text = CSV_2024.read_text(encoding="utf-8-sig")
    line6 = text.splitlines()[5]
    f = tmp_path / "tiktok-2024-q2.csv"
    f.write_text(text + line6 + "\n", encoding="utf-8-sig")
    q: list[Quarantined] = []
    rows = parse(f, "2024Q2", q)
    dup = [x for x in q if "repeats the same value" in x.reason]
    assert [x.locator for x in dup] == ["tiktok/tiktok-2024-q2.csv line 18"]
    head, value = line6.rsplit(",", 1)
    f.write_text(text + f"{head},{float(value) / 2}\n", encoding="utf-8-sig")
    q = []
    rows2 = parse(f, "2024Q2", q)
    both = [x.locator for x in q if "different values" in x.reason]
    assert both == ["tiktok/tiktok-2024-q2.csv line 6", "tiktok/tiktok-2024-q2.csv line 18"]
    assert len(rows2) == len(rows) - 1


def test_renamed_header_lists_the_expected_columns(tmp_path):
    f = tmp_path / "tiktok-2022-q4.csv"
    f.write_text(CSV_2022.read_text(encoding="utf-8-sig").replace("Task Type", "Task Kind", 1), encoding="utf-8-sig")
    with pytest.raises(InputError) as err:
        parse(f, "2022Q4")
    assert "Issue Policy/Issue policy/Issue" in str(err.value) and "Task Type/Task type" in str(err.value)


@pytest.mark.parametrize("path, edition", [(CSV_2024, "2024Q3"), (CSV_2022, "2023Q1"), (XLSX, "2022Q2")])
def test_wrong_edition(path, edition):
    with pytest.raises(InputError, match=f"edition {edition} should end") as err:
        parse(path, edition)
    assert f"tiktok/{path.name}" in str(err.value)


def _bad_workbook(tmp_path: Path, change) -> Path:
    sheets = {name: [list(row) for row in rows] for name, rows in make_xlsx.FIXTURE.items()}
    change(sheets)
    f = tmp_path / "tiktok-2022-q3.xlsx"
    make_xlsx.write_xlsx(f, sheets)
    return f


@pytest.mark.parametrize("change, message", [
    (lambda s: s.update({"Notes": [["Source", "TikTok"]]}), "unknown sheet 'Notes'"),
    (lambda s: s["Ads"][1].__setitem__(1, "n/a"), "sheet Ads row 2 column B: unreadable value"),
    (lambda s: s["Ads"][0].__setitem__(2, "Ads blocked"), "sheet Ads row 1 column C: unknown column 'Ads blocked'"),
    (lambda s: s["Spam"][1].__setitem__(0, date(2022, 9, 29)), "sheet Spam row 2 column A: not a quarter-end date"),
    (lambda s: s["Removal rates by policy"][0].__setitem__(0, "Removal policy"),
     "sheet Removal rates by policy row 1 column A: cell A1 must name the quarter"),
    (lambda s: s["Top 50 Countries"][2].__setitem__(6, 12.0),
     "sheet Top 50 Countries row 3 column G: value in a column without a header"),
    (lambda s: s["Top 50 Countries"][1].__setitem__(1, 840.0), "sheet Top 50 Countries row 2 column B: label is not text"),
    (lambda s: s["Video removals by policy"][1].__setitem__(2, 1.5),
     "sheet Video removals by policy row 2 column C: 'Video removals by policy' is a share"),
])
def test_bad_xlsx_names_file_and_cell(tmp_path, change, message):
    f = _bad_workbook(tmp_path, change)
    with pytest.raises(InputError) as err:
        parse(f, "2022Q3")
    assert str(err.value).startswith("tiktok/tiktok-2022-q3.xlsx")
    assert message in str(err.value)


def test_not_a_workbook(tmp_path):
    f = tmp_path / "tiktok-2022-q3.xlsx"
    f.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="not a readable xlsx workbook"):
        parse(f, "2022Q3")


# --- the real files (CI) ----------------------------------------------------------------------

PROPOSED_UNITS = {"ads", "likes", "followers", "follow requests"}  # rows for units.csv, see the adapter's report
DUPLICATED_EDITION = "2023Q2"  # publishes four Community guidelines rules twice; see test below


def real_entries(raw_dir: Path) -> list[dict[str, str]]:
    with (raw_dir / "MANIFEST.csv").open(encoding="utf-8", newline="") as fh:
        return sorted((e for e in csv.DictReader(fh) if e["source_id"] == "tiktok_cge"), key=lambda e: e["edition"])


@cache
def real(raw_dir: Path, path: str, edition: str) -> tuple[list[Observation], list[Quarantined]]:
    q: list[Quarantined] = []
    return parse(raw_dir / path, edition, q, display=path), q


def data_cells(f: Path) -> int:
    """Published numbers in a file, counted without the adapter: CSV lines, xlsx numeric cells."""
    if f.suffix == ".csv":
        with f.open(encoding="utf-8-sig", newline="") as fh:
            return sum(1 for rec in list(csv.reader(fh))[1:] if rec and rec[-1].strip())
    book = CalamineWorkbook.from_path(str(f))
    return sum(isinstance(v, (int, float)) and not isinstance(v, bool)
               for n in book.sheet_names for row in book.get_sheet_by_name(n).to_python() for v in row)


@pytest.mark.raw
def test_every_real_edition(raw_dir):
    entries = real_entries(raw_dir)
    assert [e["edition"] for e in entries] == ["2021Q3", "2021Q4", "2022Q1", "2022Q2", "2022Q3", "2022Q4",
                                               "2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1", "2024Q2"]
    quarantined = {}
    for e in entries:
        if e["edition"] == DUPLICATED_EDITION:
            continue
        rows, q = real(raw_dir, e["path"], e["edition"])
        assert len(rows) == data_cells(raw_dir / e["path"]) - len(q), e["path"]
        assert max(r.period_end for r in rows) == parse_period(e["edition"])[1]
        quarantined[e["edition"]] = [x.content.split(",")[3] for x in q]
        mapped(rows)  # (policy key, metric key, period, place) is unique in every file
    assert {k: v for k, v in quarantined.items() if v} == {"2024Q2": ["{{comment_cg_policy_grouping}}"] * 3}


@pytest.mark.raw
def test_real_2023q2_publishes_true_duplicates(raw_dir):
    """The 2023Q2 CSV gives 'Alcohol, Tobacco & Drugs', 'Nudity & Body Exposure', 'Sexually
    Suggestive Content' and 'Youth Exploitation & Abuse' twice each (under two headings that
    the file does not name) with different values: those 16 pairs are quarantined."""
    e = next(e for e in real_entries(raw_dir) if e["edition"] == DUPLICATED_EDITION)
    rows, q = real(raw_dir, e["path"], e["edition"])
    dups = [x for x in q if "different values" in x.reason]
    assert len(dups) == 32
    assert {"tiktok/tiktok-2023-q2.csv line 1673", "tiktok/tiktok-2023-q2.csv line 1691"} <= {x.locator for x in dups}
    assert rows


@pytest.mark.raw
def test_every_real_label_is_mapped(raw_dir):
    rows = [r for e in real_entries(raw_dir) if e["edition"] != DUPLICATED_EDITION
            for r in real(raw_dir, e["path"], e["edition"])[0]]
    unknown = unknown_labels(REPO / "data", rows, allow_unmapped_platforms=False)
    assert [u.message() for u in unknown if u.kind != "unit"] == []
    assert {u.label for u in unknown if u.kind == "unit"} <= PROPOSED_UNITS
    # the 2023Q2 file cannot be parsed; its labels are checked as the adapter would build them
    e = next(e for e in real_entries(raw_dir) if e["edition"] == DUPLICATED_EDITION)
    policies = {r["label"] for r in read_map(REPO / "data", "policy_labels") if r["source_id"] == "tiktok_cge"}
    metrics = {r["label"] for r in read_map(REPO / "data", "metric_labels") if r["source_id"] == "tiktok_cge"}
    with (raw_dir / e["path"]).open(encoding="utf-8-sig", newline="") as fh:
        for rec in list(csv.reader(fh))[1:]:
            metric = rec[0] if rec[5] == "all" else f"{rec[0]} ({rec[5]}: {rec[6]})"
            assert rec[4] in policies and metric in metrics, rec


@pytest.mark.raw
def test_real_xlsx_country_codes_agree_with_the_geography_map(raw_dir):
    codes = {r["label"]: r["geo_code"] for r in read_map(REPO / "data", "geographies")}
    for e in real_entries(raw_dir):
        if not e["path"].endswith(".xlsx"):
            continue
        book = CalamineWorkbook.from_path(str(raw_dir / e["path"]))
        for name in book.sheet_names:
            grid = book.get_sheet_by_name(name).to_python()
            if name.startswith("Top") and grid[0][0] == "Country Code":
                assert {r[1]: r[0] for r in grid[1:]} == {r[1]: codes[r[1]] for r in grid[1:]}


@pytest.mark.raw
def test_real_keys_line_up_between_consecutive_editions(raw_dir):
    """What one edition publishes, the next republishes under the same key, except figures
    TikTok stopped publishing or renamed places (the revisions join on the place name)."""
    editions = [e for e in real_entries(raw_dir) if e["edition"] != DUPLICATED_EDITION]
    keyed = {e["edition"]: mapped(real(raw_dir, e["path"], e["edition"])[0]) for e in editions}
    gone = {}
    for prev, cur in pairwise(editions):
        a, b = keyed[prev["edition"]], keyed[cur["edition"]]
        gone[cur["edition"]] = Counter((a[k].metric_label, a[k].geography if a[k].geography in (
            "Laos", "Venezuela", "Lao Peoples Democratic Republic", "Venezuela Bolivarian Republic of") else "")
            for k in a.keys() - b.keys())
    assert gone["2022Q4"] == Counter({("Total video removal", ""): 9, ("Total videos removed", "Laos"): 1,
                                      ("Total videos removed", "Venezuela"): 1, ("Proactive removal", "Laos"): 1,
                                      ("Proactive removal", "Venezuela"): 1, ("Removals before any views", "Laos"): 1,
                                      ("Removals before any views", "Venezuela"): 1,
                                      ("Removals before 24 hours", "Laos"): 1, ("Removals before 24 hours", "Venezuela"): 1})
    for edition in ("2023Q3", "2023Q4", "2024Q1"):  # 2023Q3 is compared with 2023Q1 (2023Q2 is refused)
        assert gone[edition] == Counter(), edition
    assert gone["2024Q2"] == Counter({("Comments actioned by video creators", ""): 1})


@pytest.mark.raw
def test_real_2024q2_global_values_match_the_curated_copy(raw_dir):
    """data/observations/curated/tiktok_cgep.csv is a researcher's filtered copy of the 2024Q2
    file (Location All, Task All, plus the human-moderation-only sub-policy rows)."""
    e = next(e for e in real_entries(raw_dir) if e["edition"] == "2024Q2")
    pool: dict[tuple[str, str], list[Observation]] = {}
    for r in real(raw_dir, e["path"], e["edition"])[0]:
        if r.geography == "global":
            pool.setdefault((r.period_start.isoformat(), r.policy_label.split(" (Ban reason")[0]), []).append(r)
    with (REPO / "data" / "observations" / "curated" / "tiktok_cgep.csv").open(encoding="utf-8", newline="") as fh:
        curated = list(csv.DictReader(fh))
    compared, missing = 0, []
    for c in curated:
        cands = pool.get((c["period_start"], c["policy_label"]), [])
        # the copy writes a sub-policy's share of its parent as plain 'Category share'
        names = [c["metric_label"]] + (["Category share of the parent policy"]
                                       if c["metric_label"] == "Category share" else [])
        exact = [r for r in cands if r.metric_label == c["metric_label"]]
        renamed = [r for r in cands if r.metric_label in names[1:]]
        by_task = [r for r in cands if any(r.metric_label.startswith(n + " (task_type: ") for n in names)]
        found = exact or renamed or by_task
        if not found:
            missing.append((c["policy_label"], c["metric_label"]))
            continue
        assert len(found) == 1, c
        assert found[0].value == float(c["value"]), (c, found[0].locator)
        compared += 1
    assert compared == len(curated) - 2 == 594
    # the curated copy kept two lines the adapter quarantines ({{comment_cg_policy_grouping}})
    assert sorted(missing) == [("Harassment & Bullying", "Comments removed"),
                               ("Hate Speech & Hateful Behavior", "Comments removed")]
