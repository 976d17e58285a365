"""Microsoft Digital Safety Content Report adapter: synthetic fixture workbooks in Microsoft's
layout (written by tests/fixtures/microsoft/make_xlsx.py), bad inputs, and (in CI) every real
half-year file in ../shared/data/raw/microsoft."""

import importlib.util
import re
from datetime import date
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from conftest import FIXTURES
from site_builder.adapters import microsoft_dscr
from site_builder.errors import InputError

MS = FIXTURES / "microsoft"
_spec = importlib.util.spec_from_file_location("make_xlsx", MS / "make_xlsx.py")
assert _spec and _spec.loader
make_xlsx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_xlsx)


def parse(path: Path, edition: str = "2020H1", display_path: str | None = None):
    return microsoft_dscr.parse(path, release_id=f"microsoft_dscr-{edition}", edition=edition,
                                display_path=display_path or path.name)


def by_cell(rows):
    return {r.locator.rsplit(" ", 1)[1]: r for r in rows}


def test_reads_every_block_with_cell_locators():
    rows = parse(MS / "microsoft-2020-h1.xlsx")
    assert len(rows) == 14
    cells = by_cell(rows)
    first = cells["C5"]
    assert (first.platform_label, first.policy_label, first.metric_label) == (
        "Microsoft", make_xlsx.CSEAI, "Content Actioned")
    assert (first.value, first.value_as_published, first.unit) == (1111, "1111", "count")
    assert first.locator == "microsoft-2020-h1.xlsx sheet Digital Safety Content cell C5"
    assert (first.period_start, first.period_end) == (date(2020, 1, 1), date(2020, 6, 30))
    assert {r.period_start for r in rows} == {date(2020, 1, 1)}
    bing = cells["G5"]
    assert (bing.policy_label, bing.metric_label, bing.value) == (make_xlsx.BING, "Content Actioned", 33333)
    assert cells["H5"].policy_label == "CSEAI - Bing Search Engine"
    assert (cells["F5"].value, cells["F5"].unit) == (0.0003, "share (0-1)")
    assert (cells["C18"].policy_label, cells["C18"].metric_label, cells["C18"].unit) == (
        "Non-Consensual Intimate Imagery (NCII)", "Requests Reported", "reports")
    assert cells["E12"].policy_label == "Terrorist & Violent Extremist Content (TVEC)"


def test_footnote_marker_is_kept_as_published_and_stripped_for_the_value():
    row = by_cell(parse(MS / "microsoft-2020-h1.xlsx"))["E5"]
    assert (row.metric_label, row.value, row.value_as_published, row.unit) == (
        "Accounts Actioned", 2222, "2,222*", "accounts")


def test_ncmec_total_is_read_from_the_note():
    row = by_cell(parse(MS / "microsoft-2020-h1.xlsx"))["B6"]
    assert (row.policy_label, row.metric_label, row.value, row.value_as_published, row.unit) == (
        "CSEAI", "NCMEC CyberTip Reports (from note)", 4444, "4,444", "CyberTipline reports to NCMEC")


def test_na_is_not_reported(tmp_path):
    cells, merges = make_xlsx.layout_2020h1()
    cells["D5"] = "N/A"
    path = tmp_path / "microsoft-na.xlsx"
    make_xlsx.write_xlsx(path, cells, merges)
    row = by_cell(parse(path))["D5"]
    assert (row.value_status, row.value, row.value_as_published, row.unit) == ("not_reported", None, "N/A", "share (0-1)")


def test_later_layout_spacer_row_abbreviated_period_and_full_precision_shares():
    rows = parse(MS / "microsoft-2023-h1.xlsx", "2023H1")
    assert len(rows) == 11
    cells = by_cell(rows)
    assert cells["D5"].value == pytest.approx(0.9876543210987654)
    assert cells["D5"].value_as_published == "0.9876543210987654"
    assert cells["B7"].value == 12121
    assert (cells["E11"].value, cells["E11"].value_status) == (0, "reported")
    assert {(r.period_start, r.period_end) for r in rows} == {(date(2023, 1, 1), date(2023, 6, 30))}


def test_committed_fixtures_match_their_generating_script(tmp_path):
    for name, layout in make_xlsx.FIXTURES.items():
        cells, merges = layout()
        make_xlsx.write_xlsx(tmp_path / name, cells, merges)
        assert (tmp_path / name).read_bytes() == (MS / name).read_bytes(), f"rerun make_xlsx.py ({name})"


def _variant(tmp_path: Path, change) -> Path:
    cells, merges = make_xlsx.layout_2020h1()
    change(cells)
    path = tmp_path / "microsoft-bad.xlsx"
    make_xlsx.write_xlsx(path, cells, merges)
    return path


@pytest.mark.parametrize("change, message, cell", [
    (lambda c: c.update(C3="Child Sexual Abuse (CSA)"), "unknown section name", "C3"),
    (lambda c: c.update(D4="Content Found Proactively"), "unknown metric header", "D4"),
    (lambda c: c.update(C5="lots"), "unreadable value 'lots'", "C5"),
    (lambda c: c.update(E5="-2,222"), "negative value", "E5"),
    (lambda c: c.update(C12=-5.0), "negative value", "C12"),
    (lambda c: c.update(C5="12%"), "is a count but the value is a percentage", "C5"),
    (lambda c: c.update(D5="1,234"), "is a share but the value is a count", "D5"),
    (lambda c: c.update(D5=99.1), "share but the value is above 1", "D5"),
    (lambda c: c.update(C5=12.5), "not whole", "C5"),
    (lambda c: c.pop("E5"), "no number under 'Accounts Actioned'", "E5"),
    (lambda c: c.update(I5=3.0), "value without a metric header", "I5"),
    (lambda c: c.update(B10="July - December 2020"), "period does not match edition 2020H1", "B10"),
    (lambda c: c.update(B3="First half of 2020"), "unreadable period", "B3"),
    (lambda c: c.update(B6="The total NCMEC CyberTip Reports for this period is about 4k."), "cannot be read", "B6"),
    (lambda c: c.update(B1="Digital Safety Report"), "missing title", "B1"),
    (lambda c: c.update(A9="stray"), "unexpected cell", "A9"),
    (lambda c: c.pop("C4"), "expected the metric headers", "C4"),
    (lambda c: c.update(C10=make_xlsx.CSEAI), "second value for", "C12"),
])
def test_bad_input_names_file_and_cell(tmp_path, change, message, cell):
    with pytest.raises(InputError, match=re.escape(message)) as err:
        parse(_variant(tmp_path, change))
    text = str(err.value)
    assert "microsoft-bad.xlsx" in text and f"sheet Digital Safety Content cell {cell}" in text


def test_edition_other_than_the_sheets_period_is_refused():
    with pytest.raises(InputError, match="period does not match edition 2020H2") as err:
        parse(MS / "microsoft-2020-h1.xlsx", "2020H2")
    assert "microsoft-2020-h1.xlsx" in str(err.value) and "cell B3" in str(err.value)


def test_other_sheet_name_and_non_workbook_are_refused(tmp_path):
    cells, merges = make_xlsx.layout_2020h1()
    other = tmp_path / "renamed.xlsx"
    make_xlsx.write_xlsx(other, cells, merges, sheet="Sheet1")
    with pytest.raises(InputError, match="no sheet 'Digital Safety Content'") as err:
        parse(other)
    assert "renamed.xlsx" in str(err.value)
    text = tmp_path / "notes.xlsx"
    text.write_text("Digital Safety Content Report\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a readable .xlsx workbook"):
        parse(text)


def test_half_year_periods_as_microsoft_writes_them():
    assert microsoft_dscr.parse_half_year("Jul - Dec 2020") == (date(2020, 7, 1), date(2020, 12, 31))
    assert microsoft_dscr.parse_half_year("July - December 2021") == (date(2021, 7, 1), date(2021, 12, 31))
    assert microsoft_dscr.parse_half_year("Jan - Jun 2022") == (date(2022, 1, 1), date(2022, 6, 30))
    with pytest.raises(ValueError):
        microsoft_dscr.parse_half_year("December - July 2021")


# ---- the real files --------------------------------------------------------------------

REAL_EDITIONS = ["2020H1", "2020H2", "2021H1", "2021H2", "2022H1", "2022H2", "2023H1", "2023H2"]


def _real(raw_dir: Path, edition: str):
    name = f"microsoft-{edition[:4]}-h{edition[-1]}.xlsx"
    path = raw_dir / "microsoft" / name
    return path, parse(path, edition, f"microsoft/{name}")


def _sheet(path: Path) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Digital Safety Content").to_python(
        skip_empty_area=False)


def _at(sheet: list[list[object]], ref: str) -> object:
    m = re.fullmatch(r"([A-Z])(\d+)", ref)
    assert m
    return sheet[int(m.group(2)) - 1][ord(m.group(1)) - 65]


@pytest.mark.raw
def test_every_real_file(raw_dir):
    files = sorted((raw_dir / "microsoft").glob("microsoft-*.xlsx"))
    assert [f.name for f in files] == [f"microsoft-{e[:4]}-h{e[-1]}.xlsx" for e in REAL_EDITIONS]
    for edition in REAL_EDITIONS:
        path, rows = _real(raw_dir, edition)
        # 6 CSEAI cells (hosted 4 + Bing 2), the note's NCMEC total, 4 TVEC cells, 3 NCII cells
        assert len(rows) == 14, edition
        assert sum(r.metric_label == "NCMEC CyberTip Reports (from note)" for r in rows) == 1
        assert {r.policy_label for r in rows} == {
            make_xlsx.CSEAI, make_xlsx.BING, make_xlsx.TVEC, make_xlsx.NCII, "CSEAI"}
        sheet = _sheet(path)
        for r in rows:
            assert r.locator.startswith(f"microsoft/{path.name} sheet Digital Safety Content cell ")
            cell = _at(sheet, r.locator.rsplit(" ", 1)[1])
            if r.metric_label.endswith("(from note)"):
                printed = re.search(r"total NCMEC CyberTip Reports for this period is ([\d,]+)", str(cell))
                assert printed and printed.group(1) == r.value_as_published
                assert r.value == int(printed.group(1).replace(",", ""))
            elif isinstance(cell, str):
                assert cell.strip() == r.value_as_published
            else:
                assert cell == pytest.approx(r.value, rel=0, abs=0)
            if r.unit == "share (0-1)":
                assert 0 <= r.value <= 1


@pytest.mark.raw
def test_real_values_read_from_the_files(raw_dir):
    path, rows = _real(raw_dir, "2020H1")
    cells = by_cell(rows)
    # the restated 2020H1 account count is text with its footnote marker
    assert (cells["E5"].value, cells["E5"].value_as_published) == (15935, "15,935*")
    assert _at(_sheet(path), "E5") == "15,935*"
    assert "restated" in str(_at(_sheet(path), "B7"))
    assert cells["B6"].value == 32622
    assert [r for r in rows if "*" in r.value_as_published] == [cells["E5"]]
    for edition in REAL_EDITIONS:
        path, rows = _real(raw_dir, edition)
        sheet = _sheet(path)
        cells = by_cell(rows)
        assert cells["G5"].value == _at(sheet, "G5")  # Bing content actioned
        assert cells["D5"].value == _at(sheet, "D5")  # hosted proactive share
    _, rows = _real(raw_dir, "2023H2")
    assert by_cell(rows)["B7"].value == 60749
