"""Reporting coverage: which platform reports which harmonised metric, for which periods,
at which granularity, and where its series stop, start or have holes."""

from __future__ import annotations

from datetime import date

from site_builder import fmt
from site_builder.charts import base
from site_builder.figures import ChartCall, Column, Figure
from site_builder.pages.common import Ctx, Page, Row, source_attribution
from site_builder.pages.figs import slim
from site_builder.periods import month_end

OWN_AND_NCMEC = ("platform_report", "clearinghouse")
CHART_METRICS = ["content_actioned", "accounts_actioned", "proactive_rate", "prevalence", "content_appealed",
                 "content_restored_with_appeal", "content_restored", "user_reports", "ncmec_reports_disclosed",
                 "ncmec_reports_received"]
CORE = ["content_actioned", "accounts_actioned", "proactive_rate", "prevalence", "content_appealed",
        "user_reports", "ncmec_reports_disclosed", "ncmec_reports_received"]


def run_label(start: date, end: date, months: int) -> str:
    """'2017Q4 to 2025Q4' for a run of periods of ``months`` months ('2024H1' for one period)."""
    if months == 0:
        return fmt.period(start, end)
    first_end = month_end(start.year + (start.month - 1 + months - 1) // 12, (start.month - 1 + months - 1) % 12 + 1)
    last_month = (end.year * 12 + end.month - 1) - (months - 1)
    last_start = date(last_month // 12, last_month % 12 + 1, 1)
    first, last = fmt.period(start, first_end), fmt.period(last_start, end)
    return fmt.span_text(first, last)


def _prepare(ctx: Ctx) -> list[Row]:
    rows = ctx.query("coverage_rows")
    for r in rows:
        r["first"] = fmt.period(r["first_start"], r["first_end"])
        r["last"] = fmt.period(r["last_start"], r["last_end"])
        r["missing"] = r["expected_periods"] - r["periods"]
        r["runs_text"] = "; ".join(run_label(x["start"], x["end"], r["months"]) for x in r["runs"])
        r["family"] = f"{r['platform_name']}: {r['metric_name']}"
    return rows


def spans_figure(ctx: Ctx, rows: list[Row], major: set[str]) -> Figure:
    sel = [r for r in rows if r["platform_id"] in major and r["source_kind"] in OWN_AND_NCMEC
           and r["metric_id"] in CHART_METRICS and r["granularity"] in ("global", "country") and r["months"] > 0]
    spans = []
    for r in sel:
        label = f"{r['platform_name']}: {r['metric_name']} ({r['source_short']}, {r['granularity']})"
        for run in r["runs"]:
            spans.append({"label": label, "start": run["start"].isoformat(), "end": run["end"].isoformat(),
                          "cadence": r["cadence"], "period": run_label(run["start"], run["end"], r["months"]),
                          "value_text": f"{r['periods']} of {r['expected_periods']} periods",
                          "source_id": r["source_id"], "metric_id": r["metric_id"]})
    gappy = [r for r in sel if r["missing"] > 0]
    takeaway = (f"{len(gappy)} of {len(sel)} series of the main platforms have holes between their first and last "
                "period; " + "; ".join(f"{r['platform_name']} {r['metric_name'].lower()} ({r['source_short']}): "
                                       f"{r['missing']} of {r['expected_periods']} {r['cadence']} periods missing"
                                       for r in sorted(gappy, key=lambda r: -r["missing"])[:3]) + ".")
    chart = ChartCall(base.spans, dict(rows=slim(spans, ["label", "start", "end", "cadence"]), label="label",
                                       start="start", end="end", color="cadence",
                                       title="Periods with a published number, per platform and measure"))
    desc = "Span chart; each bar is a run of consecutive periods with a number. " + " ".join(
        f"{r['platform_name']}, {r['metric_name']} ({r['source_short']}, {r['granularity']}, {r['cadence']}): "
        f"{r['first']} to {r['last']}, {r['periods']} of {r['expected_periods']} periods." for r in sel)
    return Figure(id="coverage-spans", title="Who reports what, and when", takeaway=takeaway, description=desc,
                  rows=spans, chart=chart,
                  columns=[Column("label", "Platform: measure (source, granularity)"), Column("period", "Run"),
                           Column("cadence", "Cadence"), Column("value_text", "Periods with a number")],
                  sources=source_attribution(ctx, (r["source_id"] for r in sel)),
                  caveat="Coverage of the figures this site holds: for sources transcribed from archived "
                          "pages or the press (YouTube), a gap can be a gap in what could be collected, "
                          "not in what was published. NCMEC counts reports per provider, so every provider "
                          "NCMEC lists has that series.")


def families_table(ctx: Ctx, rows: list[Row]) -> Figure:
    for r in rows:
        r["series"] = f"{r['platform_name']}: {r['metric_name']}"
    return Figure(
        id="coverage-all", title="Every series family, with its first and last period and its holes",
        takeaway=f"{len(rows)} families of series (platform, measure, source, granularity, cadence).",
        description="Table only.", rows=rows,
        columns=[Column("series", "Platform: measure"), Column("source_short", "Source"),
                 Column("granularity", "Granularity"), Column("cadence", "Cadence"), Column("first", "First"),
                 Column("last", "Last"), Column("periods", "Periods with a number", "num"),
                 Column("missing", "Periods missing in between", "num"), Column("runs_text", "Runs")],
        sources=source_attribution(ctx, (r["source_id"] for r in rows)))


def not_reported(ctx: Ctx, rows: list[Row], major: list[str]) -> list[dict]:
    grid = []
    for pid in major:
        cells = []
        for mid in CORE:
            fam = [r for r in rows if r["platform_id"] == pid and r["metric_id"] == mid]
            if fam:
                first = min(fam, key=lambda r: r["first_start"])
                last = max(fam, key=lambda r: r["last_end"])
                cells.append({"reported": True, "text": f"{first['first']} to {last['last']}",
                              "sources": sorted({r['source_short'] for r in fam})})
            else:
                cells.append({"reported": False})
        grid.append({"platform": ctx.platforms[pid]["name"], "cells": cells})
    return grid


def build(ctx: Ctx) -> list[Page]:
    rows = _prepare(ctx)
    counts = {}
    for r in rows:
        if r["platform_id"]:
            counts[r["platform_id"]] = counts.get(r["platform_id"], 0) + r["periods"]
    major = sorted((p for p, n in counts.items() if n >= 20 and ctx.platforms[p]["kind"] != "aggregate"),
                   key=lambda p: ctx.platforms[p]["name"])
    figures = [spans_figure(ctx, rows, set(major)), families_table(ctx, rows)]
    return [Page(path="coverage.md", title="Reporting coverage", template="pages/coverage.md.j2", nav="About the data",
                 context={"figs": {f.id: f for f in figures}, "grid": not_reported(ctx, rows, major),
                          "core": [ctx.metrics[m]["name"] for m in CORE]},
                 figures=figures)]
