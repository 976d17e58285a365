"""The finding renderer: qualifiers stay with their numbers, comparisons across a break carry
the break's caveat in the same sentence, comparisons of unlike units are refused, and chart
rows say which break applies to them."""

from __future__ import annotations

from datetime import date

import pytest

from site_builder.errors import BuildError
from site_builder.findings import Break, Finding, Writer

BUNDLING = Break("ncmec_bundling_2024", date(2024, 1, 1), None, ("ncmec_esp",), ("*",), ("*",),
                 "NCMEC started bundling duplicate reports (2024)", "2024 counts are not comparable with earlier years",
                 "2024 counts are bundled")
COMBINED = Break("combined_tiktok_2020", date(2020, 1, 1), date(2020, 12, 31), ("ncmec_esp",), ("tiktok",), ("*",),
                 "combined 2020 line", "2020 combines related companies")
W = Writer([BUNDLING, COMBINED], {"US": "the United States", "CA": "Canada"})


def row(value, year, platform="x", **kw):
    r = {"value": value, "period": str(year), "period_start": f"{year}-01-01", "period_end": f"{year}-12-31",
         "platform_label": platform, "platform_id": platform, "source_id": "ncmec_esp",
         "policy_area": "child_sexual_exploitation", "unit_display": "reports", "unit_kind": "count",
         "metric_id": "ncmec_reports_received", "geography": "global", "qualifier": "", "value_status": "reported",
         "metric_label": "reports"}
    r.update(kw)
    return r


def test_a_comparison_across_a_break_carries_its_caveat_in_the_same_sentence():
    f = Finding("change", "NCMEC counted {a.n} reports from X in {a.period}, against {b.n} in {b.period}",
                {"a": W.fact(row(686176, 2024), style="count"), "b": W.fact(row(870503, 2023), style="count")})
    out = W.write(f)
    assert out.text == ("NCMEC counted 686,176 reports from X in 2024, against 870,503 in 2023 "
                        "(2024 counts are not comparable with earlier years).")
    assert out.verdict == "across_break" and out.breaks == (BUNDLING,)
    assert [r["value"] for r in out.rows] == [686176, 870503]


def test_a_comparison_within_one_stretch_has_no_caveat():
    out = W.write(Finding("change", "{a.n} in {a.period} against {b.n} in {b.period}",
                          {"a": W.fact(row(2, 2023)), "b": W.fact(row(1, 2022))}))
    assert out.text == "2 in 2023 against 1 in 2022." and out.verdict == "comparable"


def test_a_closed_stretch_is_crossed_only_by_comparisons_into_or_out_of_it():
    tk = {y: W.fact(row(v, y, platform="tiktok")) for y, v in ((2019, 596), (2020, 22692), (2021, 154618))}
    assert W.crossed([tk[2019], tk[2021]]) == ()          # both outside the combined 2020 line
    assert W.crossed([tk[2020], tk[2021]]) == (COMBINED,)


def test_place_task_and_bound_are_never_dropped():
    us = W.fact(row(5175233, 2024, platform="snapchat", geography="US"), style="count")
    human = W.fact(row(98.5, 2022, platform="tiktok", unit_kind="percent", source_id="tiktok_cge",
                       metric_label="Proactive removal rate (task_type: Human moderation)"))
    bound = W.fact(row(0.05, 2025, platform="instagram", unit_kind="percent", qualifier="upper_bound"))
    out = W.write(Finding("levels", "{us.n} reports; {h}; {b.n}", {"us": us, "h": human, "b": bound}))
    assert out.text == "5,175,233 (in the United States) reports; 98.5% (human moderation); at most 0.05%."


def test_values_that_are_not_numbers_are_written_as_published():
    f = W.fact(row(None, 2023, value_status="not_numeric", value_as_published="approximately 4%"))
    assert W.write(Finding("level", "{x}", {"x": f})).text == "approximately 4% (as published) reports."


def test_ranking_facts_of_different_units_is_refused():
    a = W.fact(row(10, 2023))
    b = W.fact(row(20, 2023, unit_display="accounts", metric_id="accounts_actioned"))
    with pytest.raises(BuildError, match="different units"):
        W.write(Finding("ranking", "{a} then {b}", {"a": a, "b": b}))
    assert W.write(Finding("pair", "{a} and {b}", {"a": a, "b": b})).text == "10 reports and 20 accounts."


def test_a_template_naming_an_unknown_fact_is_refused():
    with pytest.raises(BuildError, match="no fact of that name"):
        Finding("level", "{missing}", {})


def test_descriptions_describe_each_stretch_between_breaks_on_its_own():
    facts = [W.fact(row(v, y), style="count") for y, v in ((2022, 98050), (2023, 870503), (2024, 686176))]
    text = W.describe("X", facts).text
    assert text == ("X: 2 periods from 2022 to 2023; highest 870,503 reports in 2023, lowest 98,050 reports in 2022, "
                    "latest 870,503 reports in 2023. X, after NCMEC started bundling duplicate reports (2024): "
                    "686,176 reports in 2024.")


def test_chart_rows_name_their_break_and_are_cut_into_stretches():
    from site_builder.pages.figs import mark_breaks

    class Ctx:
        writer = W

    rows = [dict(row(v, y), series="X") for y, v in ((2023, 870503), (2024, 686176))]
    drawn = mark_breaks(Ctx(), rows)
    assert drawn == [BUNDLING.label]
    assert [r["comparability_break"] for r in rows] == ["", BUNDLING.label]
    assert [r["after_break"] for r in rows] == [False, True]
    assert rows[0]["segment"] != rows[1]["segment"]


def test_the_built_charts_break_their_lines_and_name_the_break_in_the_csv(built_site):
    import csv
    import json

    figs = built_site / "site" / "figures" / "platforms-x"
    rows = list(csv.DictReader((figs / "x-ncmec.csv").open(encoding="utf-8")))
    by_year = {r["period"]: r["comparability_break"] for r in rows}
    # 2023 follows NCMEC's split into a Twitter and an X Corp line; 2024 follows the bundling
    assert by_year["2022"] == "" and by_year["2023"] == "NCMEC's two lines for Twitter and X Corp (2023)"
    assert by_year["2024"] == BUNDLING.label
    spec = json.dumps(json.loads((figs / "x-ncmec.vl.json").read_text(encoding="utf-8")))
    assert '"detail": {"field": "segment"' in spec        # one line per stretch between breaks
    assert '"filled": false' in spec                        # points after the break drawn hollow


def test_titles_carry_the_short_caveat_and_trends_stay_within_a_stretch():
    facts = [W.fact(row(v, y)) for y, v in ((2021, 86666), (2022, 98050), (2023, 870503), (2024, 686176))]
    trend = W.trend("NCMEC's count of reports from X", facts[:3])
    assert W.title(trend) == "NCMEC's count of reports from X rose nearly ninefold from 98,050 in 2022 to 870,503 in 2023"
    # only the latest stretch: 2024 stands alone after the break, so there is no trend to state
    # (a trend ending in 2023 would be stale next to the 2024 figure)
    assert W.trend("X", facts) is None
    across = Finding("change", "{a.n} in {a.period} against {b.n} in {b.period}", {"a": facts[3], "b": facts[2]})
    assert W.title(across) == "686,176 in 2024 against 870,503 in 2023 (2024 counts are bundled)"


def test_growth_words():
    from site_builder.findings import growth
    assert [growth(r) for r in (1.4, 2.0, 8.88, 3.3)] == ["by 40%", "twofold", "nearly ninefold", "more than threefold"]
