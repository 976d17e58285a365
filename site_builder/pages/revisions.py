"""Revisions page: how platforms change their past figures from one edition to the next,
for every source whose files republish the whole history (Meta, TikTok)."""

from __future__ import annotations

from site_builder import fmt
from site_builder.charts import base
from site_builder.figures import ChartCall, Column, Figure
from site_builder.findings import Finding
from site_builder.pages.common import Ctx, Page, Row, source_refs
from site_builder.pages.figs import describe, slim

CSE = ["child_sexual_exploitation"]
REVISION_COLUMNS = [
    Column("figure", "Figure"),
    Column("period", "Period"),
    Column("place", "Place"),
    Column("prev_edition", "Earlier edition"),
    Column("prev_value_as_published", "Earlier value", "prev_value"),
    Column("edition", "Next edition"),
    Column("value_as_published", "New value", "value"),
    Column("change_text", "Change", "num"),
    Column("change_kind", "Kind"),
    Column("round_trip_text", "Returned to an earlier value?"),
    Column("locator", "Where (new value)"),
]


def revision_rows(ctx: Ctx, source: str) -> list[Row]:
    rows = ctx.query("revisions_list", source_id=source)
    for r in rows:
        r["figure"] = f"{r['platform_name']}: {r['policy_label']}: {r['metric_label']}"
        r["period"] = fmt.period(r["period_start"], r["period_end"])
        r["place"] = r["geography"]
        r["change_text"] = fmt.change_ratio(r["change_ratio"])
        r["round_trip_text"] = "yes" if r["round_trip"] else "no"
        r["value_text"] = r["value_as_published"]
        r["period_start"], r["period_end"] = r["period_start"].isoformat(), r["period_end"].isoformat()
    return rows


def by_edition(ctx: Ctx, source: str) -> Figure:
    name = ctx.sources[source]["short"]
    rows = ctx.query("revisions_by_edition", source_id=source)
    for r in rows:
        r["category"] = f"{r['prev_edition']} to {r['edition']}"
        r["value"] = r["changed"]
        r["value_text"] = fmt.count(r["changed"])
        r["period"] = r["edition"]
        r["locator"] = f"every line of {r['file']} compared with {r['prev_file']}"
    top = max(rows, key=lambda r: r["changed"]) if rows else None
    quiet = [r["edition"] for r in rows if r["changed"] == 0]
    rounded = sum(r["rounded"] for r in rows)
    total = sum(r["changed"] for r in rows)
    takeaway = ctx.writer.write(Finding(
        "tally", f"{fmt.plural(total, 'figure')} changed between consecutive editions"
                 + (f" ({rounded:,} of them only rounded to fewer decimals)" if rounded else "")
                 + f"; the most ({top['changed']:,}) when the {top['edition']} edition replaced the {top['prev_edition']} "
                   "edition", {}) if top else Finding("tally", "No figure changed", {})).text
    title = f"{name}: past figures changed in each new edition"
    chart = ChartCall(base.hbars, dict(rows=slim(rows, ["category", "value", "value_text"]), category="category",
                                       value="value", x_title="Figures changed", x_format="d", title=title,
                                       label="value_text"))
    desc = "Bar chart. " + " ".join(f"{r['category']}: {r['changed']} figures changed ({r['revised_up']} up, "
                                     f"{r['revised_down']} down, {r['rounded']} rounded)." for r in rows)
    if quiet:
        desc += f" Editions after which nothing changed: {', '.join(quiet)}."
    return Figure(id=f"revisions-by-edition-{source}".replace("_", "-"), title=title, takeaway=takeaway,
                  description=desc, rows=rows, chart=chart,
                  columns=[Column("category", "Editions compared"), Column("value_text", "Figures changed", "value"),
                           Column("revised_up", "Revised up", "count"), Column("revised_down", "Revised down", "count"),
                           Column("rounded", "Only rounded", "count"), Column("locator", "How")],
                  sources=source_refs(ctx, rows),
                  caveat="A figure is the same platform, policy, metric, period and place in two consecutive editions; "
                         "renamed policies, metrics and places are matched through the taxonomy. Formatting changes "
                         "do not count; a value printed with fewer decimals that rounds from the old one counts as "
                         "'rounded'.",
                  data_period=(f"the {rows[0]['prev_edition']} to {rows[-1]['edition']} editions" if rows else ""))


def round_trip(ctx: Ctx) -> tuple[Figure | None, Row | None]:
    """Meta's child sexual exploitation figure that changed and came back, edition by edition."""
    steps = ctx.query("revision_history_steps", source_id="meta_cser", policy_areas=CSE, metrics=["content_actioned"])
    if not steps:
        return None, None
    for r in steps:
        r["series"] = f"{r['platform_label']}: {r['policy_label']}, {fmt.period(r['period_start'], r['period_end'])}"
        r["x"] = r["edition_end"].isoformat()
        r["period"] = r["edition"]
        r["value_text"] = r["value_as_published"]
        r["unit"] = "pieces of content"
        r["period_start"], r["period_end"] = r["period_start"].isoformat(), r["period_end"].isoformat()
    # the figure with the largest swing leads the page
    lead = max(steps, key=lambda r: (r["max_value"] - r["min_value"]) / max(r["max_value"], 1))
    show = [r for r in steps if r["period_start"] == lead["period_start"]]
    chunks: list[tuple[str, str, str]] = []
    for r in (r for r in show if r["series"] == lead["series"]):
        if chunks and chunks[-1][0] == r["value_as_published"]:
            chunks[-1] = (chunks[-1][0], chunks[-1][1], r["edition"])
        else:
            chunks.append((r["value_as_published"], r["edition"], r["edition"]))
    path = ", then ".join(f"{v} (the {a} edition)" if a == b else f"{v} (the {a} to {b} editions)" for v, a, b in chunks)
    period = fmt.period_iso(lead["period_start"], lead["period_end"])
    title = f"One quarter, re-published: Meta's {period} '{lead['policy_label']}' counts in each edition"
    chart = ChartCall(base.time_lines, dict(rows=slim(show, ["x", "value", "series"]), x="x", y="value",
                                            series="series", y_title="Pieces of content actioned", y_format="~s",
                                            title=title))
    fig = Figure(id="revisions-round-trip", title=title,
                 takeaway=ctx.writer.write(Finding(
                     "versus", f"{lead['platform_label']}'s '{lead['policy_label']}' count for {period} read {path}", {})).text,
                 description="Line chart; x axis: the edition (quarter of publication), y axis: the value the edition "
                             "gave for the same past quarter. " + describe(ctx, show, "series", each="edition"),
                 rows=show, chart=chart,
                 columns=[Column("series", "Figure"), Column("period", "Edition"), Column("value_text", "Value", "value"),
                          Column("locator", "Where it was read")],
                 sources=source_refs(ctx, show), caveat="Meta gives no reason for these changes in the CSV files.",
                 data_period=f"{period}, as printed in the {chunks[0][1]} to {chunks[-1][2]} editions")
    return fig, lead


def largest(ctx: Ctx, source: str, rows: list[Row]) -> Figure | None:
    """The largest relative revisions of counts of 1,000 or more (None when there is none)."""
    big = [r for r in rows if r["prev_value"] and r["prev_value"] >= 1000 and r["unit_kind"] == "count"
           and r["change_kind"] != "rounded"][:25]
    if not big:
        return None
    name = ctx.sources[source]["short"]
    return Figure(id=f"revisions-largest-{source}".replace("_", "-"),
                  title=f"{name}: the largest relative revisions of counts of 1,000 or more",
                  takeaway=ctx.writer.write(Finding(
                      "versus", f"The largest: {big[0]['figure']}, {big[0]['period']} ({big[0]['place']}), went from "
                                f"{big[0]['prev_value_as_published']} in the {big[0]['prev_edition']} edition to "
                                f"{big[0]['value_as_published']} in the {big[0]['edition']} edition", {})).text,
                  description="Table only.", rows=big, columns=REVISION_COLUMNS, sources=source_refs(ctx, big))


def all_revisions(ctx: Ctx, source: str, rows: list[Row]) -> Figure:
    trips = sum(1 for r in rows if r["round_trip"])
    name = ctx.sources[source]["short"]
    return Figure(id=f"revisions-all-{source}".replace("_", "-"), title=f"{name}: every revision found",
                  cites=[], takeaway=ctx.writer.write(Finding(
                      "tally", f"{fmt.plural(len(rows), 'change')}; {trips:,} of them belong to figures that later returned to "
                               "a value they had before", {})).text,
                  description="Table only.", rows=rows, columns=REVISION_COLUMNS, sources=source_refs(ctx, rows))


def summary(ctx: Ctx, source: str, rows: list[Row]) -> dict:
    pairs = ctx.query("revisions_by_edition", source_id=source)
    editions = sorted({p["edition"] for p in pairs} | {p["prev_edition"] for p in pairs})
    first = ctx.rows("SELECT min(period_start) AS s, arg_min(period_end, (period_start, period_end)) AS e FROM stg_observations "
                     "WHERE source_id = $s AND release_kind = 'raw'", {"s": source})[0]
    return {
        "source": ctx.sources[source], "source_id": source,
        "history_from": fmt.period(first["s"], first["e"]) if first["s"] else "",
        "changes": len(rows), "rounded": sum(1 for r in rows if r["change_kind"] == "rounded"),
        "distinct": len({(r["platform_label"], r["policy_key"], r["metric_key"], r["period"], r["geo_code"])
                         for r in rows}),
        "first": editions[0] if editions else "", "last": editions[-1] if editions else "",
        "n_editions": len(editions),
        "cse_changes": sum(1 for r in rows if r["policy_area"] == "child_sexual_exploitation"),
        "round_trips": len({(r["platform_label"], r["policy_key"], r["metric_key"], r["period"], r["geo_code"])
                            for r in rows if r["round_trip"]}),
    }


def build(ctx: Ctx) -> list[Page]:
    sources = [r["source_id"] for r in ctx.rows("SELECT DISTINCT source_id FROM edition_pairs ORDER BY source_id")]
    sections, figures = [], []
    for source in sources:
        rows = revision_rows(ctx, source)
        big = largest(ctx, source, rows)
        figs = [f for f in (by_edition(ctx, source), big, all_revisions(ctx, source, rows)) if f]
        figures.extend(figs)
        sections.append({**summary(ctx, source, rows), "figs": figs, "no_large_revision": big is None})
    trip, lead = round_trip(ctx)
    if trip:
        figures.append(trip)
    return [Page(path="revisions.md", title="Revisions", template="pages/revisions.md.j2", nav="Revisions",
                 context={"sections": sections, "round_trip": trip, "lead": lead}, figures=figures)]
