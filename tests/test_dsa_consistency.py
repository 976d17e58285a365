"""Consistency findings of the harmonised DSA reports (mart dsa_consistency, kinds in
data/taxonomy/dsa_checks.csv) and the reports' editions (mart dsa_report_editions): on the
committed data (the findings the issue names, with file, line, columns and values as
published), and on small synthetic reports written in the template's table 1 and table 4
layout and ingested like the real ones, each rule once firing and once not."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import pytest

from conftest import REPO, make_data_dir, write_manifest
from site_builder import settings, warehouse
from site_builder.adapters import dsa_reports
from site_builder.ingest import ingest_raw

MODELS = ["dsa_consistency", "dsa_report_editions"]
FIGS = ["notices", "notices_tf", "items", "items_tf", "median", "median_tf", "law", "law_tf", "terms", "terms_tf"]
HEADER = {f: name for f, (name, _) in zip(FIGS, dsa_reports.FIGURES)}
QUERY = (settings.SQL_DIR / "queries" / "dsa_consistency_for.sql").read_text(encoding="utf-8")


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> list[dict]:
    cur = con.execute(sql, params or {})
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def findings(con, kind: str | None = None, release: str | None = None) -> list[dict]:
    return rows(con, "SELECT * FROM dsa_consistency WHERE ($kind IS NULL OR kind = $kind) "
                     "AND ($release IS NULL OR release_id LIKE '%' || $release || '%') "
                     "ORDER BY release_id, rank, line, columns, sentence",
                {"kind": kind, "release": release})


def quoted(*figs: str, published: dict[str, str] | None = None) -> str:
    heads = [f"'{(published or {}).get(f, HEADER[f])}'" for f in figs]
    return heads[0] if len(heads) == 1 else ", ".join(heads[:-1]) + " and " + heads[-1]


# --- the committed data ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def real() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    warehouse.load(con, REPO / "data")
    warehouse.run_models(con, only=MODELS)
    return con


IG25 = "instagram-2025H2"
META_NOTICES = "Number of notices received "  # Meta's header, with its trailing space


def test_instagram_and_facebook_csam_trusted_flaggers_above_all(real):
    ig = [f for f in findings(real, "trusted_flagger_above_all", IG25) if f["row_label"] == "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL"]
    got = {(f["figure_a"], f["value_a"], f["value_b"]) for f in ig}
    assert got == {("notices", "0", "130"), ("items", "0", "176"), ("terms", "0", "83")}
    notices = next(f for f in ig if f["figure_a"] == "notices")
    assert (notices["file"], notices["line"], notices["lines"]) == ("dsa_reports/instagram-2025h2-4_notices.csv", 66, "66")
    assert notices["columns"] == quoted("notices", "notices_tf", published={"notices": META_NOTICES})
    assert notices["sentence"] == (
        "For “Child sexual abuse material” under “Protection of minors” (line 66), the report gives 0 notices "
        "received and 130 notices from trusted flaggers; the template counts notices from trusted flaggers as part "
        "of all notices received.")
    assert notices["doc_url"].startswith("https://")
    assert notices["platform_id"] == "instagram" and str(notices["published"]) == "2026-02-28"
    fb = [f for f in findings(real, "trusted_flagger_above_all", "facebook-2025H2")
          if f["row_label"] == "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL" and f["figure_a"] == "notices"]
    assert [(f["file"], f["line"], f["value_a"], f["value_b"]) for f in fb] == [
        ("dsa_reports/facebook-2025h2-4_notices.csv", 65, "0", "27")]


def test_trusted_flagger_findings_are_meta_rows_one_per_row_and_pair(real):
    per_report = {r["release_id"]: r["n"] for r in rows(
        real, "SELECT release_id, count(*) AS n FROM dsa_consistency WHERE kind = 'trusted_flagger_above_all' GROUP BY 1")}
    assert {k.split("-")[1] for k in per_report} == {"facebook", "instagram"}  # X and TikTok: none
    assert all(30 <= n <= 80 for n in per_report.values()), per_report
    dup = rows(real, "SELECT release_id, line, figure_a, count(*) AS n FROM dsa_consistency "
                     "WHERE kind = 'trusted_flagger_above_all' GROUP BY ALL HAVING count(*) > 1")
    assert dup == []


def test_x_violence_keywords_do_not_add_up_because_keyword_other_is_given_twice(real):
    kw = findings(real, "keywords_not_adding_up")
    assert {f["release_id"] for f in kw} == {"dsa_reports-x-2025H2-published-2026-03-02"}
    got = {f["figure_a"]: (f["value_a"], f["value_b"], f["difference"]) for f in kw}
    assert got == {"notices": ("32,407", "33,157", 750), "items": ("53,640", "55,488", 1848),
                   "law": ("10,845", "11,147", 302), "terms": ("21,032", "21,465", 433)}
    n = next(f for f in kw if f["figure_a"] == "notices")
    assert (n["file"], n["line"], n["lines"], n["row_label"], n["columns"]) == (
        "dsa_reports/x-2025h2-4_notices.csv", 86, "86 to 93", "STATEMENT_CATEGORY_VIOLENCE", quoted("notices"))
    assert n["sentence"] == (
        "For “Violence” (line 86), the report gives 32,407 notices received; the sum of its 7 keyword rows (lines 87 "
        "to 93) is 33,157, 750 more; in the reports held here, the keyword rows of every other category whose cells "
        "are all given add up to it. Without the "
        "repeated row (line 93), the keyword rows add up to 32,407.")
    rep = findings(real, "repeated_row")
    assert [(f["release_id"], f["row_label"], f["line"], f["lines"], f["value_a"], f["value_b"]) for f in rep] == [
        ("dsa_reports-x-2025H2-published-2026-03-02", "KEYWORD_OTHER", 92, "92 and 93", "4,468", "750")]


def test_instagram_median_time_equal_to_its_items(real):
    v = findings(real, "value_not_what_column_says")
    assert [(f["release_id"], f["line"], f["value_a"], f["value_b"], f["figure_b"]) for f in v] == [
        ("dsa_reports-instagram-2025H2-published-2026-02-28", 56, "238,168", "238,168", "items")]
    assert v[0]["row_label"] == "KEYWORD_OTHER_INTELLECTUAL_PROPERTY_INFRINGEMENTS_THIRD_PARTY_VIOLATION_OR_DATA_VIOLATION"
    assert v[0]["columns"] == quoted("median", "items")
    assert "238,168 as the median time to take action (no unit stated) and 238,168 items" in v[0]["sentence"]


def test_rows_the_template_does_not_define(real):
    nt = findings(real, "non_template_row", IG25)
    privacy = next(f for f in nt if f["row_label"] == "KEYWORD_OTHER_PRIVACY")
    assert (privacy["line"], privacy["value_a"], privacy["figure_a"]) == (41, "22,825", "notices")
    assert privacy["sentence"].startswith(
        "The report gives a row KEYWORD_OTHER_PRIVACY under “Data protection and privacy violations” (line 41), "
        "which the template does not define, with 22,825 notices received, 38,058 items of information notified,")
    assert privacy["sentence"].endswith("“Added category to record Article 16 user notice submissions alleging "
                                        "privacy violations.”")
    zero = findings(real, "non_template_rows_zero")
    assert len(zero) == 4 and {f["release_id"].split("-")[1] for f in zero} == {"facebook", "instagram"}
    ig = next(f for f in zero if IG25 in f["release_id"])
    assert ig["value_a"] == "27" and ig["line"] == 15 and ig["lines"].startswith("15, 16, 17, ")
    assert "27 rows that the template does not define" in ig["sentence"]
    assert "KEYWORD_OTHER_PRIVACY" not in ig["sentence"] and "KEYWORD_OTHER_SPAM" in ig["sentence"]
    assert len(findings(real, "non_template_row")) == 20  # 5 rows in each of Meta's 4 reports


def test_terms_category_in_tiktok_notices_is_not_a_finding(real):
    """TikTok numbers 'Other violation of provider's terms and conditions' as a category of its own
    (Category 15): the template may define it, so its rows are no finding."""
    assert not [f for f in findings(real) if "OTHER_VIOLATION_TC" in (f["row_label"] or "")]


def test_real_counts_of_the_other_kinds(real):
    counts = {r["kind"]: r["n"] for r in rows(real, "SELECT kind, count(*) AS n FROM dsa_consistency GROUP BY 1")}
    assert counts.get("actions_above_items") == 15  # X 2025H2: 13 rows; Instagram 2026H1: 2
    assert "median_time_without_notices" not in counts and "template_placeholder" not in counts


def test_every_finding_is_complete_and_neutral(real):
    kinds = {r["kind"] for r in rows(real, "SELECT kind FROM tax_dsa_checks")}
    with (REPO / "data" / "taxonomy" / "dsa_checks.csv").open(encoding="utf-8", newline="") as fh:
        spec = list(csv.DictReader(fh))
    assert len({int(r["rank"]) for r in spec}) == len(spec)
    sql = (settings.SQL_DIR / "marts" / "dsa_consistency.sql").read_text(encoding="utf-8")
    produced = set(re.findall(r"'([a-z_]+)' AS kind", sql)) | set(re.findall(r"\('([a-z_]+)', '[a-z_]+', '[a-z_]+'\)", sql))
    assert produced == kinds  # every kind the SQL produces has its sentence and basis, and each is produced
    words = re.compile(r"\b(error|errors|wrong|lie|lies|false|mistake|incorrect)\b", re.IGNORECASE)
    for r in spec:
        assert not words.search(r["sentence"] + " " + r["basis"]), r["kind"]
    for f in findings(real):
        assert f["kind"] in kinds and f["name"] and f["basis"] and f["file"] and f["line"] and f["lines"]
        assert "{" not in f["sentence"] and "}" not in f["sentence"], f["sentence"]
        assert not words.search(f["sentence"])
        assert f["platform_id"] and f["published"] and f["period_start"]


def test_query_orders_one_platforms_findings(real):
    got = rows(real, QUERY, {"platform_id": "x"})
    assert {r["platform_id"] for r in got} == {"x"} and len(got) == 18
    keys = [(r["period_start"], r["published"], r["rank"], r["line"], r["columns"]) for r in got]
    assert keys == sorted(keys)
    assert got[0]["kind"] == "keywords_not_adding_up"


def test_real_editions(real):
    ed = {r["release_id"]: r for r in rows(real, "SELECT * FROM dsa_report_editions")}
    assert len(ed) == 8 and all(r["reissue_of"] is None for r in ed.values())
    first = ed["dsa_reports-instagram-2025H2-published-2026-02-28"]
    assert (str(first["previous_published"]), first["previous_held"], first["previous_release_id"]) == (
        "2025-08-29", False, None)
    assert first["sentence"] == (
        "The report for July to December 2025, published 28 February 2026: its table 1 gives 29 August 2025 as the "
        "date of the latest previous report; this site holds no DSA transparency report of Instagram published that "
        "day (it predates the earliest report of Instagram in the harmonised template that this site holds).")
    second = ed["dsa_reports-instagram-2026H1-published-2026-08-28"]
    assert (second["previous_held"], second["previous_release_id"], second["period"]) == (
        True, "dsa_reports-instagram-2025H2-published-2026-02-28", "2026H1")
    assert second["sentence"].endswith("this site holds the DSA transparency report of Instagram published that "
                                       "day, for July to December 2025.")
    assert str(ed["dsa_reports-x-2025H2-published-2026-03-02"]["previous_published"]) == "2025-10-28"


# --- synthetic reports ----------------------------------------------------------------------

def write_report(raw: Path, name: str, rows_: list[tuple[str, dict[str, str]]], *, service: str = "X",
                 start: str = "2025-07-01", end: str = "2025-12-31", published: str = "2026-03-02",
                 previous: str | None = "2025-10-28") -> list[tuple[str, str, str]]:
    """Tables 1 and 4 of one report under raw/dsa_reports/<name>/ (table 4: a header line, then
    one line per row, so row i is on line i + 2); each figure is '0' unless given ('' = empty).
    Returns the manifest entries."""
    folder = raw / "dsa_reports" / name
    folder.mkdir(parents=True, exist_ok=True)
    ident = [["All", service, "Name of the service provider", "Synthetic provider"],
             ["All", service, "Date of the publication of the report", published]]
    if previous is not None:
        ident.append(["All", service, "Date of the publication of the latest previous report", previous])
    ident += [["All", service, "Starting date of reporting period", start],
              ["All", service, "Ending date of reporting period", end]]
    with (folder / "t1.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(dsa_reports.TABLE1_HEADER)
        w.writerows(ident)
    with (folder / "t4.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(dsa_reports.TABLE4_HEADER)
        for code, values in rows_:
            other = values.get("other", "")
            w.writerow(["All", service, f"{start}/{end}", code, other, *[values.get(f, "0") for f in FIGS],
                        *[""] * len(FIGS)])
    return [(f"dsa_reports/{name}/t1.csv", "dsa_reports", name), (f"dsa_reports/{name}/t4.csv", "dsa_reports", name)]


def build(tmp_path: Path, reports: list[list[tuple[str, str, str]]]) -> duckdb.DuckDBPyConnection:
    raw = tmp_path / "raw"
    write_manifest(raw, [e for r in reports for e in r])
    data = make_data_dir(tmp_path)
    ingest_raw("dsa_reports", raw, data)
    con = duckdb.connect()
    warehouse.load(con, data)
    warehouse.run_models(con, only=MODELS)
    return con


def one_report(tmp_path: Path, rows_: list[tuple[str, dict[str, str]]], **kw) -> duckdb.DuckDBPyConnection:
    raw = tmp_path / "raw"
    return build(tmp_path, [write_report(raw, "r1", rows_, **kw)])


VIOLENCE = "STATEMENT_CATEGORY_VIOLENCE"
MINORS = "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"
CSAM = "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL"
GROOMING = "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS"


def test_trusted_flaggers_above_all_fires_only_when_greater(tmp_path):
    con = one_report(tmp_path, [
        (MINORS, {"notices": "5", "notices_tf": "5", "items": "9", "items_tf": "9"}),  # equal: nothing
        (CSAM, {"notices": "0", "notices_tf": "130", "items": "4", "items_tf": "4", "terms": "0", "terms_tf": "83"}),
        (GROOMING, {"notices": "5", "notices_tf": "", "items": "5", "items_tf": "5"}),  # empty: nothing
    ])
    tf = sorted(findings(con, "trusted_flagger_above_all"), key=lambda f: (f["line"], FIGS.index(f["figure_a"])))
    assert [(f["line"], f["figure_a"], f["figure_b"], f["value_a"], f["value_b"]) for f in tf] == [
        (3, "notices", "notices_tf", "0", "130"), (3, "terms", "terms_tf", "0", "83")]
    assert tf[0]["file"] == "dsa_reports/r1/t4.csv" and tf[0]["columns"] == quoted("notices", "notices_tf")
    assert tf[0]["platform_id"] == "x" and tf[0]["rank"] == 1
    assert tf[0]["sentence"].startswith("For “Child sexual abuse material” under “Protection of minors” (line 3), "
                                        "the report gives 0 notices received and 130 notices from trusted flaggers")


def test_keywords_adding_up_give_nothing(tmp_path):
    con = one_report(tmp_path, [
        (MINORS, {"notices": "10", "items": "1,000"}),
        (CSAM, {"notices": "4", "items": "400"}),
        (GROOMING, {"notices": "6", "items": "600"}),
    ])
    assert findings(con, "keywords_not_adding_up") == []


def test_keywords_fewer_than_the_category(tmp_path):
    con = one_report(tmp_path, [
        (MINORS, {"notices": "10"}),
        (CSAM, {"notices": "4"}),
        (GROOMING, {"notices": "5"}),
    ])
    kw = findings(con, "keywords_not_adding_up")
    assert [(f["figure_a"], f["value_a"], f["value_b"], f["difference"], f["line"], f["lines"]) for f in kw] == [
        ("notices", "10", "9", -1, 2, "2 to 4")]
    assert kw[0]["sentence"] == (
        "For “Protection of minors” (line 2), the report gives 10 notices received; the sum of its 2 keyword rows "
        "(lines 3 and 4) is 9, 1 fewer; in the reports held here, the keyword rows of every other category whose "
        "cells are all given add up to it.")


def test_empty_keyword_cells_count_only_when_the_rest_exceeds_the_category(tmp_path):
    con = one_report(tmp_path, [
        (MINORS, {"notices": "10", "items": "10"}),
        (CSAM, {"notices": "4", "items": "12"}),
        (GROOMING, {"notices": "", "items": ""}),
    ])
    kw = findings(con, "keywords_not_adding_up")
    assert [(f["figure_a"], f["value_b"], f["difference"]) for f in kw] == [("items", "12", 2)]  # notices 4 < 10: none
    assert kw[0]["sentence"].endswith("2 more; in the reports held here, the keyword rows of every other category "
                                      "whose cells are all given add up to it. 1 of the 2 keyword rows leaves this "
                                      "column empty.")


def test_empty_category_gives_nothing(tmp_path):
    con = one_report(tmp_path, [(MINORS, {"notices": ""}), (CSAM, {"notices": "4"})])
    assert findings(con, "keywords_not_adding_up") == []


def test_repeated_keyword_row(tmp_path):
    con = one_report(tmp_path, [
        (VIOLENCE, {"notices": "4,468"}),
        ("KEYWORD_OTHER", {"notices": "4,468"}),
        ("KEYWORD_OTHER", {"notices": "750"}),
    ])
    rep = findings(con, "repeated_row")
    assert [(f["line"], f["lines"], f["value_a"], f["value_b"], f["row_label"], f["columns"]) for f in rep] == [
        (3, "3 and 4", "4,468", "750", "KEYWORD_OTHER", "'Category of illegal content'")]
    assert rep[0]["sentence"] == (
        "The report gives “Not captured by any other keyword” under “Violence” twice, at lines 3 and 4, with 4,468 "
        "and 750 notices received.")
    kw = findings(con, "keywords_not_adding_up")
    assert [(f["value_b"], f["difference"]) for f in kw] == [("5,218", 750)]
    assert kw[0]["sentence"].endswith("Without the repeated row (line 4), the keyword rows add up to 4,468.")


def test_no_repeat_no_repeated_row(tmp_path):
    con = one_report(tmp_path, [(VIOLENCE, {"notices": "3"}), ("KEYWORD_OTHER", {"notices": "3"})])
    assert findings(con, "repeated_row") == []


def test_actions_above_items(tmp_path):
    con = one_report(tmp_path, [
        (MINORS, {"notices": "18", "items": "6", "terms": "8", "law": "3", "items_tf": "2", "law_tf": "2"}),
        (CSAM, {"notices": "9", "items": "3", "terms": "5", "law": "3", "items_tf": "2", "law_tf": "4"}),
        (GROOMING, {"notices": "9", "items": "3", "terms": "3", "law": "0"}),  # equal: nothing
    ])
    a = findings(con, "actions_above_items")
    assert [(f["line"], f["figure_a"], f["figure_b"], f["value_a"], f["value_b"]) for f in a] == [
        (2, "items", "terms", "6", "8"), (3, "items_tf", "law_tf", "2", "4"), (3, "items", "terms", "3", "5")]
    assert a[2]["columns"] == quoted("items", "terms")


def test_median_time_without_notices(tmp_path):
    con = one_report(tmp_path, [
        (MINORS, {"notices": "3", "median": "12.5", "notices_tf": "0", "median_tf": "0"}),
        (CSAM, {"notices": "0", "median": "12.5", "notices_tf": "0", "median_tf": "0.00"}),
        (GROOMING, {"notices": "3", "median": "12.5", "notices_tf": "0", "median_tf": ""}),
    ])
    m = findings(con, "median_time_without_notices")
    assert [(f["line"], f["figure_a"], f["figure_b"], f["value_a"], f["value_b"]) for f in m] == [
        (3, "notices", "median", "0", "12.5")]
    assert "gives 0 notices received and 12.5 as the median time to take action (no unit stated)" in m[0]["sentence"]


def test_median_equal_to_a_count(tmp_path):
    con = one_report(tmp_path, [
        (MINORS, {"notices": "92,548", "items": "238,718", "median": "98.93"}),
        (CSAM, {"notices": "92,098", "items": "238,168", "median": "238,168"}),
        (GROOMING, {"notices": "50", "items": "50", "median": "50"}),  # under 100: nothing
        ("KEYWORD_UNSAFE_CHALLENGES", {"notices": "400", "items": "500", "median": "48.18"}),
    ])
    v = findings(con, "value_not_what_column_says")
    assert [(f["line"], f["figure_a"], f["figure_b"], f["value_a"], f["value_b"]) for f in v] == [
        (3, "median", "items", "238,168", "238,168")]


def test_rows_not_in_the_template(tmp_path):
    con = one_report(tmp_path, [
        ("STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS", {"notices": "22,825"}),
        ("KEYWORD_OTHER_PRIVACY", {"notices": "22,825", "other": "Added category to record privacy notices."}),
        ("KEYWORD_OTHER_DATA_PROTECTION", {}),
        ("STATEMENT_CATEGORY_SCAMS_AND_FRAUD", {}),
        ("KEYWORD_OTHER_SPAM", {"median": ""}),
    ])
    nt = findings(con, "non_template_row")
    assert [(f["line"], f["row_label"], f["value_a"], f["columns"]) for f in nt] == [
        (3, "KEYWORD_OTHER_PRIVACY", "22,825", quoted("notices"))]
    assert nt[0]["sentence"] == (
        "The report gives a row KEYWORD_OTHER_PRIVACY under “Data protection and privacy violations” (line 3), which "
        "the template does not define, with 22,825 notices received. The report describes it: “Added category to "
        "record privacy notices.”")
    zero = findings(con, "non_template_rows_zero")
    assert [(f["line"], f["lines"], f["value_a"]) for f in zero] == [(4, "4 and 6", "2")]
    assert zero[0]["sentence"] == ("The report also gives 2 rows that the template does not define and that give no "
                                   "figure other than 0: KEYWORD_OTHER_DATA_PROTECTION and KEYWORD_OTHER_SPAM.")


def test_template_rows_only_give_no_non_template_finding(tmp_path):
    con = one_report(tmp_path, [(MINORS, {"notices": "1"}), (CSAM, {"notices": "1"})])
    assert findings(con, "non_template_row") == [] and findings(con, "non_template_rows_zero") == []


def test_terms_category_among_notices_is_no_finding(tmp_path):
    con = one_report(tmp_path, [
        ("STATEMENT_CATEGORY_OTHER_VIOLATION_TC", {"notices": "139233", "items": "64586"}),
        ("KEYWORD_NUDITY", {"notices": "", "items": ""}),
        ("KEYWORD_OTHER", {"notices": "139233", "items": "64586"}),
    ])
    assert findings(con) == []


def test_template_placeholder(tmp_path):
    con = one_report(tmp_path, [
        (MINORS, {"notices": "7"}),
        (CSAM, {"notices": "YYYY-MM-DD", "terms": "{{Other}}"}),
        (GROOMING, {"notices": "7"}),
    ])
    p = findings(con, "template_placeholder")
    assert [(f["file"], f["line"], f["lines"], f["row_label"], f["value_a"], f["columns"]) for f in p] == [
        ("dsa_reports/r1/t4.csv", 3, "3", CSAM, "YYYY-MM-DD", quoted("notices", "terms"))]
    assert p[0]["sentence"] == (
        "In the row “Child sexual abuse material” under “Protection of minors” (line 3), the report gives "
        f"'YYYY-MM-DD' in column '{HEADER['notices']}', '{{{{Other}}}}' in column '{HEADER['terms']}' instead of a "
        "number; this site leaves the row out of its figures.")
    assert (p[0]["platform_id"], str(p[0]["published"]), p[0]["doc_url"]) == ("x", "2026-03-02", "https://example.org/report")
    assert findings(con, "keywords_not_adding_up") == []


def test_a_keyword_row_set_aside_counts_as_empty_cells(tmp_path):
    con = one_report(tmp_path, [
        (MINORS, {"notices": "14", "items": "5"}),
        (CSAM, {"notices": "[number]"}),  # set aside: its 7 notices are not known
        (GROOMING, {"notices": "7", "items": "9"}),
    ])
    kw = findings(con, "keywords_not_adding_up")
    assert [(f["figure_a"], f["value_a"], f["value_b"]) for f in kw] == [("items", "5", "9")]  # notices 7 < 14: none
    assert kw[0]["sentence"].endswith("This site leaves out the keyword row at line 3 (a template placeholder "
                                      "instead of a number).")
    assert [f["line"] for f in findings(con, "template_placeholder")] == [3]


def test_editions_previous_held_and_reissue(tmp_path):
    raw = tmp_path / "raw"
    first = write_report(raw, "a", [(MINORS, {"notices": "1"})], start="2025-07-01", end="2025-12-31",
                         published="2026-02-28", previous="2025-08-29")
    second = write_report(raw, "b", [(MINORS, {"notices": "1"})], start="2026-01-01", end="2026-06-30",
                          published="2026-08-28", previous="2026-02-28")
    again = write_report(raw, "c", [(MINORS, {"notices": "2"})], start="2026-01-01", end="2026-06-30",
                         published="2026-09-15", previous="2026-02-28")
    none = write_report(raw, "d", [(MINORS, {"notices": "1"})], service="TikTok", published="2026-02-27",
                        previous=None)
    con = build(tmp_path, [first, second, again, none])
    ed = {r["release_id"]: r for r in rows(con, "SELECT * FROM dsa_report_editions")}
    a, b = ed["dsa_reports-x-2025H2-published-2026-02-28"], ed["dsa_reports-x-2026H1-published-2026-08-28"]
    c, d = ed["dsa_reports-x-2026H1-published-2026-09-15"], ed["dsa_reports-tiktok-2025H2-published-2026-02-27"]
    assert (a["previous_held"], a["previous_release_id"], a["reissue_of"]) == (False, None, None)
    assert "holds no DSA transparency report of X published that day (it predates the earliest report of X" in a["sentence"]
    assert (b["previous_held"], b["previous_release_id"], b["reissue_of"]) == (True, a["release_id"], None)
    assert (c["previous_held"], c["reissue_of"]) == (True, b["release_id"])
    assert c["sentence"].endswith("This site also holds an earlier report of X for January to June 2026, "
                                  "published 28 August 2026.")
    assert (d["previous_published"], d["previous_held"], d["platform_id"]) == (None, None, "tiktok")
    assert d["sentence"].endswith(": its table 1 gives no date for a previous report.")
