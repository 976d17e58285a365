"""Coverage tells "not published" from "not collected here": on a tiny curated series with
holes and a data/coverage_checks.csv written by each test, every missing period gets one of
three states (published but not collected here, checked and not published, not checked), a
gap is "not published" only where a check says so, checks that contradict a figure or name
unknown ids are refused, and the coverage page and platform pages use the words."""

import csv
from pathlib import Path

import duckdb
import pytest

from conftest import make_data_dir
from site_builder import render, warehouse
from site_builder.ingest import ingest_curated
from site_builder.pages import coverage, platforms
from site_builder.pages.common import Ctx
from site_builder.warehouse import COVERAGE_CHECK_COLUMNS

COMMON = ["platform", "period_start", "period_end", "policy_area", "metric", "value", "unit", "source_url",
          "source_title", "retrieved_from", "note"]
QUARTERS = [("2020-01-01", "2020-03-31"), ("2020-10-01", "2020-12-31"), ("2021-07-01", "2021-09-30")]
PUBLISHED = {"platform_id": "youtube", "source_id": "youtube_cge", "policy_area": "*", "metric_id": "content_actioned",
             "period_start": "2020-04-01", "period_end": "2020-09-30", "state": "published",
             "where_url": "https://example.org/yt-2020", "where_title": "YouTube report, 2020",
             "checked_by": "a test", "evidence": "fixture", "note": "Synthetic."}
NOT_PUBLISHED = {"platform_id": "youtube", "source_id": "youtube_cge", "policy_area": "*", "metric_id": "*",
                 "period_start": "2021-01-01", "period_end": "2021-03-31", "state": "not_published",
                 "checked_on": "2025-02-03", "checked_by": "a test", "evidence": "fixture"}


def write_checks(data: Path, checks: list[dict]) -> None:
    with (data / "coverage_checks.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=COVERAGE_CHECK_COLUMNS, lineterminator="\n")
        w.writeheader()
        for c in checks:
            w.writerow(c)


@pytest.fixture
def data(tmp_path) -> Path:
    """YouTube videos removed in 2020Q1, 2020Q4 and 2021Q3: 2020Q2, 2020Q3, 2021Q1 and 2021Q2 missing."""
    data = make_data_dir(tmp_path / "d", curated={"youtube_cge.csv": {
        "source_id": "youtube_cge", "role": "facts", "edition": "test", "geography": "global"}})
    cur = tmp_path / "curated"
    cur.mkdir()
    with (cur / "youtube_cge.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=COMMON, lineterminator="\n")
        w.writeheader()
        for s, e in QUARTERS:
            w.writerow({"platform": "YouTube", "period_start": s, "period_end": e, "policy_area": "Child safety",
                        "metric": "videos removed", "value": "100", "unit": "videos",
                        "source_url": "https://example.org/doc", "source_title": "Synthetic document",
                        "retrieved_from": "test", "note": ""})
    ingest_curated(cur, data)
    return data


def warehouse_for(data: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    warehouse.load(con, data)
    warehouse.run_models(con)
    return con


def gap_states(con) -> dict[str, str]:
    return {str(s): state for s, state in con.execute(
        "SELECT period_start, state FROM coverage_gaps WHERE platform = 'youtube' ORDER BY 1").fetchall()}


def test_each_missing_period_gets_the_state_its_check_gives(data):
    write_checks(data, [PUBLISHED, NOT_PUBLISHED])
    con = warehouse_for(data)
    assert warehouse.run_checks(con) == []
    assert gap_states(con) == {"2020-04-01": "published_not_collected", "2020-07-01": "published_not_collected",
                               "2021-01-01": "not_published", "2021-04-01": "not_collected"}
    row = con.execute("SELECT where_url, checked_on FROM coverage_gaps WHERE period_start = '2021-01-01'").fetchone()
    assert row[0] == "" and str(row[1]) == "2025-02-03"


def test_without_a_check_no_gap_is_not_published(data):
    con = warehouse_for(data)  # no data/coverage_checks.csv at all
    assert set(gap_states(con).values()) == {"not_collected"}
    write_checks(data, [])
    assert set(gap_states(warehouse_for(data)).values()) == {"not_collected"}


def test_checks_that_contradict_a_figure_or_name_unknown_ids_are_refused(data):
    write_checks(data, [{**NOT_PUBLISHED, "period_start": "2020-01-01", "period_end": "2020-03-31"},
                        {**PUBLISHED, "platform_id": "yutube"}, {**PUBLISHED, "metric_id": "videos"},
                        {**PUBLISHED, "period_end": "2020-13-01"}, {**PUBLISHED, "evidence": ""},
                        {**PUBLISHED, "state": "maybe"}])
    failed = {f.check: f for f in warehouse.run_checks(warehouse_for(data))}
    problems = {(loc, p) for _, loc, p in failed["coverage_checks_valid"].rows}
    assert ("line 2", "says not published, but this site holds 100 at curated/youtube_cge.csv line 2") in problems
    assert ("line 3", "unknown platform id 'yutube'") in problems
    assert ("line 4", "unknown metric id 'videos' (or * for every metric)") in problems
    assert any(loc == "line 5" and "must be ISO dates" in p for loc, p in problems)
    assert ("line 6", "a check needs checked_by (who or what established it) and its evidence") in problems
    assert ("line 7", "state 'maybe' is not published or not_published") in problems


def test_coverage_page_words(data):
    write_checks(data, [PUBLISHED, NOT_PUBLISHED])
    ctx = Ctx(warehouse_for(data))
    rows = coverage._prepare(ctx)
    fam = next(r for r in rows if r["platform_id"] == "youtube" and r["metric_id"] == "content_actioned")
    assert [g.text for g in fam["gap_states"]] == [
        "published, not collected here: 2020Q2 to 2020Q3 (see YouTube report, 2020, https://example.org/yt-2020)",
        "not published: 2021Q1 (checked on 2025-02-03 in a test)",
        "not collected here: 2021Q2 (not checked whether published)"]
    fig = coverage.spans_figure(ctx, rows, {"youtube"})
    assert fig.takeaway.endswith("YouTube content actioned (YouTube CGE report): 4 of 7 quarterly periods not in "
                                 "this site (2 published but not collected here, 1 not published, 1 not checked).")
    assert [r["state"] for r in fig.rows if r["label"].startswith("YouTube: Content actioned")] == [
        "published, in this site", "published, not collected here (see YouTube report, 2020, https://example.org/yt-2020)",
        "published, in this site", "not published (checked on 2025-02-03 in a test)",
        "not collected here (not checked whether published)", "published, in this site"]
    checks = ctx.query("coverage_checks_list")
    grid = coverage.not_reported(ctx, rows, ["youtube"], checks)
    cells = dict(zip(coverage.CORE, grid[0]["cells"]))
    assert [s.text for s in cells["content_actioned"]] == [
        "published, in this site: 2020Q1 to 2021Q3 (YouTube CGE report)"]
    assert [s.text for s in cells["prevalence"]] == ["not collected here (not checked whether published)"]
    assert [s.text for s in grid[0]["checked"]] == ["not published: 2021Q1 (checked on 2025-02-03 in a test)"]


def test_platform_page_cells_say_not_published_only_with_a_check(data):
    write_checks(data, [{**NOT_PUBLISHED, "metric_id": "prevalence", "policy_area": "hate_speech",
                         "period_start": "2020-01-01", "period_end": "2021-12-31", "checked_on": ""}])
    ctx = Ctx(warehouse_for(data))
    grid = platforms.gaps(ctx, ctx.points(platforms=["youtube"]), "youtube", ctx.query("coverage_checks_list"))
    cell = {(g["area"], c["metric"]): c["states"] for g in grid for c in g["cells"]}
    hate = [s.text for s in cell[("Hate speech", "Prevalence")]]
    assert hate == ["not published: Jan 2020 to Dec 2021 (according to a test; date of check not recorded)",
                    "not collected here: other periods (not checked whether published)"]
    assert [s.text for s in cell[("Child sexual exploitation", "Prevalence")]] == [
        "not collected here (not checked whether published)"]
    texts = [s.text for states in cell.values() for s in states]
    assert sum("not published" in t and not t.startswith("not collected") for t in texts) == 1
    # rendered: the words, and a link where a check gives the publisher's address
    env = render.environment()
    macro = env.from_string('{% from "partials/_coverage_state.html.j2" import states %}{{ states(s) }}')
    assert macro.render(s=cell[("Hate speech", "Prevalence")]).startswith(
        "not published: Jan 2020 to Dec 2021 (according to a test; date of check not recorded); not collected here")
    write_checks(data, [PUBLISHED])
    ctx = Ctx(warehouse_for(data))
    rows = coverage._prepare(ctx)
    fam = next(r for r in rows if r["platform_id"] == "youtube" and r["metric_id"] == "content_actioned")
    html = macro.render(s=fam["gap_states"][:1])
    assert html == ('published, not collected here: 2020Q2 to 2020Q3 (see <a href="https://example.org/yt-2020" '
                    'rel="noopener">YouTube report, 2020</a>)')


def test_area_checks_apply_to_a_series_only_when_they_can_speak_for_it(data):
    """A series counts figures of every area: one area's publication makes its period
    published; one area's absence does not make the period unpublished."""
    write_checks(data, [{**PUBLISHED, "policy_area": "child_sexual_exploitation"},
                        {**NOT_PUBLISHED, "policy_area": "hate_speech"}])
    con = warehouse_for(data)
    assert warehouse.run_checks(con) == []
    assert gap_states(con) == {"2020-04-01": "published_not_collected", "2020-07-01": "published_not_collected",
                               "2021-01-01": "not_collected", "2021-04-01": "not_collected"}
    ctx = Ctx(con)
    grid = platforms.gaps(ctx, ctx.points(platforms=["youtube"]), "youtube", ctx.query("coverage_checks_list"))
    cell = {(g["area"], c["metric"]): [s.text for s in c["states"]] for g in grid for c in g["cells"]}
    # the hate speech check is shown in hate speech cells only (every metric: '*')
    assert cell[("Hate speech", "User reports")][0] == "not published: 2021Q1 (checked on 2025-02-03 in a test)"
    assert cell[("Bullying and harassment", "User reports")] == ["not collected here (not checked whether published)"]
