"""One page per platform or company with enough figures (common.OWN_PAGE_MIN_FIGURES): its own
numbers in the focus areas, NCMEC's count of its reports, independent tests of it, revisions of
its past figures, and what it does not report. The All platforms page and the shared page of
the providers with fewer figures are in platform_index.py."""

from __future__ import annotations

from collections import defaultdict

from site_builder import fmt
from site_builder.figures import Column, Figure
from site_builder.findings import Finding, Written, plain_label
from site_builder.pages import dsa, platform_index, sor_sections
from site_builder.pages.claims import claim_blocks
from site_builder.pages.common import (
    OWN_PAGE_MIN_FIGURES,
    Ctx,
    Page,
    Row,
    latest,
    name_policies,
    series_label,
    short_name,
    source_refs,
    worldwide,
)
from site_builder.pages.coverage_states import IN_SITE, State, applicable, cell_states, platform_wide
from site_builder.pages.figs import bar_figure, events_for, line_figure
from site_builder.pages.health import stale_notices
from site_builder.pages.ncmec import NCMEC_COLUMNS, ncmec_rows, reconciliation_figure

FOCUS = ["child_sexual_exploitation", "child_safety_broad", "hate_speech", "hate_harassment_combined",
         "terrorism_violent_extremism", "bullying_harassment"]
CHART_METRICS = ["content_actioned", "accounts_actioned", "proactive_rate", "prevalence", "user_reports"]
CORE_METRICS = ["content_actioned", "accounts_actioned", "proactive_rate", "prevalence", "content_appealed",
                "content_restored_with_appeal", "user_reports", "ncmec_reports_disclosed"]
TEST_SOURCES = ["independent_tests", "eu_coc_hate_speech"]
# how a chart title names a measure ('Instagram's content actioned under …')
METRIC_WORDS = {"content_actioned": "content actioned", "accounts_actioned": "accounts actioned",
                "proactive_rate": "share found before any user report", "prevalence": "estimated prevalence",
                "user_reports": "user reports"}
PERCENT_METRICS = {"proactive_rate", "prevalence"}


def _series_label(r: Row) -> str:
    """The policy as last published (with earlier names, if it was renamed), bound, task and place."""
    return series_label(r, r.get("policy_display", r["policy_label"]))


def metric_charts(ctx: Ctx, pid: str, name: str, rows: list[Row]) -> list[Figure]:
    """One line chart per (own report, metric) with at least one series of 3+ published values."""
    figs = []
    own = worldwide(r for r in rows if ctx.sources[r["source_id"]]["kind"] == "platform_report"
                    and r["policy_area"] in FOCUS and r["value"] is not None)
    name_policies(own)
    for source_id in sorted({r["source_id"] for r in own}):
        for metric in CHART_METRICS:
            sel = [r for r in own if r["source_id"] == source_id and r["metric_id"] == metric]
            by_series: dict[str, list[Row]] = defaultdict(list)
            for r in sel:
                by_series[_series_label(r)].append(r)
            sel = [r for s in by_series.values() if len(s) >= 3 for r in s]
            if not sel:
                continue
            m = ctx.metrics[metric]
            pct = metric in PERCENT_METRICS
            lasts = [max(s, key=lambda r: r["period_end"]) for s in by_series.values() if len(s) >= 3]
            src_title = ctx.sources[source_id]["short"]
            w = ctx.writer
            rank = {a: i for i, a in enumerate(FOCUS)}
            top = sorted((r for r in lasts if r["period_end"] == max(x["period_end"] for x in lasts)),
                         key=lambda r: (rank.get(r["policy_area"], 99), -r["value"], _series_label(r)))[:3]
            facts = {f"s{i}": w.fact(r) for i, r in enumerate(top)}
            takeaway = w.write(Finding(
                "levels", f"In {top[0]['period']}, {short_name(name)}'s own report ({src_title}) gives {m['name'].lower()} of "
                          + "; ".join(f"{{{k}}} under '{_series_label(top[i])}'" for i, k in enumerate(facts)), facts))
            lead = by_series[_series_label(top[0])]
            trend = w.trend(f"{short_name(name)}'s {METRIC_WORDS.get(metric, m['name'].lower())} under '{_series_label(top[0])}'",
                            [w.fact(r) for r in lead])
            figs.append(line_figure(
                ctx, id=f"{pid}-{source_id}-{metric}".replace("_", "-"), rows=[dict(r) for r in sel],
                title=w.title(trend) if trend else f"{name}: {m['name'].lower()} in the focus areas ({src_title})",
                series_of=_series_label, y_title=f"{m['name']} ({sel[0]['unit_display']})",
                y_format=".2~f" if pct else "~s", takeaway=takeaway, y_zero=not pct,
                caveat=m["definition"],
                events=events_for(ctx, sources=[source_id], platforms=[pid], areas=FOCUS),
            ))
    return figs


def snapshot_chart(ctx: Ctx, pid: str, name: str, rows: list[Row], charted: set[str]) -> Figure | None:
    """For a platform's own report without a time series: its latest period's counts per
    focus policy, one bar per published metric (reports, accounts, posts...)."""
    own = [r for r in rows if ctx.sources[r["source_id"]]["kind"] == "platform_report" and r["source_id"] not in charted
           and r["policy_area"] in FOCUS and r["value"] is not None and r["unit_kind"] == "count"
           and r["metric_id"] in ("user_reports", "accounts_actioned", "content_actioned")]
    if not own:
        return None
    # the latest period: the one ending last, and of those the shortest (a quarter before the
    # half-year that ends with it), so that every bar and the title share one period
    last = max((r["period_end"], r["period_start"]) for r in own)
    sel = [r for r in own if (r["period_end"], r["period_start"]) == last]
    source_id = sel[0]["source_id"]
    one: dict[tuple, Row] = {}  # one bar per policy and harmonised metric (X repeats some in two tables)
    for r in sorted((r for r in sel if r["source_id"] == source_id), key=lambda r: r["metric_label"]):
        one.setdefault((r["policy_key"], r["metric_id"], r["geography"]), dict(r))
    sel = list(one.values())
    if len(sel) < 2:
        return None
    period = sel[0]["period"]
    w = ctx.writer
    rank = {a: i for i, a in enumerate(FOCUS)}
    pairs = []  # per policy and place: user reports and accounts actioned, when both are published
    for key in sorted({(r["policy_key"], r["geography"]) for r in sel}):
        by = {r["metric_id"]: r for r in sel if (r["policy_key"], r["geography"]) == key}
        if "user_reports" in by and "accounts_actioned" in by:
            pairs.append((by["user_reports"], by["accounts_actioned"]))
    if pairs:
        lead = min(pairs, key=lambda p: (rank.get(p[0]["policy_area"], 99), p[0]["policy_label"]))
        fewest = min(pairs, key=lambda p: (p[1]["value"] / max(p[0]["value"], 1), p[0]["policy_label"]))

        def pair(p: tuple[Row, Row], lead_in: str, against: str = "and") -> Finding:
            return Finding("pair", f"{lead_in}{{rep}} under '{p[0]['policy_label']}', {against} {{acc}}",
                           {"rep": w.fact(p[0], unit="user reports"),
                            "acc": w.fact(p[1], style="count", unit=plain_label(p[1]["metric_label"]))})

        title = w.title(pair(lead, f"In {period}, {short_name(name)} received ", "against"))
        # the pair with the fewest actions per report, stated as a pair: reports and accounts are
        # different units, so the sentence gives no rate
        takeaway = w.write(pair(fewest, "The same report gives ")) if fewest is not lead else Written(
            "A report is not a violation and one account can be reported many times, so these counts give no rate.", ())
    else:
        top = min(sel, key=lambda r: (rank.get(r["policy_area"], 99), -r["value"], r["policy_label"]))
        title = w.title(Finding("level", f"{short_name(name)}, {period}: {{x}} under '{top['policy_label']}'",
                                {"x": w.fact(top, style="count", unit=plain_label(top["metric_label"]))}))
        takeaway = w.write(Finding("tally", f"{fmt.plural(len(sel), 'figure')} for the focus areas in {period}, "
                                            "each in its own unit", {}))
    return bar_figure(
        ctx, id=f"{pid}-{source_id}-snapshot".replace("_", "-"), rows=sel,
        title=title,
        category_of=lambda r: series_label(r, r["policy_label"]),
        color_of=lambda r: r["metric_label"], x_title="Count (as published: reports, accounts or posts)", x_format="~s",
        takeaway=takeaway,
        caveat="The bars count different things (reports, accounts, posts); they cannot be divided into rates, and "
               "one period cannot show a trend.")


def latest_table(ctx: Ctx, pid: str, name: str, rows: list[Row]) -> Figure | None:
    """The latest published value of every (source, policy, metric, place) in the focus areas."""
    keyed: dict[tuple, Row] = {}
    for r in worldwide(rows):
        if r["policy_area"] not in FOCUS or r["source_id"] in TEST_SOURCES or r["source_id"] == dsa.SOURCE_ID:
            continue  # tests and the DSA reports have tables of their own
        key = (r["source_id"], r["platform_label"], r["policy_key"], r["metric_id"], r["qualifier"], r["geography"])
        if key not in keyed or r["period_end"] > keyed[key]["period_end"]:
            keyed[key] = r
    sel = sorted(keyed.values(), key=lambda r: (ctx.policy_areas[r["policy_area"]]["rank"], r["source_id"],
                                                 r["metric_name"], r["policy_label"]))
    if not sel:
        return None
    for r in sel:
        r["series"] = f"{r['policy_label']}: {r['metric_label']}"
        r["area"] = r["policy_area_name"]
        r["source"] = ctx.sources[r["source_id"]]["title"]
    return Figure(
        id=f"{pid}-latest".replace("_", "-"), title=(f"{name}: the latest figure of {fmt.plural(len(sel), 'measure')} in the focus areas, "
               "from "
               f"{fmt.plural(len({r['source_id'] for r in sel}), 'source')}"),
        takeaway=(said := latest_takeaway(ctx, name, sel)).text, cites=list(said.rows),
        description="Table only.", rows=sel,
        columns=[Column("area", "Policy area"), Column("series", "Published policy: metric"), Column("period", "Period"),
                 Column("value_text", "Value", "value"), Column("unit", "Unit"), Column("source", "Source"),
                 Column("locator", "Where it was read")],
        sources=source_refs(ctx, sel),
        caveat="Rows come from different sources and definitions; compare a row only with the same row in other periods. "
               "Where a source publishes worldwide figures, its per-country figures are in the downloads (observations), "
               "not in this table.")


def latest_takeaway(ctx: Ctx, name: str, sel: list[Row]) -> Written:
    """How many measures the latest-figures table holds, and the first one with a value."""
    n_src = len({r["source_id"] for r in sel})
    count = (f"The table gives the latest figure of {fmt.plural(len(sel), 'measure')} about {name} from "
             f"{fmt.plural(n_src, 'source')}")
    first = next((r for r in sel if r["value"] is not None), None)
    if first is None:
        return ctx.writer.write(Finding("tally", count + ", none of them with a value", {}))
    return ctx.writer.write(Finding(
        "level", count + f"; first, for {first['area'].lower()}: {{x}} ('{first['series']}', {{x.period}}, "
                         f"{ctx.sources[first['source_id']]['short']})", {"x": ctx.writer.fact(first, style="count")}))


def ncmec_chart(ctx: Ctx, pid: str, name: str) -> Figure | None:
    rows = ncmec_rows(ctx, [pid])
    if not rows:
        return None
    w = ctx.writer
    facts = {"last": w.fact(rows[-1], style="count", who=name, unit="CyberTipline reports")}
    if len(rows) > 1:
        facts["prev"] = w.fact(rows[-2], style="count", who=name, unit="CyberTipline reports")
    latest_two = Finding(
        "change" if len(rows) > 1 else "level",
        "NCMEC counted {last} from {last.who} in {last.period}"
        + (", against {prev.n} in {prev.period}" if len(rows) > 1 else ""), facts)
    takeaway = w.write(latest_two)
    trend = w.trend(f"NCMEC's count of CyberTipline reports from {name}", [w.fact(r, who=name) for r in rows]) \
        or latest_two  # no trend since the latest break: the title states the latest two years, with its caveat
    fig = line_figure(
        ctx, id=f"{pid}-ncmec".replace("_", "-"), rows=rows,
        title=w.title(trend),
        series_of=lambda r: name + (" (combined companies)" if r["combined"] else ""),
        y_title="Reports received by NCMEC", y_format="~s", takeaway=takeaway,
        caveat="NCMEC's count of reports from this company's lines (see 'As published'). More reports can mean more "
               "detection effort; 2019-2020 lines combine related companies and 2024 counts bundle duplicates.",
        events=events_for(ctx, sources=["ncmec_esp"], platforms=[pid], areas=["child_sexual_exploitation"]))
    fig.columns = NCMEC_COLUMNS
    return fig


def tests_table(ctx: Ctx, pid: str, name: str, rows: list[Row]) -> Figure | None:
    sel = [r for r in rows if r["source_id"] in TEST_SOURCES]
    if not sel:
        return None
    for r in sel:
        r["series"] = f"{r['policy_label']}: {r['metric_label']}"
        r["test"] = r["doc_title"]
    sel.sort(key=lambda r: (r["period_start"], r["series"], r["locator"]))
    last = sel[-1]
    said = ctx.writer.write(Finding(
        "level", f"{fmt.plural(len(sel), 'figure')} from {fmt.plural(len({r['doc_title'] for r in sel}), 'independent test')} "
                 f"or monitoring rounds of {name}; the latest, {{x.period}}: {{x}} ('{last['series']}', {last['test']})",
        {"x": ctx.writer.fact(last, style="count")}))
    return Figure(
        id=f"{pid}-tests".replace("_", "-"),
        title=(f"{fmt.plural(len({r['doc_title'] for r in sel}), 'independent test')} or monitoring rounds of {name}, "
               f"{_years(sel[0]['period_start'], last['period_end'])}"),
        cites=list(said.rows), takeaway=said.text,
        description="Table only.", rows=sel,
        columns=[Column("test", "Test or monitoring round"), Column("series", "What was measured"),
                 Column("period", "Period"), Column("value_text", "Value", "value"), Column("unit", "Unit")],
        sources=source_refs(ctx, sel),
        caveat="Each test has its own method, sample and window; results are not rates of enforcement overall.")


def _years(first, last) -> str:
    """'2023' or '2019 to 2024': the years a list of dated rows spans (dates or ISO strings)."""
    a, b = str(first)[:4], str(last)[:4]
    return f"in {a}" if a == b else f"{a} to {b}"


def revisions_table(ctx: Ctx, pid: str, name: str, revisions: list[Row]) -> Figure | None:
    rows = [dict(r) for r in revisions if r["platform_id"] == pid]
    if not rows:
        return None
    for r in rows:
        r["figure"] = f"{r['policy_label']}: {r['metric_label']}"
        r["period"] = fmt.period(r["period_start"], r["period_end"])
        r["change_text"] = fmt.change_ratio(r["change_ratio"])
        r["value_text"] = r["value_as_published"]
        r["period_start"], r["period_end"] = r["period_start"].isoformat(), r["period_end"].isoformat()
    top = rows[:10]
    return Figure(
        id=f"{pid}-revisions".replace("_", "-"),
        title=f"{fmt.plural(len(rows), 'change')} by later editions to figures {name} had published; the {len(top)} largest",
        cites=[], takeaway=ctx.writer.write(Finding(
            "tally", f"{fmt.plural(len(rows), 'change')} from one edition to the next to figures that {name} had published; "
                     "the full list is on the Revisions page", {})).text,
        description="Table only.", rows=top,
        columns=[Column("figure", "Figure"), Column("period", "Period"), Column("prev_edition", "Earlier edition"),
                 Column("prev_value_as_published", "Earlier value", "prev_value"), Column("edition", "Next edition"),
                 Column("value_as_published", "New value", "value"), Column("change_text", "Change", "num")],
        sources=source_refs(ctx, top))


def gaps(ctx: Ctx, rows: list[Row], pid: str, checks: list[Row]) -> list[dict]:
    """Focus area x core metric: what is known about each (pages/coverage_states.py): the
    periods and sources of the figures in this site, else what the recorded checks
    (data/coverage_checks.csv) say, else 'not collected here' (nobody checked whether it was
    published). Never 'not published' without a check that says so."""
    grid = []
    for area in [a for a in FOCUS if a in ctx.policy_areas]:
        cells = []
        for metric in CORE_METRICS:
            sel = [r for r in rows if r["policy_area"] == area and r["metric_id"] == metric and r["value"] is not None]
            if sel:
                first = min(r["period_start"] for r in sel)
                last = max(r["period_end"] for r in sel)
                span = fmt.span_text(
                    fmt.period_iso(first, min(r["period_end"] for r in sel if r["period_start"] == first)),
                    fmt.period_iso(max(r["period_start"] for r in sel if r["period_end"] == last), last))
                sources = ", ".join(sorted({ctx.sources[r["source_id"]]["short"] for r in sel}))
                states = [State(IN_SITE, span, basis=sources)]
            else:
                states = cell_states(applicable(checks, pid, metric, area))
            cells.append({"metric": ctx.metrics[metric]["name"], "states": states})
        grid.append({"area": ctx.policy_areas[area]["name"], "cells": cells})
    return grid


NOT_IN_NAV = "none"  # a page of its own, left out of the sidebar (listed on the All platforms page)


def build(ctx: Ctx) -> list[Page]:
    """A page for every platform or company with OWN_PAGE_MIN_FIGURES published figures or more
    (in the sidebar when data/taxonomy/platforms.csv marks it major), the All platforms page
    after them, and the shared page of the providers with fewer (platform_index.py).
    Aggregates of several platforms and clearinghouses (NCMEC is a source) get neither."""
    pages = []
    revisions = [r for s in ctx.rows("SELECT DISTINCT source_id FROM revisions ORDER BY source_id")
                 for r in ctx.query("revisions_list", source_id=s["source_id"])]
    checks = ctx.query("coverage_checks_list")
    counts = {r["platform_id"]: r["figures"] for r in ctx.query("platform_places")}
    shared = [pid for pid, n in counts.items() if n < OWN_PAGE_MIN_FIGURES]
    for pid in sorted((pid for pid, n in counts.items() if n >= OWN_PAGE_MIN_FIGURES),
                      key=lambda pid: (ctx.platforms[pid]["name"].casefold(), pid)):
        p = ctx.platforms[pid]
        name = p["name"]
        rows = ctx.points(platforms=[pid])
        charts = metric_charts(ctx, pid, name, rows)
        charted = {c.rows[0]["source_id"] for c in charts}
        figures = [f for f in [*charts, snapshot_chart(ctx, pid, name, rows, charted), latest_table(ctx, pid, name, rows),
                               ncmec_chart(ctx, pid, name),
                               reconciliation_figure(ctx, [pid], f"{pid}-reconciliation".replace("_", "-"),
                                                     f"{name}: reports to NCMEC as {name} states them and as NCMEC counted them"),
                               tests_table(ctx, pid, name, rows),
                               revisions_table(ctx, pid, name, revisions)] if f is not None]
        dsa_section = dsa.platform_section(ctx, pid, name)
        sor_section = sor_sections.platform_section(ctx, pid, name, "../", has_reports=dsa_section is not None)
        sources = sorted({r["source_id"] for r in rows})
        first = min(rows, key=lambda r: r["period_start"])
        last = max(rows, key=lambda r: r["period_end"])
        span = fmt.span(first["period"], last["period"])
        pages.append(Page(
            path=f"platforms/{pid.replace('_', '-')}.md", title=name, template="pages/platform.md.j2",
            nav="Platforms" if p["major"] else NOT_IN_NAV,
            context={"platform": p, "n_points": len(rows), "sources": [ctx.sources[s] for s in sources],
                     "claims": claim_blocks(ctx, [pid]),
                     "span": span, "figs": figures, "gaps": gaps(ctx, rows, pid, checks),
                     "gaps_checked": platform_wide(checks, pid),
                     "latest_any": latest(rows), "stale": stale_notices(ctx, platform_id=pid), "dsa": dsa_section,
                     "sor": sor_section},
            figures=figures + (dsa_section["figures"] if dsa_section else []) + (sor_section["figures"] if sor_section else [])))
    return [*pages, platform_index.index_page(ctx), platform_index.shared_page(ctx, shared)]
