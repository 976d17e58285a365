"""NCMEC's yearly count of CyberTipline reports per platform, shared by the topic page and
the platform pages."""

from __future__ import annotations

from site_builder import fmt
from site_builder.charts import base
from site_builder.figures import ChartCall, Column, Figure
from site_builder.pages.common import Ctx, Row, source_refs

NCMEC_COLUMNS = [Column("series", "Platform"), Column("period", "Year"), Column("value_text", "Reports", "value"),
                 Column("value_as_published", "As published (NCMEC line: count)"),
                 Column("locator", "Where it was read")]


def ncmec_rows(ctx: Ctx, platforms: list[str]) -> list[Row]:
    """One row per platform and year (mart ncmec_platform_year), ready for a line figure."""
    rows = ctx.query("ncmec_platform_year", platforms=platforms)
    for r in rows:
        r["period"] = str(r["period_start"].year)
        r["x"] = f"{r['period_start'].year}-07-01"
        r["value_text"] = fmt.count(r["value"])
        r["value_as_published"] = r["lines"]
        r["unit"] = r["unit_display"] = "reports"
        r["unit_kind"] = "count"
        r["source_id"], r["policy_area"], r["metric_id"] = "ncmec_esp", "child_sexual_exploitation", "ncmec_reports_received"
        r["period_start"], r["period_end"] = r["period_start"].isoformat(), r["period_end"].isoformat()
    return rows


RECON_COLUMNS = [
    Column("series", "Platform"), Column("period", "Year"),
    Column("disclosed_text", "Reports the platform says it sent", "value"),
    Column("counted_text", "Reports NCMEC counted", "counted_value"),
    Column("difference_text", "Difference", "num"), Column("ratio_text", "Ratio", "num"),
    Column("counted_lines", "NCMEC lines matched"), Column("check", "Cross-check"),
]


def reconciliation_figure(ctx: Ctx, platforms: list[str] | None, fig_id: str, title: str) -> Figure | None:
    """What platforms say they reported to NCMEC next to what NCMEC counted, per year."""
    rows = ctx.query("reconciliation_rows", platforms=platforms)
    if not rows:
        return None
    for r in rows:
        r["series"] = r["platform_name"]
        r["period"] = str(r["year"])
        r["value"] = r["ratio"]
        r["value_text"] = f"{r['ratio']:.2f}"
        r["disclosed_text"] = fmt.count(r["disclosed"])
        r["counted_text"] = fmt.count(r["counted"])
        r["difference_text"] = f"{r['difference']:+,.0f}"
        r["ratio_text"] = f"{r['ratio']:.2f}"
        # each count links to its own document, chosen for its year (mart reconciliation), or to its release
        r["doc_url"] = r["doc_link"] = r["disclosed_url"] or ""
        r["doc_label"] = r["disclosed_label"] or ""
        r["locator"] = r["disclosed_locator"]
        r["counted_doc_url"] = r["counted_url"] or ""
        r["counted_doc_label"] = r["counted_label"] or ""
        r["release_id"] = r["disclosed_release_id"]
        # both counts of the row, each linked to its own document in the takeaway
        r["linked"] = ({"value": r["disclosed"], "doc_url": r["doc_url"], "locator": r["disclosed_locator"],
                        "doc_label": r["doc_label"], "release_id": r["disclosed_release_id"]},
                       {"value": r["counted"], "doc_url": r["counted_doc_url"], "locator": r["counted_locator"],
                        "doc_label": r["counted_doc_label"], "release_id": r["counted_release_id"]})
        dc = r["diaphanous_counted"]
        r["check"] = ("" if dc is None else "Diaphanous matched the same NCMEC count" if abs(dc - r["counted"]) < 0.5
                      else f"Diaphanous matched NCMEC lines totalling {fmt.count(dc)}")
        if r["matching_note"]:
            r["check"] = (r["check"] + "; " if r["check"] else "") + r["matching_note"]
    far = sorted((r for r in rows if r["ratio"] and (r["ratio"] < 0.8 or r["ratio"] > 1.25)),
                 key=lambda r: abs(r["difference"]), reverse=True)
    close = sum(1 for r in rows if r["ratio"] and 0.95 <= r["ratio"] <= 1.05)
    takeaway = (f"In {close} of {len(rows)} platform-years the two counts are within 5% of each other"
                + ("; the largest gaps: " + "; ".join(f"{r['platform_name']} {r['year']} said {fmt.short(r['disclosed'])}, "
                                                       f"NCMEC counted {fmt.short(r['counted'])}" for r in far[:3])
                   if far else "") + ".")
    fig = Figure(
        id=fig_id, title=title, takeaway=takeaway, cites=far[:3],
        description="Dot chart of the ratio of the reports a platform says it sent to NCMEC to the reports NCMEC "
                    "counted from it, per year (1.0 = the same number, log scale). " + " ".join(
                        f"{r['platform_name']} {r['year']}: {r['disclosed_text']} said, {r['counted_text']} counted "
                        f"(ratio {r['ratio_text']})." for r in rows),
        rows=rows, columns=RECON_COLUMNS,
        sources=source_refs(ctx, rows) + source_refs(ctx, [{**r, "release_id": r["counted_release_id"],
                                                            "doc_link": r["counted_url"], "doc_label": r["counted_label"],
                                                            "doc_text": "", "doc_title": ""}
                                                           for r in rows]),
        chart=ChartCall(base.dots, dict(rows=[{"series": r["period"], "category": r["platform_name"],
                                               "value": r["ratio"]} for r in rows],
                                        category="category", value="value", series="series",
                                        x_title="Reports the platform says it sent ÷ reports NCMEC counted (log scale)",
                                        x_format=".2~f", title=title, reference=1.0)),
        caveat="The ratio divides two counts of the same reports made by two parties (the platform's disclosure and "
               "NCMEC's count), which is why it is shown; it is not a measure of enforcement. Platforms count per "
               "reporting period and what they call a report; NCMEC counts per calendar year and, from 2024, bundles "
               "duplicates. Quarterly or half-yearly disclosures are summed to calendar years only when they cover all "
               "twelve months.")
    return fig
