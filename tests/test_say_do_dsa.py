"""The platforms' own DSA transparency reports in the say-vs-do evidence (test
'dsa_notices_and_actions' of data/taxonomy/verdict_tests.csv, evidence 'own_report'; mart
claim_dsa_evidence; site_builder.pages.claims.dsa_item / dsa_flags): which statements get which
rows of table 4, the sentence written from a row, the two flags, and the rule that the
platform's own figures never decide or change a verdict. On a warehouse built from the
committed data (warehouse.load + run_models), and on synthetic rows added to a copy of it."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from conftest import REPO, copy_tables
from conftest import run_marts as conftest_run_marts
from site_builder import settings, warehouse
from site_builder.pages.claims import dsa_flags, dsa_item, dsa_notes, dsa_source, no_action_note
from site_builder.quote import link_numbers

MARTS = ["claim_dsa_evidence", "test_results", "claim_verdict_tests", "claim_verdicts"]
TABLES = ["dsa_notice_rows", "stg_claims", "platforms", "tax_dsa_template", "tax_verdict_tests", "series", "sources",
          "tax_verdict_rules", "tax_verdicts", "claim_dsa_evidence", "test_results", "claim_verdict_tests",
          "claim_verdicts"]
# the committed statements that promise action on reports or notices and have DSA rows
PROMISING = {("claim-cfe3789cf2", "facebook"),   # EU hate speech Code: review valid notifications ... and remove
             ("claim-71d8261394", "tiktok"),     # the same commitment, TikTok
             ("claim-d251ea335b", "x"),          # the same commitment, Twitter
             ("claim-c5bf027bd8", "x")}          # 'When we are made aware of links ... they will be removed'


def rows(con, sql: str, params=None) -> list[dict]:
    cur = con.execute(sql, params or [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The warehouse of the committed data (no site)."""
    path = tmp_path_factory.mktemp("say-do-dsa") / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    warehouse.load(con, REPO / "data")
    warehouse.run_models(con)
    con.close()
    return path


@pytest.fixture
def wh(built: Path):
    """An in-memory copy of the tables the marts read, for synthetic rows."""
    con = copy_tables(built, TABLES)
    yield con
    con.close()


def run_marts(con) -> None:
    conftest_run_marts(con, MARTS)


def add_statement(con, claim_id: str, text: str, *, platform: str = "testplat", area: str = "hate_speech",
                  when: str = "2024-01-01", kind: str = "commitment") -> None:
    con.execute(
        "INSERT INTO stg_claims (claim_id, platform_ids, policy_area, evidence_areas, kind, quote, paraphrase, "
        "paraphrase_only, date) VALUES ($c, [$p], $a, [$a], $k, $q, NULL, false, CAST($d AS DATE))",
        {"c": claim_id, "p": platform, "a": area, "k": kind, "q": text, "d": when})


def add_dsa_row(con, *, notices=None, notices_tf=None, items=None, law=None, terms=None, law_tf=None, terms_tf=None,
                row_kind: str = "keyword", area: str = "hate_speech", end: str = "2025-12-31",
                release: str = "dsa_reports-testplat-2025H2-published-2026-02-28", published: str = "2026-02-28",
                code: str = "KEYWORD_HATE_SPEECH") -> None:
    con.execute(
        "INSERT INTO dsa_notice_rows (release_id, platform_id, period_start, period_end, policy_area, row_kind, code, "
        "file, line, doc_url, published, notices, notices_tf, items, law, terms, law_tf, terms_tf, time_unit) VALUES "
        "($r, 'testplat', CAST($e AS DATE) - INTERVAL 6 MONTH + INTERVAL 1 DAY, CAST($e AS DATE), $a, $k, $code, "
        "'dsa_reports/testplat-4_notices.csv', 7, 'https://github.com/o/r/blob/abc/4_notices.csv', CAST($p AS DATE), "
        "$n, $ntf, $i, $l, $t, $ltf, $ttf, 'hours')",
        {"r": release, "e": end, "a": area, "k": row_kind, "code": code, "p": published, "n": notices, "ntf": notices_tf,
         "i": items, "l": law, "t": terms, "ltf": law_tf, "ttf": terms_tf})


class _Ctx:  # dsa_item reads the platform's name from the mart row; a Ctx is only a fallback
    platforms: dict = {}


# --- the committed data --------------------------------------------------------------------------

def test_the_statements_that_promise_action_on_reports_get_their_report_rows(built):
    con = duckdb.connect(str(built), read_only=True)
    got = rows(con, "SELECT claim_id, platform_id, code, row_kind, period_end, number_url, line "
                    "FROM claim_dsa_evidence ORDER BY ALL")
    assert {(r["claim_id"], r["platform_id"]) for r in got} == PROMISING
    # keyword rows of the statement's areas only, never the category rows that contain them
    assert {r["row_kind"] for r in got} == {"keyword"}
    x_cse = {(r["code"], str(r["period_end"])) for r in got if r["claim_id"] == "claim-c5bf027bd8"}
    assert x_cse == {(c, e) for c in ("KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL", "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE",
                                      "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS") for e in ("2025-12-31", "2026-06-30")}
    hate = {(r["claim_id"], r["code"]) for r in got if r["claim_id"] != "claim-c5bf027bd8"}
    assert {c for _, c in hate} == {"KEYWORD_HATE_SPEECH"}
    # every number links to the line of the archived file
    assert all(r["number_url"].startswith("https://github.com/") and r["number_url"].endswith(f"#L{r['line']}")
               for r in got)
    con.close()


@pytest.mark.parametrize("claim_id", [
    "claim-3dbb65445e",  # Meta: 'we report it to NCMEC' (reporting to NCMEC is not acting on reports)
    "claim-533d4f5f7d",  # X: accounts 'will be reported to' NCMEC
    "claim-97f9d212e0",  # X: 'zero tolerance' (no word on reports)
    "claim-7049f7a223",  # Instagram: 'We do not allow ...'
    "claim-ed90f339e5",  # Meta's January 2025 change: 'rely on someone reporting' (a policy change, no promise)
    "claim-821ce2ab25",  # Instagram's Code commitment: no recorded date, so no half-year can follow it
])
def test_statements_that_do_not_promise_action_on_reports_get_no_dsa_evidence(built, claim_id):
    con = duckdb.connect(str(built), read_only=True)
    assert rows(con, "SELECT * FROM claim_dsa_evidence WHERE claim_id = $c", {"c": claim_id}) == []
    con.close()


def test_the_sentence_is_written_from_the_row_with_every_number_linked(built):
    con = duckdb.connect(str(built), read_only=True)
    x = rows(con, "SELECT * FROM claim_dsa_evidence WHERE claim_id = 'claim-d251ea335b' AND period_end = '2025-12-31'")
    assert len(x) == 1
    item = dsa_item(_Ctx(), x[0])
    # the report by name and date of publication, in words, outside the linked part (a day is no figure)
    assert item["lead"] == "X's DSA transparency report for July to December 2025, published 2 March 2026 (EU), gives "
    assert item["text"] == (
        "62,149 notices alleging illegal incitement to violence and hatred based on protected characteristics "
        "(hate speech) in total and 324 from trusted flaggers, naming 80,211 items of information (809 in trusted "
        "flaggers' notices); 29,266 actions on the basis of the law and 32,049 on the basis of its terms and "
        "conditions (208 and 113 on trusted flaggers' notices); median time to take action 3 hours (2 on trusted "
        "flaggers' notices), and the report's own notes on both columns say that notices on which no action was "
        "taken are left out of the median")
    assert item["sentence"] == item["lead"] + item["text"] + item["tail"]
    assert item["tail"] == ("; actions per item notified: 0.76 (actions on the basis of the law and of the terms and "
                            "conditions, divided by the 80,211 items notified)")
    html = str(link_numbers(item["text"], item["rows"]))
    url = x[0]["number_url"]
    for n in ("62,149", "324", "80,211", "809", "29,266", "32,049", "208", "113"):
        assert f'href="{url}" title="dsa_reports/x-2025h2-4_notices.csv line 41 (KEYWORD_HATE_SPEECH) – the provider' \
               f'&#39;s CSV as archived in krMaynard/dsa-transparency-data (the provider&#39;s own report page is not ' \
               f'recorded)" rel="noopener">{n}</a>' in html
    assert item["flag"] is None
    # Facebook: 0 notices in total but 47 from trusted flaggers, stated as published, with the note once
    fb = [dsa_item(_Ctx(), r) for r in rows(con, "SELECT * FROM claim_dsa_evidence WHERE claim_id = 'claim-cfe3789cf2' "
                                                  "ORDER BY period_end")]
    assert fb[0]["text"].startswith(
        "0 notices alleging illegal incitement to violence and hatred based on protected characteristics (hate "
        "speech) in total but 47 from trusted flaggers, more than the total, naming 0 items")
    assert "in total but 171 from trusted flaggers, more than the total" in fb[1]["text"]
    assert "(0 and 35 on trusted flaggers' notices)" in fb[0]["text"]
    assert fb[0]["tail"] == ("; actions per item notified: none can be computed, as the report gives 0 items "
                             "notified in total")
    notes = dsa_notes(fb)
    assert notes[0].startswith("Notices, items of information and actions are different units")
    assert any(n.startswith("Facebook gives more notices from trusted flaggers than notices received in total")
               for n in notes)
    assert not any("appear" in n for n in notes)  # stated, not explained
    assert dsa_flags(fb) == []
    con.close()


def test_tiktok_is_flagged_for_notices_without_a_count_of_actions(built):
    con = duckdb.connect(str(built), read_only=True)
    got = rows(con, "SELECT claim_id, platform_id, period_end, flag FROM claim_dsa_evidence WHERE flag IS NOT NULL "
                    "ORDER BY ALL")
    assert [(r["claim_id"], r["flag"]) for r in got] == [("claim-71d8261394", "actions_not_given")] * 2
    items = [dsa_item(_Ctx(), r) for r in rows(con, "SELECT * FROM claim_dsa_evidence "
                                                     "WHERE claim_id = 'claim-71d8261394' ORDER BY period_end DESC")]
    assert "it gives no count of actions taken on the basis of the law or of its terms and conditions " \
           "(the cells are empty)" in items[0]["text"]
    assert dsa_flags(items) == [{
        "text": "TikTok's own report gives notices received but no count of actions taken",
        "where": "illegal incitement to violence and hatred based on protected characteristics (hate speech), "
                 "July to December 2025 and January to June 2026"}]
    # ... and its verdict is what the independent tests decide (none tests it)
    v = rows(con, "SELECT verdict FROM claim_verdicts WHERE claim_id = 'claim-71d8261394'")
    assert v == [{"verdict": "not_tested"}]
    con.close()


def test_the_verdict_marts_never_read_the_platforms_own_dsa_figures():
    for name in ("test_results", "claim_verdict_tests", "claim_verdicts"):
        sql = (settings.SQL_DIR / "marts" / f"{name}.sql").read_text(encoding="utf-8")
        assert "claim_dsa_evidence" not in sql and "dsa_notice_rows" not in sql, name


# --- synthetic rows ------------------------------------------------------------------------------

def test_notices_with_zero_actions_raise_the_flag_and_leave_the_verdict_alone(wh):
    add_statement(wh, "claim-syn-act", "We review reports of hate speech and act on reports quickly.")
    add_dsa_row(wh, notices=10, notices_tf=2, items=12, law=0, terms=0, law_tf=0, terms_tf=0)
    run_marts(wh)
    ev = rows(wh, "SELECT * FROM claim_dsa_evidence WHERE claim_id = 'claim-syn-act'")
    assert [r["flag"] for r in ev] == ["notices_without_action"]
    assert ev[0]["per_item"] == 0
    item = dsa_item(_Ctx(), ev[0])
    assert dsa_flags([item])[0]["text"] == "Testplat's own report shows notices received without any action"
    assert "; actions per item notified: 0.00 (" in item["tail"]
    verdict = rows(wh, "SELECT verdict, n_tests FROM claim_verdicts WHERE claim_id = 'claim-syn-act'")
    assert verdict == [{"verdict": "not_tested", "n_tests": 0}]


def test_an_independent_verdict_stands_whatever_the_own_report_shows(wh):
    add_statement(wh, "claim-syn-both", "We do not allow hate speech and will review reports of it.")
    add_dsa_row(wh, notices=10, items=10, law=10, terms=0, law_tf=None, terms_tf=None)  # all acted on, says the platform
    wh.execute(
        "INSERT INTO series (source_id, platform_label, platform_id, policy_key, policy_area, metric_label, metric_id, "
        "period_start, period_end, geography, release_id, policy_label, value_status, value, unit, locator, "
        "source_title, conflict) VALUES "
        "('independent_tests', 'Testplat', 'testplat', 'k', 'hate_speech', 'posts reported by researchers', 'test_other', "
        "DATE '2025-01-01', DATE '2025-06-30', 'global', 'independent_tests-syn', 'synthetic', 'reported', 100, 'posts', "
        "'synthetic line', 'Synthetic test, 2025', false), "
        "('independent_tests', 'Testplat', 'testplat', 'k', 'hate_speech', 'posts acted on by platform', 'test_other', "
        "DATE '2025-01-01', DATE '2025-06-30', 'global', 'independent_tests-syn', 'synthetic', 'reported', 10, 'posts', "
        "'synthetic line', 'Synthetic test, 2025', false)")
    run_marts(wh)
    assert rows(wh, "SELECT verdict FROM claim_verdicts WHERE claim_id = 'claim-syn-both'") == [{"verdict": "contradicted"}]
    ev = rows(wh, "SELECT flag, per_item FROM claim_dsa_evidence WHERE claim_id = 'claim-syn-both'")
    assert ev == [{"flag": None, "per_item": 1.0}]
    # the same with a flag: the verdict does not move either way
    add_dsa_row(wh, notices=5, items=5, law=0, terms=0, end="2026-06-30",
                release="dsa_reports-testplat-2026H1-published-2026-08-28", published="2026-08-28")
    run_marts(wh)
    assert rows(wh, "SELECT verdict FROM claim_verdicts WHERE claim_id = 'claim-syn-both'") == [{"verdict": "contradicted"}]
    assert {r["flag"] for r in rows(wh, "SELECT flag FROM claim_dsa_evidence WHERE claim_id = 'claim-syn-both'")} == \
        {None, "notices_without_action"}


def test_which_rows_come_with_a_statement(wh):
    add_statement(wh, "claim-syn-all", "We review reports and remove what breaks the law.", area="all_policies")
    wh.execute("UPDATE stg_claims SET evidence_areas = ['all_policies', 'hate_speech'] WHERE claim_id = 'claim-syn-all'")
    add_statement(wh, "claim-syn-kw", "We review reports of hate speech.")
    add_statement(wh, "claim-syn-late", "We review reports of hate speech.", when="2026-03-15")
    add_statement(wh, "claim-syn-none", "We do not allow hate speech.")
    add_dsa_row(wh, notices=3, items=3, law=1, terms=1)                                  # keyword row
    add_dsa_row(wh, notices=30, items=30, law=5, terms=5, row_kind="total", area="all_policies", code="TOTAL")
    add_dsa_row(wh, notices=9, items=9, law=1, terms=1, row_kind="category", code="STATEMENT_CATEGORY_X")
    add_dsa_row(wh, code="KEYWORD_EMPTY")                                                # no figure at all
    run_marts(wh)
    got = rows(wh, "SELECT claim_id, code, notices FROM claim_dsa_evidence WHERE claim_id LIKE 'claim-syn-%' ORDER BY ALL")
    assert got == [{"claim_id": "claim-syn-all", "code": "TOTAL", "notices": 30.0},  # enforcement in general: TOTAL
                   {"claim_id": "claim-syn-kw", "code": "KEYWORD_HATE_SPEECH", "notices": 3.0}]  # its keyword row
    # 'claim-syn-late' was recorded after the half-year's last month; 'claim-syn-none' promises nothing about reports


def test_of_a_reissued_report_only_the_latest_edition_counts(wh):
    add_statement(wh, "claim-syn-kw", "We review reports of hate speech.")
    add_dsa_row(wh, notices=3, items=3, law=0, terms=0)
    add_dsa_row(wh, notices=4, items=4, law=2, terms=2, release="dsa_reports-testplat-2025H2-published-2026-04-01",
                published="2026-04-01")
    run_marts(wh)
    got = rows(wh, "SELECT release_id, notices, flag FROM claim_dsa_evidence WHERE claim_id = 'claim-syn-kw'")
    assert got == [{"release_id": "dsa_reports-testplat-2025H2-published-2026-04-01", "notices": 4.0, "flag": None}]


def test_the_say_vs_do_and_platform_pages_show_the_rows_and_the_flag(built_site):
    say = (built_site / "site" / "say-vs-do.html").read_text(encoding="utf-8")
    assert "TikTok&#39;s own report gives notices received but no count of actions taken" in say
    assert "This does not change the verdict" in say
    x = (built_site / "site" / "platforms" / "x.html").read_text(encoding="utf-8")
    assert "X&#39;s DSA transparency report for July to December 2025, published 2 March 2026 (EU), gives" in x
    assert ("Source: X&#39;s DSA transparency report for January to June 2026, published 31 August 2026 (EU; the "
            "provider&#39;s CSV as archived in krMaynard/dsa-transparency-data — the provider&#39;s own report page is "
            "not recorded); X&#39;s DSA transparency report for July to December 2025, published 2 March 2026 (EU; ") in x
    plain = re.sub(r"<[^>]+>", "", x)  # the numbers are links
    assert "notices alleging child sexual abuse material in total and 9 from trusted flaggers" in plain
    assert "Cases where no action was taken are excluded from the median calculation." in x
    assert "an action on the basis of the law or of the terms and conditions is not necessarily a removal" in x
    fb = re.sub(r"<[^>]+>", "", (built_site / "site" / "platforms" / "facebook.html").read_text(encoding="utf-8"))
    assert "in total but 171 from trusted flaggers, more than the total" in fb
    assert "Article 16 notices not resulting in an action taken are not included in the calculation." in fb
    assert "median time to take action 0 (" in fb and "median time to take action 0.0" not in fb
    assert "notices of illegal" not in say + plain + fb
    # the day of a date is never linked as a figure
    assert not re.search(r'rel="noopener">\d+</a> (March|February|August) 2026', say + x)
    assert "x-2025h2-4_notices.csv line 58 (KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL)" in x
    assert "#L58" in x


# --- the fact-check of the built site: source, median, actions, trusted flaggers, numbers, wording ----

def _items(con, claim_id: str) -> list[dict]:
    return [dsa_item(_Ctx(), r) for r in rows(con, "SELECT * FROM claim_dsa_evidence WHERE claim_id = $c "
                                                   "ORDER BY period_end DESC, line", {"c": claim_id})]


def test_the_report_is_named_visibly_with_its_date_and_the_copy_read(built):
    con = duckdb.connect(str(built), read_only=True)
    x = _items(con, "claim-c5bf027bd8")
    assert dsa_source(x) == (
        "Source: X's DSA transparency report for January to June 2026, published 31 August 2026 (EU; the provider's "
        "CSV as archived in krMaynard/dsa-transparency-data — the provider's own report page is not recorded); X's "
        "DSA transparency report for July to December 2025, published 2 March 2026 (EU; the provider's CSV as "
        "archived in krMaynard/dsa-transparency-data — the provider's own report page is not recorded). Each number "
        "links to the line of the file it was read from.")
    fb = _items(con, "claim-cfe3789cf2")
    assert ("Facebook's DSA transparency report for July to December 2025, published 28 February 2026 (EU; the "
            "provider's CSV as archived in krMaynard/dsa-transparency-data — the provider's own report page is not "
            "recorded)") in dsa_source(fb)
    for i in x + fb:  # dates in words, never ISO; the date is outside the linked numbers
        assert not re.search(r"\d{4}-\d\d", i["sentence"] + dsa_source([i])), i["sentence"]
        html = str(link_numbers(i["text"], i["rows"]))
        assert "published" not in html
    con.close()


def test_a_median_carries_the_providers_own_note_on_what_it_leaves_out(built):
    con = duckdb.connect(str(built), read_only=True)
    said = "the report's own notes on both columns say that notices on which no action was taken are left out"
    x = _items(con, "claim-c5bf027bd8")
    assert all(said in i["text"] for i in x)
    assert ("X's report, in its own note on the columns ‘Median time to take action’ and ‘Median time to take action "
            "(Trusted Flagger notices)’: “Cases where no action was taken are excluded from the median calculation.”"
            ) in dsa_notes(x)
    fb = _items(con, "claim-cfe3789cf2")
    assert all("the report's own note on the column says that notices on which no action was taken are left out"
               in i["text"] for i in fb)
    assert ("Facebook's report, in its own note on the column ‘Median time to take action’: “Article 16 notices not "
            "resulting in an action taken are not included in the calculation.”") in dsa_notes(fb)
    # TikTok's note on the column says no such thing: nothing is said for it
    tt = _items(con, "claim-71d8261394")
    assert all("median time to take action" in i["text"] and "left out" not in i["text"] for i in tt)
    assert not any("note on the column" in n for n in dsa_notes(tt))
    # the note is read from the data, not written in: the pattern, on the providers' own words
    assert no_action_note("Median ... (case closure). Cases where no action was taken are excluded from the median "
                          "calculation. ") == "Cases where no action was taken are excluded from the median calculation."
    assert no_action_note("Median times can only be calculated at total level") == ""
    assert no_action_note(None) == ""
    con.close()


def test_a_note_without_the_caveat_adds_nothing(wh):
    add_statement(wh, "claim-syn-med", "We review reports of hate speech.")
    add_dsa_row(wh, notices=10, notices_tf=2, items=12, law=3, terms=4, law_tf=1, terms_tf=0)
    wh.execute("UPDATE dsa_notice_rows SET median = 1.5, median_published = '1.50', median_tf = 2, "
               "median_tf_published = '2.0' WHERE platform_id = 'testplat'")
    run_marts(wh)
    ev = rows(wh, "SELECT * FROM claim_dsa_evidence WHERE claim_id = 'claim-syn-med'")
    item = dsa_item(_Ctx(), ev[0])
    # decimals exactly as published, whole numbers without decimals, as the tables write them
    assert "median time to take action 1.50 hours (2 on trusted flaggers' notices)" in item["text"]
    assert "left out" not in item["text"] and not any("note on the column" in n for n in dsa_notes([item]))
    # with the caveat on the TOTAL row's note of the same report, it is said
    add_dsa_row(wh, notices=100, items=100, law=10, terms=10, row_kind="total", area="all_policies", code="TOTAL")
    wh.execute("UPDATE dsa_notice_rows SET median_tf_note = 'Notices without any action are not counted.' "
               "WHERE platform_id = 'testplat' AND row_kind = 'total'")
    run_marts(wh)
    ev = rows(wh, "SELECT * FROM claim_dsa_evidence WHERE claim_id = 'claim-syn-med'")
    item = dsa_item(_Ctx(), ev[0])
    assert item["text"].endswith(", and the report's own note on the trusted flaggers' column says that notices on "
                                 "which no action was taken are left out of the median")
    assert "Testplat's report, in its own note on the column ‘Median time to take action (Trusted Flagger notices)’: " \
           "“Notices without any action are not counted.”" in dsa_notes([item])


def test_an_action_is_not_said_to_be_a_removal_once_per_statement(built):
    con = duckdb.connect(str(built), read_only=True)
    x = _items(con, "claim-c5bf027bd8")
    assert "actions per item notified: 0.36 (" in x[0]["tail"]
    said = [n for n in dsa_notes(x) if "does not define the kind of action taken" in n]
    assert said == ["The template does not define the kind of action taken (the providers' own notes on the columns "
                    "say what they count): an action on the basis of the law or of the terms and conditions is not "
                    "necessarily a removal."]
    # TikTok gives no count of actions: nothing to say about their kind
    assert not any("kind of action" in n for n in dsa_notes(_items(con, "claim-71d8261394")))
    con.close()


def test_more_notices_from_trusted_flaggers_than_in_total_is_stated_in_the_sentence(wh):
    add_statement(wh, "claim-syn-tf", "We review reports of hate speech.")
    add_dsa_row(wh, notices=0, notices_tf=171, items=0, law=0, terms=0, law_tf=0, terms_tf=5)
    add_dsa_row(wh, notices=1200, notices_tf=3, items=1500, law=10, terms=20, row_kind="total", area="all_policies",
                code="TOTAL")
    wh.execute("UPDATE stg_claims SET policy_area = 'all_policies', evidence_areas = ['all_policies'] "
               "WHERE claim_id = 'claim-syn-tf'")
    add_statement(wh, "claim-syn-tf2", "We review reports of hate speech.")
    run_marts(wh)
    total = dsa_item(_Ctx(), rows(wh, "SELECT * FROM claim_dsa_evidence WHERE claim_id = 'claim-syn-tf'")[0])
    assert total["text"].startswith("1,200 notices received in all categories in total and 3 from trusted flaggers, ")
    kw = dsa_item(_Ctx(), rows(wh, "SELECT * FROM claim_dsa_evidence WHERE claim_id = 'claim-syn-tf2'")[0])
    assert kw["text"].startswith("0 notices alleging illegal incitement to violence and hatred based on protected "
                                 "characteristics (hate speech) in total but 171 from trusted flaggers, more than the "
                                 "total, naming 0 items")
    assert kw["lead"] == "Testplat's DSA transparency report for July to December 2025, published 28 February 2026 (EU), gives "


def test_numbers_are_written_as_the_tables_write_them(built):
    from site_builder.pages.dsa import notice_rows

    con = duckdb.connect(str(built), read_only=True)
    fb = rows(con, "SELECT * FROM claim_dsa_evidence WHERE claim_id = 'claim-cfe3789cf2' ORDER BY period_end")
    assert fb[0]["median_published"] == "0.0"
    item = dsa_item(_Ctx(), fb[0])
    assert "median time to take action 0 (3.9 on trusted flaggers' notices" in item["text"]
    assert "0.0" not in item["text"]

    class Ctx:
        def query(self, name, **params):
            sql = (settings.SQL_DIR / "queries" / f"{name}.sql").read_text(encoding="utf-8")
            return rows(con, sql, params)

    table = {(r["release_id"], r["line"]): r for r in notice_rows(Ctx(), None, ["hate_speech", "child_sexual_exploitation"], False)}
    for claim in ("claim-cfe3789cf2", "claim-c5bf027bd8", "claim-71d8261394"):
        for r in rows(con, "SELECT * FROM claim_dsa_evidence WHERE claim_id = $c", {"c": claim}):
            t, text = table[(r["release_id"], r["line"])], dsa_item(_Ctx(), r)["text"]
            for key in ("notices", "notices_tf", "items", "items_tf", "median", "median_tf"):
                assert t[f"{key}_text"] in text, (claim, key, t[f"{key}_text"])
    # thousands separators for counts, even where the provider's file has none (TikTok)
    assert "145,438 notices alleging" in _items(con, "claim-71d8261394")[0]["text"]
    con.close()


def test_notices_are_said_to_allege_the_area(built):
    con = duckdb.connect(str(built), read_only=True)
    for claim in ("claim-cfe3789cf2", "claim-c5bf027bd8", "claim-71d8261394", "claim-d251ea335b"):
        for i in _items(con, claim):
            assert " notices alleging " in i["text"] and "notices of " not in i["sentence"]
    con.close()
