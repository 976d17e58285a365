"""Reporting coverage: which platform reports which harmonised metric, for which periods,
at which granularity, and where its series stop, start or have holes, with what is known
about each hole (published but not collected here, checked and not published, or not
checked: see pages/coverage_states.py)."""

from __future__ import annotations

from datetime import date

from site_builder import fmt
from site_builder.charts import base
from site_builder.figures import ChartCall, Column, Figure
from site_builder.pages.common import Ctx, Page, Row, source_attribution
from site_builder.pages.coverage_states import (
    IN_SITE,
    State,
    applicable,
    cell_states,
    counts_text,
    from_check,
    gap_runs,
    month_span,
    platform_wide,
)
from site_builder.pages.figs import slim
from site_builder.periods import month_end

OWN_AND_NCMEC = ("platform_report", "clearinghouse")
CHART_METRICS = ["content_actioned", "accounts_actioned", "proactive_rate", "prevalence", "content_appealed",
                 "content_restored_with_appeal", "content_restored", "user_reports", "ncmec_reports_disclosed",
                 "ncmec_reports_received"]
CORE = ["content_actioned", "accounts_actioned", "proactive_rate", "prevalence", "content_appealed",
        "user_reports", "ncmec_reports_disclosed", "ncmec_reports_received"]


def run_label(start: date, end: date, months: int, approximate: bool = False) -> str:
    """'2017Q4 to 2025Q4' for a run of periods of ``months`` months ('2024H1' for one period)."""
    if months == 0:
        return fmt.period(start, end, approximate)
    first_end = month_end(start.year + (start.month - 1 + months - 1) // 12, (start.month - 1 + months - 1) % 12 + 1)
    last_month = (end.year * 12 + end.month - 1) - (months - 1)
    last_start = date(last_month // 12, last_month % 12 + 1, 1)
    first, last = fmt.period(start, first_end), fmt.period(last_start, end)
    return fmt.span_text(first, last)


def _prepare(ctx: Ctx) -> list[Row]:
    rows = ctx.query("coverage_rows")
    for r in rows:
        rough = set(r["approximate_starts"])
        r["first"] = fmt.period(r["first_start"], r["first_end"], r["first_start"] in rough)
        r["last"] = fmt.period(r["last_start"], r["last_end"], r["last_start"] in rough)
        r["missing"] = r["expected_periods"] - r["periods"]
        r["runs_text"] = "; ".join(run_label(x["start"], x["end"], r["months"], x["start"] in rough)
                                   for x in r["runs"])
        r["family"] = f"{r['platform_name']}: {r['metric_name']}"
        r["gap_states"] = gap_runs(r["gaps"], r["months"])
        r["missing_text"] = "; ".join(g.text for g in r["gap_states"]) or "none"
    return rows


def spans_figure(ctx: Ctx, rows: list[Row], major: set[str]) -> Figure:
    sel = [r for r in rows if r["platform_id"] in major and r["source_kind"] in OWN_AND_NCMEC
           and r["metric_id"] in CHART_METRICS and r["granularity"] in ("global", "country") and r["months"] > 0]
    spans, table = [], []
    for r in sel:
        label = f"{r['platform_name']}: {r['metric_name']} ({r['source_short']}, {r['granularity']})"
        share = f"{r['periods']} of {fmt.plural(r['expected_periods'], 'period')}"
        for run in r["runs"]:
            spans.append({"label": label, "start": run["start"].isoformat(), "end": run["end"].isoformat(),
                          "cadence": r["cadence"], "period": run_label(run["start"], run["end"], r["months"]),
                          "value_text": share, "state": State(IN_SITE).label,
                          "source_id": r["source_id"], "metric_id": r["metric_id"]})
        for g in r["gap_states"]:
            table.append({"label": label, "cadence": r["cadence"], "period": g.periods, "value_text": share,
                          "start": g.start.isoformat() if g.start else "",
                          "state": g.words(with_periods=False),
                          "source_id": r["source_id"], "metric_id": r["metric_id"]})
    table = sorted(spans + table, key=lambda x: (x["label"], x["cadence"], x["start"]))
    gappy = [r for r in sel if r["missing"] > 0]
    takeaway = (f"{len(gappy)} of {len(sel)} series of the main platforms lack figures for some periods between "
                "their first and last; " + "; ".join(
                    f"{r['platform_name']} {r['metric_name'].lower()} ({r['source_short']}): {r['missing']} of "
                    f"{r['expected_periods']} {r['cadence']} periods not in this site ({counts_text(r['gaps'])})"
                    for r in sorted(gappy, key=lambda r: -r["missing"])[:3]) + ".")
    chart = ChartCall(base.spans, dict(rows=slim(spans, ["label", "start", "end", "cadence"]), label="label",
                                       start="start", end="end", color="cadence",
                                       title="Periods with a published number, per platform and measure"))
    desc = "Span chart; each bar is a run of consecutive periods with a number in this site. " + " ".join(
        f"{r['platform_name']}, {r['metric_name']} ({r['source_short']}, {r['granularity']}, {r['cadence']}): "
        f"{r['first']} to {r['last']}, {r['periods']} of {fmt.plural(r['expected_periods'], 'period')}"
        + "." + (f" Not in this site: {r['missing_text']}." if r["missing"] else "") for r in sel)
    title = (f"{len(gappy)} of {len(sel)} series of the main platforms lack figures for some periods between their "
             "first and last") if gappy else f"All {len(sel)} series of the main platforms run without a missing period"
    return Figure(id="coverage-spans", title=title, takeaway=takeaway, description=desc,
                  rows=table, chart=chart, cites=[],
                  columns=[Column("label", "Platform: measure (source, granularity)"), Column("period", "Periods"),
                           Column("cadence", "Cadence"), Column("state", "What is known"),
                           Column("value_text", "Periods with a number in this site")],
                  sources=source_attribution(ctx, (r["source_id"] for r in sel)),
                  caveat="Coverage of the figures this site holds. A period without a figure here is not always "
                         "a period without a report: the table says for each one whether the publisher published "
                         "it (and where), whether it was checked and not published, or whether nobody has "
                         "checked; only a recorded check makes it 'not published'. NCMEC counts reports per "
                         "provider, so every provider NCMEC lists has that series.")


def families_table(ctx: Ctx, rows: list[Row]) -> Figure:
    for r in rows:
        r["series"] = f"{r['platform_name']}: {r['metric_name']}"
    return Figure(
        id="coverage-all", title=(f"{sum(1 for r in rows if r['missing'])} of {fmt.plural(len(rows), 'series family', 'series families')} "
                                  "have periods without a number between their first and last"),
        takeaway=f"{len(rows)} families of series (platform, measure, source, granularity, cadence).",
        description="Table only.", rows=rows,
        columns=[Column("series", "Platform: measure"), Column("source_short", "Source"),
                 Column("granularity", "Granularity"), Column("cadence", "Cadence"), Column("first", "First"),
                 Column("last", "Last"), Column("periods", "Periods with a number", "num"),
                 Column("missing", "Periods without a number in between", "num"), Column("runs_text", "Runs"),
                 Column("missing_text", "Periods without a number, and what is known about them")],
        sources=source_attribution(ctx, (r["source_id"] for r in rows)))


def not_reported(ctx: Ctx, rows: list[Row], major: list[str], checks: list[Row]) -> list[dict]:
    """Platform x core measure: the periods in this site (and from which sources), or what the
    checks say about a measure with no figure here ('not collected here' when nobody checked)."""
    grid = []
    for pid in major:
        cells = []
        for mid in CORE:
            fam = [r for r in rows if r["platform_id"] == pid and r["metric_id"] == mid]
            if fam:
                first = min(fam, key=lambda r: r["first_start"])
                last = max(fam, key=lambda r: r["last_end"])
                cells.append([State(IN_SITE, fmt.span_text(first["first"], last["last"]),
                                    basis=", ".join(sorted({r["source_short"] for r in fam})))])
            else:
                cells.append(cell_states(applicable(checks, pid, mid), name_area=True))
        grid.append({"platform": ctx.platforms[pid]["name"], "cells": cells, "checked": platform_wide(checks, pid)})
    return grid


def checks_table(ctx: Ctx, checks: list[Row]) -> Figure:
    """Every recorded check (data/coverage_checks.csv): what it says and the evidence."""
    rows = []
    for c in checks:
        state = from_check(c)
        rows.append({**c, "series": f"{c['platform_name']}: {c['metric_name']} ({c['source_short']})",
                     "period": month_span(c["period_start"], c["period_end"]), "state_text": state.text,
                     "checked_on_text": c["checked_on"].isoformat() if c["checked_on"] else "not recorded",
                     "period_start": c["period_start"].isoformat(), "period_end": c["period_end"].isoformat()})
    published = sum(1 for c in checks if c["state"] == "published")
    return Figure(
        id="coverage-checks", title=(f"{fmt.plural(len(checks), 'recorded check')} of periods this site has no figure for: "
                                     f"{published} published elsewhere, {len(checks) - published} not published"),
        takeaway=f"{len(checks)} checks: {published} periods or measures published but not collected here, "
                 f"{len(checks) - published} checked and not published.", cites=[],
        description="Table only.", rows=rows,
        columns=[Column("series", "Platform: measure (source)"), Column("area_name", "Policy area"),
                 Column("period", "Periods"), Column("state_text", "What is known"), Column("note", "Note"),
                 Column("checked_by", "Established by"), Column("checked_on_text", "Checked on"),
                 Column("evidence", "Evidence")],
        sources=source_attribution(ctx, (c["source_id"] for c in checks)),
        caveat="A period or measure that no check covers is 'not collected here': not in this site, and whether it "
               "was published is not known.")


def build(ctx: Ctx) -> list[Page]:
    rows = _prepare(ctx)
    counts = {}
    for r in rows:
        if r["platform_id"]:
            counts[r["platform_id"]] = counts.get(r["platform_id"], 0) + r["periods"]
    major = sorted((p for p, n in counts.items() if n >= 20 and ctx.platforms[p]["kind"] != "aggregate"),
                   key=lambda p: ctx.platforms[p]["name"])
    checks = ctx.query("coverage_checks_list")
    figures = [spans_figure(ctx, rows, set(major)), families_table(ctx, rows), checks_table(ctx, checks)]
    return [Page(path="coverage.md", title="Reporting coverage", template="pages/coverage.md.j2", nav="About the data",
                 context={"figs": {f.id: f for f in figures}, "grid": not_reported(ctx, rows, major, checks),
                          "core": [ctx.metrics[m]["name"] for m in CORE]},
                 figures=figures)]
