"""The platforms' own DSA transparency reports in the say-vs-do evidence (test
'dsa_notices_and_actions' of data/taxonomy/verdict_tests.csv, evidence 'own_report'; mart
claim_dsa_evidence; site_builder.pages.claims.dsa_item / dsa_flags): which statements get which
rows of table 4, the sentence written from a row, the two flags, and the rule that the
platform's own figures never decide or change a verdict. On a warehouse built from the
committed data (warehouse.load + run_models), and on synthetic rows added to a copy of it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from conftest import REPO
from site_builder import settings, warehouse
from site_builder.pages.claims import dsa_flags, dsa_item, dsa_notes
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
    con = duckdb.connect()
    con.execute(f"ATTACH '{built}' AS w (READ_ONLY)")
    for t in TABLES:
        con.execute(f"CREATE TABLE {t} AS SELECT * FROM w.{t}")
    con.execute("DETACH w")
    con.execute("INSERT INTO platforms (platform_id, name, kind) VALUES ('testplat', 'Testplat', 'platform')")
    yield con
    con.close()


def run_marts(con) -> None:
    for name in MARTS:
        sql = (settings.SQL_DIR / "marts" / f"{name}.sql").read_text(encoding="utf-8")
        con.execute(f"CREATE OR REPLACE TABLE {name} AS {sql}")


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
    assert item["text"] == (
        "X's own DSA report for July to December 2025 (EU) gives 62,149 notices of illegal incitement to violence "
        "and hatred based on protected characteristics (hate speech) received in total and 324 from trusted "
        "flaggers, naming 80,211 items of information (809 in trusted flaggers' notices); 29,266 actions on the "
        "basis of the law and 32,049 on the basis of its terms and conditions (208 and 113 on trusted flaggers' "
        "notices); median time to take action 3 hours (2 on trusted flaggers' notices)")
    assert item["tail"] == ("; actions per item notified: 0.76 (actions on the basis of the law and of the terms and "
                            "conditions, divided by the 80,211 items notified)")
    html = str(link_numbers(item["text"], item["rows"]))
    url = x[0]["number_url"]
    for n in ("62,149", "324", "80,211", "809", "29,266", "32,049", "208", "113"):
        assert f'href="{url}" title="dsa_reports/x-2025h2-4_notices.csv line 41 (KEYWORD_HATE_SPEECH)" ' \
               f'rel="noopener">{n}</a>' in html
    assert item["flag"] is None
    # Facebook: 0 notices in total but 47 from trusted flaggers, stated as published, with the note once
    fb = [dsa_item(_Ctx(), r) for r in rows(con, "SELECT * FROM claim_dsa_evidence WHERE claim_id = 'claim-cfe3789cf2' "
                                                  "ORDER BY period_end")]
    assert "gives 0 notices of illegal incitement" in fb[0]["text"] and "and 47 from trusted flaggers" in fb[0]["text"]
    assert "(0 and 35 on trusted flaggers' notices)" in fb[0]["text"]
    assert fb[0]["tail"] == ("; actions per item notified: none can be computed, as the report gives 0 items "
                             "notified in total")
    notes = dsa_notes(fb)
    assert notes[0].startswith("Notices, items of information and actions are different units")
    assert any(n.startswith("Facebook gives more notices from trusted flaggers than notices received in total")
               for n in notes)
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
    assert "X&#39;s own DSA report for July to December 2025 (EU) gives" in x
    assert "x-2025h2-4_notices.csv line 58 (KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL)" in x
    assert "#L58" in x
