"""NCMEC's yearly count of CyberTipline reports per platform, shared by the topic page and
the platform pages."""

from __future__ import annotations

from site_builder import fmt
from site_builder.charts import base
from site_builder.figures import ChartCall, Column, Figure
from site_builder.findings import Finding
from site_builder.pages.common import Ctx, Row, short_name, source_refs

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
    Column("disclosure_text", "Platform figures added up"), Column("ncmec_text", "NCMEC lines added up"),
    Column("count_text", "In the count"), Column("check", "Cross-check and matching"),
]
CLOSE, FAR = (0.95, 1.05), (0.8, 1.25)


def disclosure_text(parts: list[Row]) -> str:
    """'Google 2020H1: 112,595; Google 2020H2: 246,325; YouTube 2020H1: 69,961; …'"""
    return "; ".join(f"{p['label']} {fmt.period(p['period_start'], p['period_end'])}: {fmt.count(p['value'])}"
                     for p in parts)


def count_text(r: Row) -> str:
    """Whether the row stands in the takeaway's count, and if not, why."""
    if r["counted_in_total"]:
        return "counted"
    if r["not_counted_reason"] == "not_like_for_like":
        return "not counted: the two sides are not known to cover the same services"
    return f"not counted: already counted in the {r['covered_by_name']} row"


def _part_refs(parts: list[Row]) -> list[Row]:
    """The published lines of one side as rows for the source list (release, document)."""
    return [{"release_id": p["release_id"], "doc_link": p["doc_link"], "doc_label": p["doc_label"],
             "doc_text": p["doc_text"], "doc_title": ""} for p in parts]


def reconciliation_figure(ctx: Ctx, platforms: list[str] | None, fig_id: str, title: str) -> Figure | None:
    """What platforms say they reported to NCMEC next to what NCMEC counted, per year. The
    takeaway counts only the rows that stand in the count (mart reconciliation,
    ``counted_in_total``): a row repeating another (Twitch within Amazon) or comparing sides that
    do not cover the same services is shown, labelled, but neither counted nor quoted."""
    rows = ctx.query("reconciliation_rows", platforms=platforms)
    if not rows:
        return None
    for r in rows:
        r["series"] = r["platform_name"]
        r["period"] = str(r["year"])
        r["value"] = r["ratio"]
        r["value_text"] = f"{r['ratio']:.2f}"
        r["disclosed_text"] = ("about " if any(p["rounded"] for p in r["disclosure_parts"]) else "") + fmt.count(r["disclosed"])
        r["counted_text"] = fmt.count(r["counted"])
        r["difference_text"] = f"{r['difference']:+,.0f}"
        r["ratio_text"] = f"{r['ratio']:.2f}"
        r["disclosure_text"] = disclosure_text(r["disclosure_parts"])
        r["ncmec_text"] = "; ".join(f"{p['label']}: {fmt.count(p['value'])}" for p in r["ncmec_parts"])
        r["count_text"] = count_text(r)
        # each count links to its own document (mart reconciliation: the one all its lines name), or to its release
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
        r["check"] = ("" if dc is None else "Diaphanous's copy of the same NCMEC lines gives the same count"
                      if abs(dc - r["counted"]) < 0.5
                      else f"Diaphanous's copy of NCMEC's lines for this platform gives {fmt.count(dc)}")
        if r["matching_note"]:
            r["check"] = (r["check"] + ". " if r["check"] else "") + r["matching_note"]
    counted = [r for r in rows if r["counted_in_total"]]
    # the gaps named: rows beyond 25% when there are any, else the rows beyond 5%
    outside = [r for r in counted if r["ratio"] and not FAR[0] <= r["ratio"] <= FAR[1]] or \
        [r for r in counted if r["ratio"] and not CLOSE[0] <= r["ratio"] <= CLOSE[1]]
    far = sorted(outside, key=lambda r: (abs(r["difference"]), r["platform_id"], r["year"]), reverse=True)
    close = sum(1 for r in counted if r["ratio"] and CLOSE[0] <= r["ratio"] <= CLOSE[1])
    w = ctx.writer

    def gaps(picked: list[Row], lead: str) -> Finding:
        """Each row's two counts of the same year, each a fact linked to its own document."""
        facts, parts = {}, []
        for i, r in enumerate(picked):
            # a sum of rounded figures is itself only about right
            rounded = any(p["rounded"] for p in r["disclosure_parts"])
            facts[f"s{i}"] = w.fact({**r, **r["linked"][0], **({"qualifier_word": "about"} if rounded else {})},
                                    unit="reports", who=r["platform_name"])
            facts[f"g{i}"] = w.fact({**r, **r["linked"][1]}, unit="reports", who="NCMEC")
            parts.append(f"{short_name(r['platform_name'])} said it sent {{s{i}.n}} reports to NCMEC in {r['year']} "
                         f"and NCMEC counted {{g{i}.n}}")
        return Finding("pair", lead + "; ".join(parts), facts)

    if len(counted) == 1:  # one comparison: its two numbers, each linked
        far = counted
        takeaway = w.write(gaps(counted, "")).text
    elif counted:
        lead = Finding("tally", f"In {close} of {len(counted)} platform-years the two counts are within 5% of each other", {})
        takeaway = w.sentences([lead, gaps(far[:3], "The largest gap: " if len(far) == 1 else "The largest gaps: ")
                                if far else None]).text
    else:
        takeaway = w.write(Finding("tally", "None of these rows is counted as a comparison of its own: "
                                   + count_text(rows[0]).removeprefix("not counted: "), {})).text
    # the title states what the comparison shows; the label passed in is kept for a figure
    # with nothing to compare
    names = sorted({r["platform_name"] for r in counted})
    if len(counted) == 1:
        title = w.title(gaps(counted, ""))
    elif counted and len(names) == 1:
        title = w.title(Finding("tally", f"{short_name(names[0])}'s own count of its reports to NCMEC was within 5% of "
                                         f"NCMEC's count in {close} of {len(counted)} years", {}))
    elif counted:
        title = w.title(Finding("tally", f"What platforms say they sent to NCMEC is within 5% of NCMEC's count in {close} "
                                         f"of {len(counted)} platform-years", {}))
    elif len({r["platform_name"] for r in rows}) == 1:  # nothing to compare: say why
        title = w.title(Finding("tally", f"{short_name(rows[0]['platform_name'])}'s count of its reports to NCMEC and "
                                         "NCMEC's count are shown but not compared: "
                                         + count_text(rows[0]).removeprefix("not counted: "), {}))
    fig = Figure(
        id=fig_id, title=title, takeaway=takeaway, cites=far[:3],
        description="Dot chart of the ratio of the reports a platform says it sent to NCMEC to the reports NCMEC "
                    "counted from it, per year (1.0 = the same number, log scale). " + " ".join(
                        f"{r['platform_name']} {r['year']}: {r['disclosed_text']} said, {r['counted_text']} counted "
                        f"(ratio {r['ratio_text']}{'' if r['counted_in_total'] else '; ' + r['count_text']})."
                        for r in rows),
        rows=rows, columns=RECON_COLUMNS,
        sources=source_refs(ctx, [p for r in rows for p in _part_refs(r["disclosure_parts"])])
        + source_refs(ctx, [p for r in rows for p in _part_refs(r["ncmec_parts"])]),
        chart=ChartCall(base.dots, dict(rows=[{"series": r["period"], "category": r["platform_name"],
                                               "value": r["ratio"]} for r in rows],
                                        category="category", value="value", series="series",
                                        x_title="Reports the platform says it sent ÷ reports NCMEC counted (log scale)",
                                        x_format=".2~f", title=title, reference=1.0)),
        caveat=_caveat(rows, len(rows) - len(counted)))
    return fig


def _caveat(rows: list[Row], left_out: int) -> str:
    """What the ratio is, what each row adds up, and which rows the takeaway leaves out and why."""
    text = ("The ratio divides two counts of the same reports made by two parties (the platform's disclosure and "
            "NCMEC's count), which is why it is shown; it is not a measure of enforcement. Platforms count per "
            "reporting period and what they call a report; NCMEC counts per calendar year and, from 2024, bundles "
            "duplicates. Quarterly or half-yearly disclosures are summed to calendar years only when they cover all "
            "twelve months.")
    if any(len(r["disclosure_ids"]) > 1 or len(r["ncmec_ids"]) > 1 for r in rows):
        text += (" Where a company's figure or NCMEC's count is split across several lines, each row adds up the "
                 "lines that cover the same services; the table lists them.")
    if left_out:
        why: dict[tuple[str, str], list[str]] = {}
        for r in rows:
            if not r["counted_in_total"]:
                why.setdefault((r["platform_name"], count_text(r).removeprefix("not counted: ")), []).append(r["period"])
        # one sentence per platform: a list of its years is not a comparison of figures across them
        text += (f" {left_out} of the {fmt.plural(len(rows), 'row')} {'is' if left_out == 1 else 'are'} shown but "
                 "not counted in the takeaway. "
                 + " ".join(f"{name} {_years(years)}: {reason}." for (name, reason), years in why.items()))
    return text


def _years(years: list[str]) -> str:
    """'2021, 2022 and 2023'."""
    return years[0] if len(years) == 1 else ", ".join(years[:-1]) + " and " + years[-1]
