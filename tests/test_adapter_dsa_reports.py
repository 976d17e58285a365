"""DSA harmonised transparency reports adapter (tables 1 and 4 of Implementing Regulation (EU)
2024/2835): fixture reports in Meta's, X's and TikTok's exact CSV formats, bad inputs, ingest
of reports as releases, and (in CI) every real report in ../shared/data/raw/dsa_reports."""

import csv
import io
import shutil
from datetime import date
from pathlib import Path

import pytest

from conftest import FIXTURES, make_data_dir, write_manifest
from site_builder import catalog
from site_builder.adapters import dsa_reports
from site_builder.errors import InputError
from site_builder.ingest import ingest_raw
from site_builder.quarantine import Quarantined

DSA = FIXTURES / "dsa_reports"
NOTICES = "Number of notices received"
NOTICES_TF = "Number of notices received from Trusted flaggers"
ITEMS = "Number of specific items of information included in the total number of notices"
MEDIAN = "Median time to take action"
MEDIAN_TF = "Median time to take action (Trusted Flagger notices)"
TERMS = "Number of actions taken on the basis of the terms and conditions of the service"
TERMS_TF = "Number of actions taken on the basis of the terms and conditions of the service (Trusted Flagger notices)"
LAW = "Number of actions taken on the basis of the law"
PRIVACY = "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS"
IP_OTHER = ("STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS / "
            "KEYWORD_OTHER_INTELLECTUAL_PROPERTY_INFRINGEMENTS_THIRD_PARTY_VIOLATION_OR_DATA_VIOLATION")
CSAM = "STATEMENT_CATEGORY_PROTECTION_OF_MINORS / KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL"
VIOLENCE_OTHER = "STATEMENT_CATEGORY_VIOLENCE / KEYWORD_OTHER"
# the fixture report of each provider: (table 4, table 1), named so that the names say nothing
META = ("meta/sheet-q.csv", "meta/sheet-z.csv")
X = ("x/notes.csv", "x/about.csv")
TIKTOK = ("tiktok/export-3.csv", "tiktok/export-7.csv")


def parse(base: Path, names: tuple[str, ...], quarantine: list[Quarantined] | None = None):
    """parse_report on files under ``base``, each shown as its path below ``base``."""
    return dsa_reports.parse_report([(base / n, n) for n in names],
                                    quarantine=[] if quarantine is None else quarantine)


def by_key(report) -> dict[tuple[str, str], object]:
    out = {(o.policy_label, o.metric_label): o for o in report.observations}
    assert len(out) == len(report.observations), "two figures share a policy and metric label"
    return out


def copy_report(tmp_path: Path, names: tuple[str, ...], mutate4=None, mutate1=None) -> Path:
    """A copy of a fixture report with its table 4 and/or table 1 text changed (bytes kept as
    they are otherwise: CRLF, no final newline)."""
    for name, mutate in zip(names, (mutate4, mutate1)):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        text = text_of(DSA / name)
        if mutate:
            changed = mutate(text)
            assert changed != text, "the mutation changed nothing"
            text = changed
        (tmp_path / name).write_bytes(text.encode("utf-8"))
    return tmp_path


def swap(old: str, new: str, count: int = 1):
    def mutate(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, count)
    return mutate


def text_of(path: Path) -> str:
    """The text of a file with its line endings as written."""
    return path.read_bytes().decode("utf-8")


def record_lines(path: Path) -> list[int]:
    """The physical line each CSV record of ``path`` starts on, counted independently of the
    adapter (line breaks inside quotes count)."""
    text = text_of(path)
    starts, line, quoted, at_start = [], 1, False, True
    for i, ch in enumerate(text):
        if at_start:
            starts.append(line)
            at_start = False
        if ch == '"':
            quoted = not quoted
        elif ch == "\n" or (ch == "\r" and text[i + 1: i + 2] != "\n"):
            line += 1
            at_start = not quoted
    return starts


# --- identification, numbers, lines -------------------------------------------------------

def test_period_service_and_dates_come_from_table_1_not_from_file_names():
    report = parse(DSA, META)
    ident = report.ident
    assert (ident.provider, ident.service) == ("Example Platforms Provider Limited", "Instagram")
    assert (ident.start, ident.end) == (date(2025, 7, 1), date(2025, 12, 31))
    assert (ident.published, ident.previous) == (date(2026, 2, 28), date(2025, 8, 29))
    assert ident.file == "meta/sheet-z.csv" and ident.lines == {"provider": 2, "published": 3, "previous": 4,
                                                                "start": 5, "end": 6}
    assert ident.release_key == "instagram-2025H2-published-2026-02-28"
    assert ident.edition == "2025H2 (published 2026-02-28)"
    assert report.files == ["meta/sheet-q.csv", "meta/sheet-z.csv"]
    assert not any(w in n.lower() for n in META for w in ("instagram", "2025", "h2", "notice", "ident"))
    o = report.observations[0]
    assert (o.platform_label, o.period_start, o.period_end, o.geography) == (
        "Instagram", date(2025, 7, 1), date(2025, 12, 31), "EU")
    assert {o.release_id for o in report.observations} == {"dsa_reports-instagram-2025H2-published-2026-02-28"}


def test_every_figure_cell_is_one_observation():
    report = parse(DSA, META)
    assert len(report.observations) == 7 * 10  # 7 data rows x 10 figures; notes are not figures
    assert {o.metric_label for o in report.observations} == {f for f, _ in dsa_reports.FIGURES}
    assert [o.policy_label for o in report.observations[::10]] == [
        "TOTAL", PRIVACY, f"{PRIVACY} / KEYWORD_OTHER_PRIVACY", "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
        IP_OTHER, "STATEMENT_CATEGORY_PROTECTION_OF_MINORS", CSAM]


def test_quoted_thousands_separators_and_decimals_are_read():
    rows = by_key(parse(DSA, META))
    total = rows[("TOTAL", NOTICES)]
    assert (total.value_status, total.value, total.value_as_published) == ("reported", 353997, "353,997")
    assert rows[("TOTAL", TERMS)].value == 87512 and rows[("TOTAL", MEDIAN)].value == 48.18
    assert rows[("TOTAL", NOTICES_TF)].value == 731 and rows[("TOTAL", NOTICES_TF)].value_as_published == "731"
    x = by_key(parse(DSA, X))
    assert x[("STATEMENT_CATEGORY_VIOLENCE", MEDIAN)].value == 2.3167


def test_crlf_and_lf_files_give_the_same_observations(tmp_path):
    crlf = parse(DSA, META)
    for name in META:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        data = (DSA / name).read_bytes()
        assert b"\r\n" in data
        (tmp_path / name).write_bytes(data.replace(b"\r\n", b"\n"))
    lf = parse(tmp_path, META)
    assert b"\r" not in (tmp_path / META[0]).read_bytes()
    assert lf.observations == crlf.observations and lf.ident == crlf.ident


def test_header_with_trailing_space_is_accepted_and_kept_in_the_locator():
    header = text_of(DSA / META[0]).split("\r\n")[0]
    assert f",{NOTICES} ," in header  # as Meta publishes it
    rows = by_key(parse(DSA, META))
    o = rows[("TOTAL", NOTICES)]
    assert o.metric_label == NOTICES
    assert o.locator == f"meta/sheet-q.csv line 2 column '{NOTICES} '"
    assert rows[("TOTAL", NOTICES_TF)].locator == f"meta/sheet-q.csv line 2 column '{NOTICES_TF}'"
    # X's 2025 header has no trailing space: the same metric label
    assert by_key(parse(DSA, X))[("TOTAL", NOTICES)].locator == f"x/notes.csv line 2 column '{NOTICES}'"


def test_multi_line_note_locates_its_record_on_its_first_line_and_the_next_record_right():
    report = parse(DSA, META)
    starts = record_lines(DSA / META[0])
    assert starts == [1, 2, 6, 7, 8, 9, 10, 11]  # the TOTAL record's notes run over lines 2-5
    lines = [int(o.locator.split(" line ")[1].split(" ")[0]) for o in report.observations[::10]]
    assert lines == starts[1:]
    assert by_key(report)[(PRIVACY, NOTICES)].locator == f"meta/sheet-q.csv line 6 column '{NOTICES} '"
    assert by_key(report)[(CSAM, NOTICES_TF)].locator == f"meta/sheet-q.csv line 11 column '{NOTICES_TF}'"


def test_note_holds_the_rows_context_for_that_column_and_the_other_description():
    rows = by_key(parse(DSA, META))
    median = rows[("TOTAL", MEDIAN)].note
    assert median.startswith("The time periods refer to the time between") and "\n\nIf a notice contained" in median
    assert rows[("TOTAL", NOTICES)].note.startswith("All Article 16 DSA notices are processed")
    assert rows[("TOTAL", MEDIAN_TF)].note == ("Article 16 notices not resulting in an action taken are not included "
                                              "in the calculation.")
    assert rows[("TOTAL", ITEMS)].note == ""  # that column's note is empty: no other column's note
    other = rows[(f"{PRIVACY} / KEYWORD_OTHER_PRIVACY", NOTICES)].note
    assert other == ('Description of the sub-category "Other": This row was added for use in other parts of our '
                     "report. We have included it here for consistency across the report.")


def test_empty_cell_is_not_reported_never_zero_and_zero_is_reported_zero():
    rows = by_key(parse(DSA, META))
    empty = rows[(PRIVACY, MEDIAN_TF)]
    assert (empty.value_status, empty.value, empty.value_as_published) == ("not_reported", None, "")
    zero = rows[(CSAM, NOTICES)]
    assert (zero.value_status, zero.value, zero.value_as_published) == ("reported", 0, "0")
    assert rows[(f"{PRIVACY} / KEYWORD_OTHER_PRIVACY", MEDIAN_TF)].value_as_published == "0.00"


def test_na_is_not_reported(tmp_path):
    base = copy_report(tmp_path, META, swap(",0,130,0,176,", ",0,N/A,0,176,"))
    o = by_key(parse(base, META))[(CSAM, NOTICES_TF)]
    assert (o.value_status, o.value, o.value_as_published) == ("not_reported", None, "N/A")


def test_trusted_flagger_figures_above_the_totals_are_kept_as_published():
    rows = by_key(parse(DSA, META))
    assert [rows[(CSAM, m)].value for m in (NOTICES, NOTICES_TF, TERMS, TERMS_TF)] == [0, 130, 0, 83]


def test_a_row_the_template_does_not_define_is_kept_as_published():
    rows = by_key(parse(DSA, META))
    o = rows[(f"{PRIVACY} / KEYWORD_OTHER_PRIVACY", NOTICES)]
    assert (o.value_status, o.value, o.locator) == ("reported", 0, f"meta/sheet-q.csv line 7 column '{NOTICES} '")


def test_a_keyword_repeated_under_one_category_gets_row_2():
    rows = by_key(parse(DSA, X))
    first, second = rows[(VIOLENCE_OTHER, NOTICES)], rows[(f"{VIOLENCE_OTHER} (row 2)", NOTICES)]
    assert (first.value, first.locator) == (4468, f"x/notes.csv line 4 column '{NOTICES}'")
    assert (second.value, second.locator) == (750, f"x/notes.csv line 5 column '{NOTICES}'")
    assert "could not be mapped" in second.note and "could not be mapped" not in first.note
    assert not any("(row 3)" in label for label, _ in rows)


def test_a_value_in_the_wrong_column_is_kept_as_published():
    rows = by_key(parse(DSA, META))
    o = rows[(IP_OTHER, MEDIAN)]
    assert (o.value_status, o.value, o.value_as_published) == ("reported", 238168, "238,168")
    assert o.unit == "time (unit not stated)"
    assert rows[(IP_OTHER, ITEMS)].value == 238168 and rows[(IP_OTHER, ITEMS)].unit == "items of information"


def test_time_unit_is_hours_only_when_the_note_says_in_hours(tmp_path):
    units = {o.metric_label: o.unit for o in parse(DSA, X).observations}
    assert units[MEDIAN] == units[MEDIAN_TF] == "hours"
    assert (units[NOTICES], units[ITEMS], units[LAW]) == ("notices", "items of information", "actions")
    # Meta's note speaks of "within 24 hours" but does not give the unit
    meta = {o.metric_label: o.unit for o in parse(DSA, META).observations}
    assert meta[MEDIAN] == meta[MEDIAN_TF] == "time (unit not stated)"
    base = copy_report(tmp_path, X, swap("the median time in hours between", "the median time between"))
    assert {o.unit for o in parse(base, X).observations if o.metric_label == MEDIAN} == {"time (unit not stated)"}


@pytest.mark.parametrize("placeholder", ["YYYY-MM-DD", "{{Number of notices}}", "[number]"])
def test_template_placeholder_sets_the_row_aside(tmp_path, placeholder):
    base = copy_report(tmp_path, META, swap(",0,130,0,176,", f",0,{placeholder},0,176,"))
    quarantine: list[Quarantined] = []
    report = parse(base, META, quarantine)
    assert len(quarantine) == 1
    q = quarantine[0]
    assert (q.source_id, q.release_id, q.locator) == (
        "dsa_reports", "dsa_reports-instagram-2025H2-published-2026-02-28", "meta/sheet-q.csv line 11")
    assert f"{placeholder!r} in column {NOTICES_TF!r}" in q.reason and "placeholder" in q.reason
    assert "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL" in q.content
    assert not [o for o in report.observations if o.policy_label == CSAM]
    assert len(report.observations) == 6 * 10


def test_tiktok_layout_with_category_label_and_service_spelled_tiktok():
    header = next(csv.reader(io.StringIO(text_of(DSA / TIKTOK[0]), newline="")))
    assert len(header) == 26 and header[3] == "Category label"
    table1 = text_of(DSA / TIKTOK[1]).split("\r\n")
    assert len(table1) == 6 and not table1[-1].endswith("\n")
    assert all(line.endswith("," * 16) for line in table1)
    report = parse(DSA, TIKTOK)
    assert report.ident.service == "TikTok" and report.ident.release_key == "tiktok-2026H1-published-2026-08-31"
    assert {o.platform_label for o in report.observations} == {"Tiktok"}  # as published in table 4
    rows = by_key(report)
    assert len(rows) == 3 * 10
    assert rows[("TOTAL", NOTICES)].value == 108164 and rows[(CSAM, NOTICES)].value == 310
    assert rows[(CSAM, NOTICES)].note == "Row labelled 'Category 9b' in the report"
    assert rows[(CSAM, MEDIAN)].note == "Row labelled 'Category 9b' in the report\n\nMedian times can only be calculated at total level"
    empty = [rows[(CSAM, m)] for m in (LAW, TERMS, TERMS_TF)]
    assert {(o.value_status, o.value, o.value_as_published) for o in empty} == {("not_reported", None, "")}
    assert rows[(CSAM, TERMS)].locator == f"tiktok/export-3.csv line 4 column '{TERMS}'"


def test_service_is_compared_with_table_1_case_insensitively_only(tmp_path):
    base = copy_report(tmp_path, TIKTOK, swap(",Tiktok,2026-01-01/2026-06-30,Category 9,",
                                              ",TikTok Lite,2026-01-01/2026-06-30,Category 9,"))
    with pytest.raises(InputError) as err:
        parse(base, TIKTOK)
    assert "tiktok/export-3.csv, line 3, column Service: service 'TikTok Lite' differs from table 1 ('TikTok'" in str(err.value)


# --- bad input stops with file, line and column ------------------------------------------

@pytest.mark.parametrize("published", ["4%-5%", "about 10", "-5", "1,2345", "12 hours"])
def test_a_value_that_is_not_a_number_stops_naming_file_line_and_column(tmp_path, published):
    base = copy_report(tmp_path, META, swap(",0,130,0,176,", f',0,"{published}",0,176,'))
    with pytest.raises(InputError) as err:
        parse(base, META)
    msg = str(err.value)
    assert msg.startswith(f"meta/sheet-q.csv, line 11, column {NOTICES_TF!r}: "), msg
    assert repr(published) in msg
    assert ("negative value" if published == "-5" else "not a number") in msg


@pytest.mark.parametrize("mutate, where, problem", [
    (swap(f"{NOTICES} ,", "Number of notices recieved ,"), "meta/sheet-q.csv, line 1:",
     f"missing column {NOTICES}; unknown column Number of notices recieved"),
    (swap(",2025-07-01/2025-12-31,TOTAL,", ",2025-07-01/2026-06-30,TOTAL,"), "meta/sheet-q.csv, line 2, column Reporting period:",
     "reporting period differs from table 1 (2025-07-01/2025-12-31, meta/sheet-z.csv) (found '2025-07-01/2026-06-30')"),
    (swap(",2025-07-01/2025-12-31,TOTAL,", ",2025-13-01/2025-12-31,TOTAL,"), "meta/sheet-q.csv, line 2, column Reporting period:",
     "reporting period differs from table 1"),
    (swap(",2025-07-01/2025-12-31,TOTAL,", ",H2 2025,TOTAL,"), "meta/sheet-q.csv, line 2, column Reporting period:",
     "reporting period differs from table 1"),
    (swap(",Instagram,2025-07-01/2025-12-31,STATEMENT_CATEGORY_PROTECTION_OF_MINORS,",
          ",Facebook,2025-07-01/2025-12-31,STATEMENT_CATEGORY_PROTECTION_OF_MINORS,"),
     "meta/sheet-q.csv, line 10, column Service:", "service 'Facebook' differs from table 1 ('Instagram'"),
    (swap(f",{PRIVACY},,", ",KEYWORD_DATA_FALSIFICATION,,"), "meta/sheet-q.csv, line 6, column Category of illegal content:",
     "a keyword row before any category row (found 'KEYWORD_DATA_FALSIFICATION')"),
    (swap(f",{PRIVACY},,", ",Data protection,,"), "meta/sheet-q.csv, line 6, column Category of illegal content:",
     "unknown row code (found 'Data protection')"),
    (swap(",0,130,0,176,", ",0,130,176,"), "meta/sheet-q.csv, line 11:", "row has 24 fields, the header 25"),
])
def test_bad_table_4_stops_naming_file_line_and_column(tmp_path, mutate, where, problem):
    base = copy_report(tmp_path, META, mutate)
    with pytest.raises(InputError) as err:
        parse(base, META)
    msg = str(err.value)
    assert msg.startswith(where) and problem in msg, msg


def test_a_header_only_table_4_stops_even_when_another_report_set_rows_aside(tmp_path):
    base = copy_report(tmp_path, META, lambda t: t.split("\r\n")[0])
    earlier = [Quarantined("dsa_reports", "dsa_reports-x-2025H2-published-2026-03-02", "x/notes.csv line 3", "r", "c")]
    with pytest.raises(InputError, match=r"meta/sheet-q.csv: no data rows"):
        parse(base, META, earlier)


def test_an_unknown_table_stops_naming_the_file(tmp_path):
    base = copy_report(tmp_path, META)
    (base / "meta" / "sheet-r.csv").write_bytes(
        b'Applicability,Service,Reporting period,Category of illegal content,"Description of the sub-category ""Other""",'
        b"Number of measures taken at the provider's own initiative ,Number of measures taken after detection with solely "
        b"automated means \r\nAll,Instagram,2025-07-01/2025-12-31,TOTAL,,12,3")
    with pytest.raises(InputError) as err:
        parse(base, (*META, "meta/sheet-r.csv"))
    msg = str(err.value)
    assert msg.startswith("meta/sheet-r.csv, line 1: unknown table"), msg


@pytest.mark.parametrize("extra, found", [(None, 0), ("meta/sheet-y.csv", 2)])
def test_a_report_needs_exactly_one_table_1(tmp_path, extra, found):
    base = copy_report(tmp_path, META)
    names = [META[0]]
    if extra:
        shutil.copy(base / META[1], base / extra)
        names += [META[1], extra]
    with pytest.raises(InputError) as err:
        parse(base, tuple(names))
    msg = str(err.value)
    assert f"a report needs exactly one table 1 (report identification), found {found}" in msg
    assert all(n in msg for n in names)


@pytest.mark.parametrize("mutate, where, problem", [
    (lambda t: t.rsplit("\r\n", 1)[0], "meta/sheet-z.csv:", "missing indicator Ending date of reporting period"),
    (swap("Starting date of reporting period", "Start of the reporting period"), "meta/sheet-z.csv, line 5, column Indicator:",
     "unknown indicator (found 'Start of the reporting period')"),
    (swap("report,2026-02-28", "report,28 February 2026"), "meta/sheet-z.csv, line 3, column Value:",
     "Date of the publication of the report: not a date (found '28 February 2026')"),
    (swap("report,2026-02-28", "report,YYYY-MM-DD"), "meta/sheet-z.csv, line 3, column Value:",
     "a template placeholder instead of a date"),
    (swap("All,Instagram,Ending", "All,Facebook,Ending"), "meta/sheet-z.csv, line 6, column Service:",
     "the rows name different services (line 2: 'Instagram') (found 'Facebook')"),
    (swap("period,2025-12-31", "period,2025-06-30"), "meta/sheet-z.csv, line 6:", "the reporting period ends before it starts"),
    (swap("Applicability,Service,Indicator,Value", "Applicability,Service,Indicator,Value,Note"), "meta/sheet-z.csv, line 1:",
     "unknown table"),
])
def test_bad_table_1_stops_naming_file_line_and_column(tmp_path, mutate, where, problem):
    base = copy_report(tmp_path, META, None, mutate)
    with pytest.raises(InputError) as err:
        parse(base, META)
    msg = str(err.value)
    assert msg.startswith(where) and problem in msg, msg


def test_table_1_without_a_previous_report_date_is_read(tmp_path):
    text = text_of(DSA / META[1])
    f = tmp_path / "t1.csv"
    f.write_bytes("\r\n".join(line for line in text.split("\r\n") if "latest previous" not in line).encode())
    ident = dsa_reports.read_identification(f, "t1.csv")
    assert ident.previous is None and "previous" not in ident.lines and ident.lines["end"] == 5


# --- ingest: one release per report -------------------------------------------------------

@pytest.fixture
def fixture_reports(tmp_path: Path) -> tuple[Path, Path]:
    """A raw directory with the three fixture reports (the tables of each share an edition)
    and a fresh data directory."""
    raw = tmp_path / "raw"
    shutil.copytree(DSA, raw / "dsa_reports", ignore=shutil.ignore_patterns("*.md"))
    editions = {"meta": "bundle-1", "x": "bundle-2", "tiktok": "bundle-3"}
    write_manifest(raw, [(f"dsa_reports/{n}", "dsa_reports", editions[n.split("/")[0]]) for n in (*META, *X, *TIKTOK)])
    return raw, make_data_dir(tmp_path)


def test_ingest_makes_one_release_per_report_named_from_table_1(fixture_reports):
    raw, data = fixture_reports
    res = ingest_raw("dsa_reports", raw, data)
    assert (res.releases, res.observations, res.quarantined) == (3, 70 + 40 + 30, 0)
    rels = {r.release_id: r for r in catalog.read_releases(data) if r.source_id == "dsa_reports"}
    assert set(rels) == {"dsa_reports-instagram-2025H2-published-2026-02-28", "dsa_reports-x-2025H2-published-2026-03-02",
                         "dsa_reports-tiktok-2026H1-published-2026-08-31"}
    ig = rels["dsa_reports-instagram-2025H2-published-2026-02-28"]
    assert (ig.edition, ig.edition_end, ig.kind) == ("2025H2 (published 2026-02-28)", "2025-12-31", "raw")
    assert ig.file == "dsa_reports/meta/sheet-q.csv"  # the table the numbers come from
    assert ig.sha256 == catalog.sha256_of(raw / "dsa_reports" / META[0])
    assert ig.obtained_via.endswith("read with dsa_reports/meta/sheet-z.csv")
    assert "Instagram, 2025H2, published 2026-02-28" in ig.title
    assert rels["dsa_reports-tiktok-2026H1-published-2026-08-31"].edition == "2026H1 (published 2026-08-31)"
    with catalog.report_identification_path(data).open(encoding="utf-8", newline="") as fh:
        idents = {r["release_id"]: r for r in csv.DictReader(fh)}
    assert idents["dsa_reports-instagram-2025H2-published-2026-02-28"] == {
        "release_id": "dsa_reports-instagram-2025H2-published-2026-02-28", "provider": "Example Platforms Provider Limited",
        "service": "Instagram", "period_start": "2025-07-01", "period_end": "2025-12-31", "published": "2026-02-28",
        "previous_published": "2025-08-29", "file": "dsa_reports/meta/sheet-z.csv", "published_line": "3",
        "previous_line": "4", "sha256": catalog.sha256_of(DSA / "meta" / "sheet-z.csv")}
    assert idents["dsa_reports-x-2025H2-published-2026-03-02"]["previous_published"] == "2025-10-28"
    with (data / "observations" / "dsa_reports.csv").open(encoding="utf-8", newline="") as fh:
        written = list(csv.DictReader(fh))
    assert len(written) == 140
    row = next(r for r in written if r["locator"] == f"dsa_reports/meta/sheet-q.csv line 9 column '{MEDIAN}'")
    assert (row["policy_label"], row["value_as_published"], row["value_status"]) == (IP_OTHER, "238,168", "reported")


def test_reingesting_the_same_files_is_byte_identical(fixture_reports):
    raw, data = fixture_reports
    ingest_raw("dsa_reports", raw, data)
    written = [data / "observations" / "dsa_reports.csv", data / "catalog" / "releases.csv",
               catalog.report_identification_path(data)]
    first = [p.read_bytes() for p in written]
    ingest_raw("dsa_reports", raw, data)
    assert [p.read_bytes() for p in written] == first


# --- the real reports (CI) ----------------------------------------------------------------

REAL = {  # (service file prefix, period) -> observations (one per figure cell of table 4)
    ("facebook", "2025h2"): 1090, ("facebook", "2026h1"): 1090, ("instagram", "2025h2"): 1090,
    ("instagram", "2026h1"): 1090, ("x", "2025h2"): 910, ("x", "2026h1"): 910,
    ("tiktok", "2025h2"): 910, ("tiktok", "2026h1"): 990,
}


def real(raw_dir: Path, service: str, period: str, quarantine: list[Quarantined] | None = None):
    names = tuple(f"dsa_reports/{service}-{period}-{t}.csv" for t in ("4_notices", "1_report_identification"))
    return parse(raw_dir, names, quarantine)


@pytest.mark.raw
def test_every_real_report_parses_with_its_count(raw_dir):
    assert sorted((raw_dir / "dsa_reports").glob("*.csv")) == sorted(
        raw_dir / "dsa_reports" / f"{s}-{p}-{t}.csv" for s, p in REAL for t in ("1_report_identification", "4_notices"))
    quarantine: list[Quarantined] = []
    total = 0
    for (service, period), count in REAL.items():
        report = real(raw_dir, service, period, quarantine)
        assert len(report.observations) == count, (service, period)
        records = list(csv.reader(io.StringIO(text_of(raw_dir / f"dsa_reports/{service}-{period}-4_notices.csv"),
                                              newline="")))
        assert count == 10 * (len(records) - 1)
        by_key(report)  # no two figures share a label
        assert report.ident.period == period.upper()
        total += count
    assert total == 8080 and quarantine == []


@pytest.mark.raw
def test_real_identification_dates_chain_the_editions(raw_dir):
    expected = {  # (published, previous) as table 1 gives them
        ("facebook", "2025h2"): ("2026-02-28", "2025-08-29"), ("facebook", "2026h1"): ("2026-08-28", "2026-02-28"),
        ("instagram", "2025h2"): ("2026-02-28", "2025-08-29"), ("instagram", "2026h1"): ("2026-08-28", "2026-02-28"),
        ("x", "2025h2"): ("2026-03-02", "2025-10-28"), ("x", "2026h1"): ("2026-08-31", "2026-03-02"),
        ("tiktok", "2025h2"): ("2026-02-27", "2025-08-29"), ("tiktok", "2026h1"): ("2026-08-31", "2026-02-27"),
    }
    for (service, period), (published, previous) in expected.items():
        ident = real(raw_dir, service, period).ident
        assert (ident.published.isoformat(), ident.previous.isoformat()) == (published, previous), service
        assert (ident.lines["published"], ident.lines["previous"]) == (3, 4)
    for service in ("facebook", "instagram", "x", "tiktok"):  # no edition missing between the two
        assert real(raw_dir, service, "2026h1").ident.previous == real(raw_dir, service, "2025h2").ident.published


@pytest.mark.raw
def test_real_meta_child_sexual_abuse_material_rows(raw_dir):
    ig = by_key(real(raw_dir, "instagram", "2025h2"))
    assert [ig[(CSAM, m)].value for m in (NOTICES, NOTICES_TF, TERMS, TERMS_TF)] == [0, 130, 0, 83]
    assert ig[(CSAM, NOTICES)].locator == f"dsa_reports/instagram-2025h2-4_notices.csv line 66 column '{NOTICES} '"
    fb = by_key(real(raw_dir, "facebook", "2025h2"))
    assert [fb[(CSAM, m)].value for m in (NOTICES, NOTICES_TF, TERMS, TERMS_TF)] == [0, 27, 0, 16]
    assert fb[(CSAM, NOTICES_TF)].locator == f"dsa_reports/facebook-2025h2-4_notices.csv line 65 column '{NOTICES_TF}'"


@pytest.mark.raw
def test_real_x_child_sexual_abuse_material_notices(raw_dir):
    o = by_key(real(raw_dir, "x", "2025h2"))[(CSAM, NOTICES)]
    assert (o.value, o.value_as_published) == (37533, "37,533")
    assert o.locator == f"dsa_reports/x-2025h2-4_notices.csv line 58 column '{NOTICES}'"


@pytest.mark.raw
def test_real_instagram_median_time_in_the_wrong_column(raw_dir):
    rows = by_key(real(raw_dir, "instagram", "2025h2"))
    o = rows[(IP_OTHER, MEDIAN)]
    assert (o.value_status, o.value, o.value_as_published) == ("reported", 238168, "238,168")
    assert rows[(IP_OTHER, ITEMS)].value_as_published == "238,168"
    assert o.locator == f"dsa_reports/instagram-2025h2-4_notices.csv line 56 column '{MEDIAN}'"


@pytest.mark.raw
def test_real_x_repeats_keyword_other_under_violence(raw_dir):
    rows = by_key(real(raw_dir, "x", "2025h2"))
    assert rows[(VIOLENCE_OTHER, NOTICES)].locator == f"dsa_reports/x-2025h2-4_notices.csv line 92 column '{NOTICES}'"
    assert rows[(f"{VIOLENCE_OTHER} (row 2)", NOTICES)].locator == (
        f"dsa_reports/x-2025h2-4_notices.csv line 93 column '{NOTICES}'")
    assert not any(label.startswith(VIOLENCE_OTHER + " (row 3") for label, _ in rows)


@pytest.mark.raw
def test_real_time_units(raw_dir):
    for (service, period) in REAL:
        units = {o.unit for o in real(raw_dir, service, period).observations if o.metric_label in (MEDIAN, MEDIAN_TF)}
        assert units == ({"hours"} if service == "x" else {"time (unit not stated)"}), (service, period)


@pytest.mark.raw
def test_real_tiktok_service_spellings(raw_dir):
    for period, spelled in (("2025h2", "TikTok"), ("2026h1", "Tiktok")):
        report = real(raw_dir, "tiktok", period)
        assert report.ident.service == "TikTok"
        assert {o.platform_label for o in report.observations} == {spelled}


@pytest.mark.raw
def test_real_ingest_into_a_fresh_data_dir(raw_dir, tmp_path):
    data = make_data_dir(tmp_path)
    res = ingest_raw("dsa_reports", raw_dir, data)
    assert (res.releases, res.observations, res.quarantined) == (8, 8080, 0)
    ids = sorted(r.release_id for r in catalog.read_releases(data) if r.source_id == "dsa_reports")
    assert ids == sorted([
        "dsa_reports-facebook-2025H2-published-2026-02-28", "dsa_reports-facebook-2026H1-published-2026-08-28",
        "dsa_reports-instagram-2025H2-published-2026-02-28", "dsa_reports-instagram-2026H1-published-2026-08-28",
        "dsa_reports-x-2025H2-published-2026-03-02", "dsa_reports-x-2026H1-published-2026-08-31",
        "dsa_reports-tiktok-2025H2-published-2026-02-27", "dsa_reports-tiktok-2026H1-published-2026-08-31"])
    with catalog.report_identification_path(data).open(encoding="utf-8", newline="") as fh:
        assert sorted(r["release_id"] for r in csv.DictReader(fh)) == ids
