"""Discord transparency report adapter: synthetic fixture CSVs in both of Discord's layouts,
bad inputs, the two known publisher errors, and (in CI) every real file in
../shared/data/raw/discord."""

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest

from conftest import FIXTURES
from site_builder.adapters import discord_transparency
from site_builder.errors import InputError

DC = FIXTURES / "discord"


def parse(path: Path, edition: str, quarantine: list | None = None, display_path: str | None = None):
    return discord_transparency.parse(path, release_id=f"discord_transparency-{edition}", edition=edition,
                                      display_path=display_path or path.name,
                                      quarantine=quarantine if quarantine is not None else [])


def keyed(rows):
    return {(r.policy_label, r.metric_label, r.period_start, r.geography): r for r in rows}


def test_old_layout_monthly_rows():
    rows = parse(DC / "discord-2021-h1.csv", "2021H1")
    assert len(rows) == 12
    first = rows[0]
    assert (first.platform_label, first.policy_label, first.metric_label) == ("Discord", "NCMEC reports", "Media reports")
    assert (first.period_start, first.period_end) == (date(2021, 1, 1), date(2021, 1, 31))
    assert (first.value, first.value_as_published, first.unit) == (1101, "1,101", "CyberTipline reports to NCMEC")
    assert first.locator == "discord-2021-h1.csv line 2 column 2"
    last = rows[-1]  # no trailing newline after the last line
    assert (last.metric_label, last.period_end, last.value, last.locator) == (
        "Grooming or endangerment escalations", date(2021, 6, 30), 16, "discord-2021-h1.csv line 7 column 3")


def test_old_layout_totals_and_grand_total():
    rows = parse(DC / "discord-2022-q3.csv", "2022Q3")
    assert len(rows) == 12  # 3 months x 3 columns, 2 column totals, 1 grand total
    k = keyed(rows)
    q = date(2022, 7, 1)
    assert k[("NCMEC reports", "Media Reports", q, "global")].period_end == date(2022, 9, 30)
    assert k[("NCMEC reports", "Media Reports", q, "global")].value == 6006
    assert k[("NCMEC reports", "Grooming or Endangerment Escalations", q, "global")].value == 66
    grand = k[("NCMEC reports", "Total", q, "global")]
    assert (grand.value, grand.period_end, grand.locator) == (6072, date(2022, 9, 30), "discord-2022-q3.csv line 7 column 2")
    monthly_totals = [r for r in rows if r.metric_label == "Total by month"]
    assert [r.period_start.month for r in monthly_totals] == [7, 8, 9]


def test_stacked_layout_every_table():
    rows = parse(DC / "discord-2023-q2.csv", "2023Q2")
    k = keyed(rows)
    q = date(2023, 4, 1)
    warn = k[("Child Safety", "Individual Accounts Warned", q, "global")]
    assert (warn.value, warn.unit, warn.locator) == (2001, "accounts", "discord-2023-q2.csv line 4 column 2")
    assert k[("Child Safety", "Servers Warned", q, "global")].unit == "servers"
    ve = k[("Violent Extremism", "Servers Warned", q, "global")]
    assert (ve.value_status, ve.value, ve.value_as_published) == ("not_reported", None, "--")
    assert k[("Total:", "Individual Accounts Warned", q, "global")].value == 3003
    assert k[("Child Safety", "Accounts Disabled", q, "global")].value == 50001
    # a header that heads two tables is prefixed with its table's title
    assert k[("Child Safety", "Appeals: Accounts Disabled", q, "global")].value == 50001
    assert k[("Sum:", "% Accounts Unbanned", q, "global")].unit == "percent"
    assert k[("Child Safety", "% Accounts Who Submitted an Appeal", q, "global")].value == 10
    assert k[("NCMEC reports", "Month Total", date(2023, 5, 1), "global")].period_end == date(2023, 5, 31)
    assert k[("NCMEC reports", "Month Total", q, "global")].period_end == date(2023, 6, 30)
    assert k[("NCMEC reports", "Month Total", q, "global")].value == 12132
    assert k[("Violent Extremism", "Online Reports: Reports Received", q, "global")].value == 1000
    assert k[("Total", "In-App Reports: Reports Received", q, "global")].value == 80000
    assert k[("Court Orders", "United States Government Information Requests: Information Produced*", q,
              "global")].value == 12
    # by-country tables: the country is the geography (as printed, trailing space dropped)
    intl = "International Government Information Requests"
    assert k[(intl, f"{intl}: Requests", q, "Italy")].value == 2
    assert k[("Preservation Requests", "Preservation Requests: Complied", q, "global")].value == 10
    # the quoted two-line title does not shift the line numbers of what follows
    brazil = k[("Emergency Requests", "Emergency Requests: Requests", q, "Brazil")]
    assert brazil.locator == "discord-2023-q2.csv line 89 column 2"
    # Warns 12, Accounts Disabled 4, NCMEC 12, Servers Removed 12, Appeals 24, Online Reports 9,
    # In-App Reports 3, US requests 6, International 6, Preservation 6, Emergency 4
    assert len(rows) == 98
    assert {r.period_start for r in rows if r.policy_label != "NCMEC reports"} == {q}


def test_second_header_within_a_table_and_month_erratum_of_2022q4():
    quarantine: list = []
    rows = parse(DC / "discord-2022-q4.csv", "2022Q4", quarantine)
    k = keyed(rows)
    q = date(2022, 10, 1)
    assert k[("Preservation Requests", "Legal: Complied", q, "global")].value == 40
    assert k[("Subpoenas", "Legal: Information Produced", q, "global")].value == 20
    assert k[("Total:", "Reports: % of Reports Actioned", q, "global")].value == 8.33
    # the months labelled January-March are set aside; the quarter's total is read
    assert [x.locator for x in quarantine] == [f"discord-2022-q4.csv line {n}" for n in (13, 14, 15)]
    assert quarantine[0].content == 'January,"3,001",31,"3,032",,,'
    assert "outside the edition's quarter" in quarantine[0].reason
    ncmec = [r for r in rows if r.policy_label == "NCMEC reports"]
    assert [(r.metric_label, r.value, r.period_end) for r in ncmec] == [
        ("Media Reports", 9006, date(2022, 12, 31)), ("Grooming or Endangerment Escalations", 96, date(2022, 12, 31)),
        ("Month Total", 9102, date(2022, 12, 31))]
    assert len(rows) == 12 + 3 + 9 + 8  # Warns, NCMEC totals, Reports, Legal


SHIFTED = """Accounts Disabled,,,
,,,
Accounts Disabled Category,Accounts Disabled,,
Child Safety,Accounts Disabled,,
Hateful Conduct,"1,001",,
,"2,002",,
Total:,,,
,"3,003",,
NCMEC,,,
,,,
Month,Media Reports,,
July,5,,
"""


def test_shifted_table_of_2023q3_is_read_from_the_aligned_appeals_table():
    """The fixture is in the 2023Q3 file's exact layout: Accounts Disabled printed one row down,
    the Appeals table with the same figures aligned."""
    quarantine: list = []
    rows = parse(DC / "discord-2023-q3.csv", "2023Q3", quarantine)
    assert quarantine == []
    k = keyed(rows)
    q = date(2023, 7, 1)
    got = [(p, k[(p, "Accounts Disabled", q, "global")]) for p in
           ("Child Safety", "Hateful Conduct", "Self-Harm Concerns", "Violent Extremism", "Total:")]
    assert [(p, r.value, r.value_as_published, r.locator, r.unit) for p, r in got] == [
        ("Child Safety", 60001, "60,001", "discord-2023-q3.csv line 32 column 2", "accounts"),
        ("Hateful Conduct", 2002, "2,002", "discord-2023-q3.csv line 33 column 2", "accounts"),
        ("Self-Harm Concerns", 1103, "1,103", "discord-2023-q3.csv line 34 column 2", "accounts"),
        ("Violent Extremism", 703, "703", "discord-2023-q3.csv line 35 column 2", "accounts"),
        ("Total:", 63809, "63,809", "discord-2023-q3.csv line 37 column 2", "accounts")]
    for p, r in got:  # the same cells as the Appeals table's own figures
        appeal = k[("Sum:" if p == "Total:" else p, "Appeals: Accounts Disabled", q, "global")]
        assert (appeal.value, appeal.locator) == (r.value, r.locator)
        assert "table (lines 13-19) is printed one row down" in r.note and "Appeals table" in r.note
    assert not [r for r in rows if r.locator.split(" line ")[1].split(" ")[0] in {str(n) for n in range(13, 20)}]
    # Warns 12, Accounts Disabled 5, NCMEC 12, Appeals 25, In-App Reports 3
    assert len(rows) == 57
    # the fix belongs to 2023Q3 only: in any other edition the same table stops ingest
    with pytest.raises(InputError, match=r"line 13, column 2: unreadable value 'Accounts Disabled'"):
        parse(DC / "discord-2023-q3.csv", "2023Q4")


def test_shifted_table_without_the_same_figures_elsewhere_is_quarantined(tmp_path):
    f = tmp_path / "discord-2023-q3.csv"
    f.write_text(SHIFTED, encoding="utf-8")
    quarantine: list = []
    rows = parse(f, "2023Q3", quarantine)
    assert [(r.metric_label, r.value) for r in rows] == [("Media Reports", 5)]
    assert [x.locator.rsplit(" ", 1)[1] for x in quarantine] == ["4", "5", "6", "7", "8"]
    assert all("shifted one row down" in x.reason and "none can be read" in x.reason for x in quarantine)
    # an aligned table that disagrees with the shifted cells is no proof either
    f = _mutated(tmp_path, "discord-2023-q3.csv", 'Hateful Conduct,"2,002",400', 'Hateful Conduct,"2,003",400')
    quarantine = []
    rows = parse(f, "2023Q3", quarantine)
    assert not [r for r in rows if r.metric_label == "Accounts Disabled"]
    assert [x.locator.rsplit(" ", 1)[1] for x in quarantine] == [str(n) for n in range(13, 20)]


def test_erratum_whose_symptom_is_gone_must_be_removed(tmp_path):
    f = tmp_path / "discord-2023-q3.csv"
    f.write_text(SHIFTED.replace("Child Safety,Accounts Disabled", 'Child Safety,"7"'), encoding="utf-8")
    with pytest.raises(InputError, match="no longer shows; remove it from REALIGNED"):
        parse(f, "2023Q3")


def test_month_erratum_whose_symptom_is_gone_must_be_removed(tmp_path):
    text = (DC / "discord-2022-q4.csv").read_text(encoding="utf-8")
    f = tmp_path / "discord-2022-q4.csv"
    f.write_text(text.replace("January,", "October,").replace("February,", "November,")
                 .replace("March,", "December,"), encoding="utf-8")
    with pytest.raises(InputError, match=r"discord-2022-q4.csv, line 12: known error no longer shows"):
        parse(f, "2022Q4")


def _mutated(tmp_path: Path, fixture: str, old: str, new: str) -> Path:
    text = (DC / fixture).read_text(encoding="utf-8")
    assert old in text, old
    f = tmp_path / "discord-bad.csv"
    f.write_text(text.replace(old, new, 1), encoding="utf-8")
    return f


@pytest.mark.parametrize("old, new, message, where", [
    ("Warns,,,,,,\n", "Warnings,,,,,,\n", "unknown table title", "line 1, column 1"),
    ("Online Reports,,", "Offline Reports,,", "unknown table title", "line 46, column 1"),
    ("Servers Warned,Server", "Servers Banned,Server", "unknown column header in table 'Warns'", "line 3, column 3"),
    ("Country,Requests,Complied", "Country,Requests,Refused", "unknown column header", "line 79, column 3"),
    ('Child Safety,"2,001"', "Child Safety,lots", "unreadable value 'lots'", "line 4, column 2"),
    ('Child Safety,"50,001",,', "Child Safety,50%,,", "needs a count", "line 13, column 2"),
    ("10.00%,50", "10,50", "needs a percent", "line 40, column 4"),
    ('Harassment and Bullying,"1,002",102', "Harassment and Bullying,,102", "missing value", "line 5, column 2"),
    ("April,", "July,", "month July 2023 is outside edition 2023Q2", "line 22, column 1"),
    ("April,", "Aprl,", "unreadable month", "line 22, column 1"),
    ("Violent Extremism,--,--,--,,,", "Violent Extremism,--,--,--,7,,", "more values than column headers",
     "line 6, column 5"),
    ('Harassment and Bullying,"1,002"', 'Child Safety,"1,002"', "second value", "line 5"),
    ("Warns,Individual", "Warned,Individual", "expected the header line of table 'Warns'", "line 3, column 1"),
    ("Total,6,6,,,,", 'Total,"6,6,,,,', "malformed CSV", "line 91"),
])
def test_bad_input_names_file_line_and_column(tmp_path, old, new, message, where):
    with pytest.raises(InputError, match=re.escape(message)) as err:
        parse(_mutated(tmp_path, "discord-2023-q2.csv", old, new), "2023Q2")
    assert f"discord-bad.csv, {where}" in str(err.value)


def test_old_layout_bad_inputs(tmp_path):
    with pytest.raises(InputError, match=r"discord-2021-h1.csv, line 2, column 1: month January 2021 is outside edition 2021H2"):
        parse(DC / "discord-2021-h1.csv", "2021H2")
    f = _mutated(tmp_path, "discord-2021-h1.csv", "Grooming or endangerment", "Grooming and endangerment")
    with pytest.raises(InputError, match=r"discord-bad.csv, line 1, column 3: unknown column header"):
        parse(f, "2021H1")
    f = _mutated(tmp_path, "discord-2022-q3.csv", 'Total,"6,072"', 'Total,"6,073"')
    with pytest.raises(InputError, match=r"line 7, column 2: grand total is not the sum of the column totals \(6072\)"):
        parse(f, "2022Q3")
    f = tmp_path / "discord-titled.csv"
    f.write_text("Q3 NCMEC Reports,,\n" + (DC / "discord-2021-h1.csv").read_text(), encoding="utf-8")
    with pytest.raises(InputError, match=r"discord-titled.csv, line 1, column 1: title quarter does not match"):
        parse(f, "2021H1")
    f.write_text("Q2 NCMEC Reports,,\nMonth,Media Reports\nApril,5\n,5\n", encoding="utf-8")
    assert [(r.period_start.month, r.period_end.month, r.value) for r in parse(f, "2022Q2")] == [(4, 4, 5), (4, 6, 5)]
    f.write_text(",,,\n", encoding="utf-8")
    with pytest.raises(InputError, match="no data rows"):
        parse(f, "2022Q2")


# ---- the real files --------------------------------------------------------------------

REAL = {"2020H2": 12, "2021H1": 12, "2021H2": 12, "2022Q1": 8, "2022Q2": 8, "2022Q3": 12,
        "2022Q4": 223, "2023Q1": 232, "2023Q2": 340, "2023Q3": 294, "2023Q4": 315}
QUARANTINED = {"2022Q4": 3}


def _real(raw_dir: Path, edition: str, quarantine: list | None = None):
    name = f"discord-{edition[:4]}-{edition[4:].lower()}.csv"
    path = raw_dir / "discord" / name
    return path, parse(path, edition, quarantine, f"discord/{name}")


def _records(path: Path) -> dict[int, list[str]]:
    """The file's CSV records by the physical line each starts on (read independently)."""
    reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))
    out, line = {}, 1
    for record in reader:
        out[line] = record
        line = reader.line_num + 1
    return out


@pytest.mark.raw
def test_every_real_file(raw_dir):
    names = sorted(p.name for p in (raw_dir / "discord").glob("discord-*.csv"))
    assert names == sorted(f"discord-{e[:4]}-{e[4:].lower()}.csv" for e in REAL)
    for edition, count in REAL.items():
        quarantine: list = []
        path, rows = _real(raw_dir, edition, quarantine)
        assert len(rows) == count, edition
        assert len(quarantine) == QUARANTINED.get(edition, 0), edition
        start, end = rows[0].period_start, max(r.period_end for r in rows)
        records = _records(path)
        for r in rows:
            m = re.fullmatch(rf"discord/{re.escape(path.name)} line (\d+) column (\d+)", r.locator)
            assert m, r.locator
            assert records[int(m.group(1))][int(m.group(2)) - 1].strip() == r.value_as_published
            assert r.period_start >= start.replace(day=1) and r.period_end <= end
        assert sum(r.value_status == "not_reported" for r in rows) == (3 if edition >= "2022Q4" else 0)
        if edition >= "2022Q4":  # Violent Extremism warnings are '--'
            assert {r.value_as_published for r in rows if r.value_status == "not_reported"} == {"--"}


@pytest.mark.raw
def test_real_values_read_from_the_files(raw_dir):
    path, rows = _real(raw_dir, "2023Q1")
    records = _records(path)
    k = keyed(rows)
    q = date(2023, 1, 1)
    child = next(rec for rec in records.values() if rec and rec[0] == "Child Safety" and rec[2] == "")
    assert k[("Child Safety", "Accounts Disabled", q, "global")].value_as_published == child[1] == "54,835"
    total = next(rec for rec in records.values() if rec and rec[0] == "Total" and rec[3])
    assert k[("NCMEC reports", "Month Total", q, "global")].value_as_published == total[3]
    assert k[("NCMEC reports", "Media Reports", q, "global")].value == 20001
    # old layout: monthly rows in the edition's year
    _, rows = _real(raw_dir, "2020H2")
    assert next((r.period_start, r.value) for r in rows if r.metric_label == "Media reports") == (date(2020, 7, 1), 1071)
    # 2022Q3: the last line's single number is the quarter's total of both columns
    _, rows = _real(raw_dir, "2022Q3")
    assert keyed(rows)[("NCMEC reports", "Total", date(2022, 7, 1), "global")].value == 14366
    # 2022Q4: the mislabelled months are set aside, the quarter's total is kept
    quarantine: list = []
    _, rows = _real(raw_dir, "2022Q4", quarantine)
    assert [x.content.split(",")[0] for x in quarantine] == ["January", "February", "March"]
    assert keyed(rows)[("NCMEC reports", "Media Reports", date(2022, 10, 1), "global")].value == 11520
    # 2023Q3: the shifted Accounts Disabled table is read from the aligned Appeals table
    _, rows = _real(raw_dir, "2023Q3")
    assert keyed(rows)[("Child Safety", "Accounts Disabled", date(2023, 7, 1), "global")].value == 128153
    # 2023Q4: a header with a footnote mark and a title with an embedded line break
    _, rows = _real(raw_dir, "2023Q4")
    assert any(r.metric_label.endswith("Information Produced*") for r in rows)
    us = keyed(rows)[("Emergency Requests", "Emergency Requests: Requests", date(2023, 10, 1), "United States")]
    assert us.value == 114


@pytest.mark.raw
def test_real_2023q3_accounts_disabled_equal_the_aligned_appeals_table(raw_dir):
    """Read independently of the adapter: the Appeals table's Accounts Disabled column of the
    2023Q3 file, by policy; the recovered Accounts Disabled figures are exactly those cells, and
    the shifted table prints the same numbers one row down."""
    path, rows = _real(raw_dir, "2023Q3")
    records = _records(path)
    lines = sorted(records)
    appeals = next(n for n in lines if records[n][:2] == ["Appeal Category", "Accounts Disabled"])
    aligned = {}
    for n in lines[lines.index(appeals) + 1:]:
        label, value = records[n][0], records[n][1]
        if label == "Sum:":
            aligned["Total:"] = (value, n)
            break
        if label:
            aligned[label] = (value, n)
    got = {r.policy_label: (r.value_as_published, int(r.locator.split(" line ")[1].split()[0]))
           for r in rows if r.metric_label == "Accounts Disabled"}
    assert got == aligned and len(got) == 13
    assert got["Child Safety"][0] == "128,153" and got["Total:"][0] == "260,461"
    shifted = next(n for n in lines if records[n][:2] == ["Accounts Disabled Category", "Accounts Disabled"])
    cells = [records[n][1] for n in lines[lines.index(shifted) + 1:lines.index(shifted) + 16] if records[n][1]]
    assert cells[0] == "Accounts Disabled"  # the repeated header: the symptom
    assert cells[1:] == [v for v, _ in aligned.values()]
    # in every other edition with both tables, the Appeals column equals the Accounts Disabled table
    for edition in ("2022Q4", "2023Q1", "2023Q2", "2023Q4"):
        _, other = _real(raw_dir, edition)
        table = {r.policy_label: r.value for r in other if r.metric_label == "Accounts Disabled"}
        column = {("Total:" if r.policy_label == "Sum:" else r.policy_label): r.value
                  for r in other if r.metric_label == "Appeals: Accounts Disabled"}
        assert table == column, edition
