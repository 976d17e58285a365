"""The section "Statements of reasons in the EU DSA Transparency Database" of the platform and
topic pages (site_builder/pages/sor.py, sor_recon.py, sor_sections.py; marts sor_figures and
sor_reconciliation): built from synthetic monthly counts (source dsa_sor, as the adapter writes
them) added to a copy of the warehouse of the committed data, and on the real build, where the
site holds only the hand-transcribed aggregates (dsa_tdb) and no month of the half-years of the
harmonised reports."""

from __future__ import annotations

import calendar
import csv
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest

from conftest import REPO, copy_tables, run_marts
from site_builder import render, warehouse
from site_builder.pages import sor, sor_recon, sor_sections
from site_builder.pages.common import Ctx

MARTS = ["sor_figures", "sor_reconciliation"]
TABLES = ["fct_observations", "releases", "sources", "platforms", "policy_areas", "metrics", "tax_metric_definitions",
          "tax_breaks", "tax_geo_names", "tax_label_names", "tax_note_rewrites", "tax_sor_subjects", "tax_sor_measures",
          "tax_sor_caveats", "tax_policy_labels", "tax_metric_labels", "tax_palette", "tax_dsa_template",
          "dsa_notice_rows", "annotations"]
REPORT_URL = "https://github.com/o/r/blob/abc/4_notices.csv"
ALL, MINORS, CSAM = "ALL categories", "STATEMENT_CATEGORY_PROTECTION_OF_MINORS", "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL"
N = "statements of reasons"
MINE = "FROM sor_reconciliation WHERE platform_id = 'testplat'"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The warehouse of the committed data (no site)."""
    path = tmp_path_factory.mktemp("sor-pages") / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    warehouse.load(con, REPO / "data")
    warehouse.run_models(con)
    con.close()
    return path


@pytest.fixture
def wh(built: Path):
    con = copy_tables(built, TABLES)
    yield con
    con.close()


def _month(month: str) -> tuple[date, date]:
    y, m = map(int, month.split("-"))
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def add_sor(con, month: str, policy: str, metric: str, value: float, *, read: int | None = None,
            platform: tuple[str, str] = ("Testplat", "testplat")) -> None:
    """One monthly count as the adapter writes it (data/observations/dsa_sor.csv), typed as in
    fct_observations, with its release (one per month)."""
    start, end = _month(month)
    days = end.day
    read = days if read is None else read
    release = f"dsa_sor-global-{month}"
    pol = con.execute("SELECT policy_key, policy_area FROM tax_policy_labels WHERE source_id = 'dsa_sor' AND label = ?",
                      [policy]).fetchone()
    met = con.execute("SELECT metric_key, metric_id FROM tax_metric_labels WHERE source_id = 'dsa_sor' AND label = ?",
                      [metric]).fetchone()
    assert pol and met, (policy, metric)
    locator = (f"sor-global-{month}-01-full.zip … sor-global-{month}-{days}-full.zip ({read} daily dumps; sha1 of each "
               "in data/catalog/dsa_sor_days.csv)")
    note = f"{read} of the {days} daily dumps of the month were read" if read < days else None
    con.execute(
        "INSERT INTO fct_observations (source_id, release_id, release_kind, precedence, edition, edition_end, snapshot, "
        "platform_label, platform_id, policy_label, policy_key, policy_area, metric_label, metric_key, metric_id, "
        "qualifier, qualifier_word, period_start, period_end, geography, geo_code, value_status, value, "
        "value_as_published, unit, unit_kind, unit_display, locator, note, doc_url, doc_number_url, doc_kind, doc_label, "
        "doc_text, traceable, superseded) VALUES ('dsa_sor', $rel, 'raw', 2, $month, $end, 'single', $pl, $pid, $pol, $pk, "
        "$pa, $met, $mk, $mid, '', '', $start, $end, 'EU', 'EU', 'reported', $v, $vp, 'SoRs', 'count', "
        "'statements of reasons', $loc, $note, 'https://transparency.dsa.ec.europa.eu/explore-data/download', NULL, "
        "'landing', 'download page of the daily dumps', NULL, true, false)",
        {"rel": release, "month": month, "end": end, "start": start, "pl": platform[0], "pid": platform[1], "pol": policy,
         "pk": pol[0], "pa": pol[1], "met": metric, "mk": met[0], "mid": met[1], "v": value, "vp": str(int(value)),
         "loc": locator, "note": note})
    if not con.execute("SELECT 1 FROM releases WHERE release_id = ?", [release]).fetchone():
        con.execute("INSERT INTO releases (release_id, source_id, edition, edition_end, kind, precedence, snapshot, title, "
                    "url, file) VALUES (?, 'dsa_sor', ?, ?, 'raw', 2, 'single', ?, "
                    "'https://transparency.dsa.ec.europa.eu/explore-data/download', ?)",
                    [release, month, end, f"DSA Transparency Database, global daily dumps of {month}",
                     f"sor-global-{month}-01-full.zip"])


def add_month(con, month: str, *, read: int | None = None, total: float = 1000, minors: float = 200, csam: float = 50,
              platform: tuple[str, str] = ("Testplat", "testplat")) -> None:
    """A month of counts: all categories, protection of minors and the CSAM keyword, each with its
    automation, notices and delay bands (the bands of each subject add up to its count)."""
    for policy, n in ((ALL, total), (MINORS, minors), (CSAM, csam)):
        for metric, share in ((N, 1), (f"{N} with automated detection", 0.8), (f"{N} with a fully automated decision", 0.5),
                              (f"{N} with a partially automated decision", 0.1), (f"{N} following a notice", 0.4),
                              (f"{N} following a trusted flagger notice", 0.05), (f"{N} on the platform's own initiative", 0.6),
                              (f"{N} decided 0 days after the content date", 0.5),
                              (f"{N} decided 1 day after the content date", 0.2),
                              (f"{N} decided 2-7 days after the content date", 0.1),
                              (f"{N} decided 8-30 days after the content date", 0.1),
                              (f"{N} decided before the content date (negative delay)", 0.06),
                              (f"{N} with an impossible content or decision date", 0.04)):
            add_sor(con, month, policy, metric, n * share, read=read, platform=platform)


def add_report_row(con, code: str, row_kind: str, *, law: float, terms: float, start: str = "2025-07-01",
                   end: str = "2025-12-31", line: int = 7) -> None:
    con.execute(
        "INSERT INTO dsa_notice_rows (release_id, platform_id, period_start, period_end, policy_area, row_kind, code, "
        "file, line, doc_url, published, law, law_header, terms, terms_header, notices, time_unit) VALUES "
        "($r, 'testplat', CAST($s AS DATE), CAST($e AS DATE), 'child_sexual_exploitation', $k, $code, "
        "'dsa_reports/testplat-4_notices.csv', $line, $url, CAST($e AS DATE) + INTERVAL 60 DAY, $law, "
        "'Number of actions taken on the basis of the law', $terms, "
        "'Number of actions taken on the basis of the terms and conditions of the service', 100, 'hours')",
        {"r": f"dsa_reports-testplat-{start[:7]}", "s": start, "e": end, "k": row_kind, "code": code, "line": line,
         "url": REPORT_URL, "law": law, "terms": terms})


def section(con, *, has_reports: bool = True) -> dict:
    run_marts(con, MARTS)
    return sor_sections.platform_section(Ctx(con), "testplat", "Testplat", "../", has_reports=has_reports)


# --- synthetic monthly counts ---------------------------------------------------------------------

def test_a_whole_half_year_is_compared_with_the_report_and_every_number_links(wh):
    for m in range(7, 13):
        add_month(wh, f"2025-{m:02d}")
    add_report_row(wh, "TOTAL", "total", law=1500, terms=700, line=5)
    add_report_row(wh, CSAM, "keyword", law=90, terms=30, line=9)
    s = section(wh)
    recon = [str(x) for x in s["reconciliation"]]
    total = next(x for x in recon if "in all categories" in x)
    # both numbers of the half-year: 6 x 1,000 statements, 6 x 400 after a notice; the report's actions
    assert total.startswith("July to December 2025: the DSA Transparency Database holds ")
    assert ">6,000</a> statements of reasons in all categories from Testplat" in total
    assert ">2,400</a> of them following a notice" in total
    assert re.search(r'href="https://github.com/o/r/blob/abc/4_notices.csv#L5" title="[^"]*line 5 column '
                     r'&#39;Number of actions taken on the basis of the law&#39;" rel="noopener">1,500</a>', total)
    assert ">700</a> on the basis of its terms and conditions (2,200 together): 200 more statements following a notice " \
           "than actions" in total
    # the sum links to the source on the Sources page, naming the monthly releases added up
    assert 'href="../sources.html#dsa_sor" title="sum of the monthly counts, releases dsa_sor-global-2025-07 to ' \
           'dsa_sor-global-2025-12"' in total
    csam = next(x for x in recon if "child sexual abuse material keyword" in x)
    assert ">300</a> statements of reasons with the child sexual abuse material keyword" in csam
    assert "for the row &#39;Child sexual abuse material (keyword)&#39;" in csam
    assert "(120 together): as many statements following a notice as actions" in csam


def test_part_of_a_half_year_gives_the_plain_not_held_sentence_and_no_sum(wh):
    for m in range(1, 5):
        add_month(wh, f"2026-{m:02d}")
    add_report_row(wh, "TOTAL", "total", law=1500, terms=700, start="2026-01-01", end="2026-06-30")
    s = section(wh)
    recon = [str(x) for x in s["reconciliation"]]
    assert recon == ["The site holds no count of Testplat's statements of reasons in all categories for the whole of "
                     "January to June 2026: it holds 4 of its 6 months (January 2026 to April 2026), so it does not "
                     "compare them with the actions in its report for that half-year."]
    got = wh.execute(f"SELECT status, sors, sors_after_notice, months_held {MINE}").fetchall()
    assert got == [("partial", None, None, 4)]


def test_a_month_not_read_from_every_daily_dump_keeps_the_half_year_from_being_compared(wh):
    for m in range(7, 13):
        add_month(wh, f"2025-{m:02d}", read=20 if m == 10 else None)
    add_report_row(wh, "TOTAL", "total", law=1500, terms=700)
    s = section(wh)
    assert wh.execute(f"SELECT status, months_held, months_complete, sors {MINE}").fetchall() == [
        ("partial", 6, 5, None)]
    recon = str(s["reconciliation"][0])
    assert recon == ("The site holds no count of Testplat's statements of reasons in all categories for the whole of "
                     "July to December 2025: it holds all 6 months, but only 5 of them were read from every daily dump, "
                     "so it does not compare them with the actions in its report for that half-year.")
    # the month says how many dumps were read wherever it is shown
    how = next(f for f in s["figures"] if f.id == "testplat-sor-how")
    assert how.rows[0]["period"] == "July to December 2025 (5 of its 6 months read from every daily dump)"
    monthly = next(f for f in s["figures"] if f.id == "testplat-sor-monthly")
    assert {r["period"] for r in monthly.rows if r["period_start"] == "2025-10-01"} == {
        "October 2025 (20 of 31 daily dumps read)"}


def test_no_month_of_the_reports_half_years_says_so_plainly(wh):
    add_month(wh, "2025-03")
    add_month(wh, "2025-04")
    add_report_row(wh, "TOTAL", "total", law=1500, terms=700)
    s = section(wh)
    assert len(s["reconciliation"]) == 1
    text = str(s["reconciliation"][0])
    assert text.startswith("The site holds no count of Testplat's statements of reasons for July to December 2025, the "
                           "half-year of its DSA transparency report held here, so it compares none")
    assert text.endswith("the statements of reasons it holds for Testplat cover March 2025 to April 2025.")
    assert not re.search(r"\d,\d{3}", text)  # no number: nothing is compared


def test_automation_and_notices_are_shares_of_the_same_platforms_statements_with_their_denominators(wh):
    for m in range(7, 13):
        add_month(wh, f"2025-{m:02d}")
    s = section(wh, has_reports=False)
    how = next(f for f in s["figures"] if f.id == "testplat-sor-how")
    rows = {r["subject"]: r for r in how.rows}
    assert set(rows) == {"all", "protection_of_minors", "csam"}
    r = rows["protection_of_minors"]
    assert r["period"] == "July to December 2025" and r["value_text"] == "1,200"
    assert r["automated_detection_text"] == "960 of 1,200 (80%)"
    assert r["fully_automated_decision_text"] == "600 of 1,200 (50%)"
    assert r["after_notice_text"] == "480 of 1,200 (40%)" and r["own_initiative_text"] == "720 of 1,200 (60%)"
    assert how.title == ("In July to December 2025, Testplat filed 1,200 statements of reasons (in the EU) about "
                         "protection of minors: 960 with automated detection and 600 with a fully automated decision")
    assert how.takeaway == ("Of these 1,200 statements of reasons (in the EU), 480 following a notice, 60 following a "
                            "trusted flagger's notice, 720 on the platform's own initiative.")
    # every count links to the Sources page (the monthly releases), never to a pooled total
    assert all(r["release_id"] == "dsa_sor" and r["doc_url"] == "" for r in how.rows)
    assert [i.release_id for s_ in how.sources for i in s_.items] == [f"dsa_sor-global-2025-{m:02d}" for m in range(7, 13)]
    assert "never of several platforms together" in how.caveat
    assert s["not_held"] == [] and s["reconciliation"] == []


def test_delays_show_negative_and_impossible_dates_apart(wh):
    for m in range(7, 13):
        add_month(wh, f"2025-{m:02d}")
    s = section(wh, has_reports=False)
    delay = next(f for f in s["figures"] if f.id == "testplat-sor-delay")
    r = next(x for x in delay.rows if x["subject"] == "all")
    assert r["delay_0_text"] == "3,000 (50%)" and r["delay_1_text"] == "1,200 (20%)"
    assert r["delay_negative_text"] == "360 (6%)" and r["date_impossible_text"] == "240 (4%)"
    headers = [c.header for c in delay.columns]
    assert headers[-2:] == ["Decided before the content date", "Impossible date"]
    assert "counted apart, in no band" in delay.takeaway
    assert "shown apart and in no band" in delay.caveat


def test_a_measure_the_database_says_was_filed_wrongly_is_withheld_or_flagged(wh):
    add_month(wh, "2025-07", platform=("Google Play", "google_play"))
    add_month(wh, "2025-07", platform=("Facebook", "facebook"))
    run_marts(wh, MARTS)
    ctx = Ctx(wh)
    rows = sor.half_rows(ctx, [r for r in sor.points(ctx, None, None)])
    play = next(r for r in rows if r["platform_id"] == "google_play" and r["subject"] == "all")
    assert play["automated_detection"] is None and play["automated_detection_text"] == "not shown"
    assert "inverted" in play["automated_detection_flag"]
    assert play["fully_automated_decision_text"] == "500 of 1,000 (50%)"  # only the flag concerned
    fb = next(r for r in rows if r["platform_id"] == "facebook" and r["subject"] == "all")
    assert fb["after_trusted_flagger_notice_text"] == "50 of 1,000 (5%) (possibly too low)"


def test_a_platform_renamed_in_the_dumps_is_one_platform(wh):
    add_month(wh, "2025-07", total=300, platform=("Amazon", "amazon"))
    add_month(wh, "2025-07", total=700, platform=("Amazon Store", "amazon"))
    run_marts(wh, MARTS)
    ctx = Ctx(wh)
    rows = sor.half_rows(ctx, sor.points(ctx, "amazon", None))
    r = next(x for x in rows if x["subject"] == "all")
    assert (r["who"], r["value_text"], r["automated_detection_text"]) == ("Amazon", "1,000", "800 of 1,000 (80%)")
    assert r["period"] == "July 2025 (1 of its 6 months held)"


def test_the_monthly_chart_draws_the_breaks_and_the_dated_changes(wh):
    for m in (5, 6, 7, 8):
        add_month(wh, f"2025-{m:02d}")
    s = section(wh, has_reports=False)
    monthly = next(f for f in s["figures"] if f.id == "testplat-sor-monthly")
    assert monthly.chart is not None
    assert {e["label"] for e in monthly.chart.kwargs["events"]} >= {"The DSA database replaces its categories and keywords"}
    # the points after the v2 vocabulary are marked, and a sentence across it carries its caveat
    assert any(r["comparability_break"] for r in monthly.rows)
    assert "Child sexual abuse material (keyword)" in {r["series"] for r in monthly.rows}


def test_the_section_renders_with_its_links_and_dated_changes(wh):
    for m in range(7, 13):
        add_month(wh, f"2025-{m:02d}")
    add_report_row(wh, "TOTAL", "total", law=1500, terms=700)
    s = section(wh)
    for f in s["figures"]:
        f.assets["csv"] = f"{f.id}.csv"
    env = render.environment()
    html = env.from_string('{% from "partials/_sor.html.j2" import sor_section %}{{ sor_section(sor, "../") }}').render(
        sor=s)
    assert "## Statements of reasons in the EU DSA Transparency Database { #dsa-sor }" in html
    assert "### Statements of reasons against Testplat&#39;s own DSA reports { #dsa-sor-reports }" in html
    assert '(<a href="#dsa-notices">above</a>)' in html
    assert 'href="https://github.com/o/r/blob/abc/4_notices.csv#L7"' in html
    # the database's announcements have no recorded address: named, never linked to the homepage
    assert "address not recorded" in html and 'href="https://transparency.dsa.ec.europa.eu/"' not in html


# --- the committed data ---------------------------------------------------------------------------

def test_the_annotations_name_the_known_breaks_without_inventing_an_address():
    with (REPO / "data" / "annotations.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if "dsa_sor" in r["sources"].split(";")]
    assert {r["date"] for r in rows} == {"2024-06-28", "2025-05-30", "2025-07-01", "2025-10-28", "2026-04-01",
                                         "2026-05-29"}
    assert all(r["source_url"].startswith("https://transparency.dsa.ec.europa.eu/ ") and "not recorded" in r["source_url"]
               for r in rows)


def test_the_real_build_shows_the_curated_figures_and_says_no_half_year_overlaps(built_site: Path):
    x = (built_site / "site" / "platforms" / "x.html").read_text(encoding="utf-8")
    part = x[x.index('id="dsa-sor"'):x.index('id="what-x-formerly-twitter-says-and-what-tests-it"')]
    assert "X filed 166,022 statements of reasons (in the EU) about protection of minors" in part
    assert "164,863</a> of them carried the child sexual abuse material keyword" in part
    # the landing page of the dumps carries no number: the figure links to its release on the Sources page
    assert re.search(r'<a class="pew-num" href="../sources.html#dsa_tdb-curated-dsa_tdb_aggregates"[^>]*>166,022</a>', part)
    assert "(end date approximate)" in part
    assert ("The site holds no count of X&#39;s statements of reasons for July to December 2025 or January to June 2026, "
            "the half-years of its DSA transparency reports held here, so it compares none") in part
    assert "This site holds no monthly count of X&#39;s statements of reasons from the database&#39;s daily dumps" in part
    cse = (built_site / "site" / "topics" / "child-sexual-exploitation.html").read_text(encoding="utf-8")
    part = cse[cse.index('id="dsa-sor"'):cse.index('id="independent-tests"')]
    assert "of the 3,957,799</a> statements of reasons" not in part  # the pooled total links to its own row
    assert re.search(r"Of the <a [^>]*>3,957,799</a> statements of reasons \(in the EU\) with the child sexual abuse "
                     r"material keyword that all platforms filed, 25 September 2023 to 25 May 2025 \(end date "
                     r"approximate\), Discord filed <a [^>]*>3,365,861</a>", part)
    assert "does not turn them into a share" in part
    assert "Facebook&#39;s, Instagram&#39;s or TikTok&#39;s statements of reasons for July to December 2025" in part
    hate = (built_site / "site" / "topics" / "hate-speech.html").read_text(encoding="utf-8")
    assert 'id="dsa-sor"' not in hate  # no count of statements of reasons about hate speech is held


def test_the_reconciliation_caveat_travels_with_the_section():
    assert "does not explain it" in sor_recon.CAVEAT
