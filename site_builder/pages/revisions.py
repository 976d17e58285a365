"""Revisions page: how platforms change their past figures from one edition to the next.
Child safety first, then one section per policy area (the focus areas, then the others), each
with its count of changed figures, its largest changes and the full list; which sources could
be checked at all (sql/queries/revision_checks.sql), and per checked source its editions."""

from __future__ import annotations

from site_builder import fmt
from site_builder.charts import base
from site_builder.figures import ChartCall, Column, Figure
from site_builder.findings import Finding
from site_builder.pages.common import Ctx, Page, Row, platform_href, source_refs
from site_builder.pages.figs import describe, slim

CSE = ["child_sexual_exploitation"]
CHILD_SAFETY = ["child_sexual_exploitation", "child_safety_broad", "child_safety_other"]
# the policy areas in the order of the page; every other area follows by its rank in policy_areas.csv
FOCUS_ORDER = ["child_sexual_exploitation", "hate_speech", "terrorism_violent_extremism", "bullying_harassment"]
LARGEST = 5  # changes shown in the child-safety areas' sections (the full list follows, folded)
LARGEST_OTHER = 3  # in every other area's section
REVISION_COLUMNS = [
    Column("figure", "Figure"),
    Column("source", "Source"),
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
        r["what"] = f"{r['policy_label']}: {r['metric_label']}"
        r["platform_href"] = platform_href(ctx, r["platform_id"])
        r["source"] = ctx.sources[r["source_id"]]["short"]
        r["period"] = fmt.period(r["period_start"], r["period_end"])
        r["place"] = r["geography"]
        r["change_text"] = fmt.change(r)
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
    title = (f"{name}: {fmt.plural(total, 'past figure')} changed across {fmt.plural(len(rows), 'new edition')}"
             + (f", most in the {top['edition']} edition" if top and top["changed"] else ""))
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


def largest(rows: list[Row], n: int = LARGEST) -> tuple[list[Row], str]:
    """The ``n`` largest relative changes among ``rows`` and what they were chosen from: counts
    of 1,000 or more revised (not only rounded), else every change with a numeric earlier value,
    else every change other than rounding."""
    changed = [r for r in rows if r["change_kind"] != "rounded"]
    big = [r for r in changed if r["change_ratio"] is not None and r["unit_kind"] == "count"
           and r["prev_value"] is not None and r["prev_value"] >= 1000]
    basis = "counts of 1,000 or more, by relative change (changes that only rounded a value left out)"
    if not big:
        big = [r for r in changed if r["change_ratio"] is not None]
        basis = "changes with a numeric earlier value, by relative change (no count of 1,000 or more changed)"
    if not big:
        big, basis = changed, "changes other than rounding (none has a numeric earlier value to compare)"
    return sorted(big, key=lambda r: -abs(r["change_ratio"] or 0))[:n], basis


def area_name(ctx: Ctx, area: str | None) -> str:
    return ctx.policy_areas[area]["name"] if area in ctx.policy_areas else "Other or mixed"


def area_section(ctx: Ctx, area: str, rows: list[Row]) -> dict:
    """One policy area: how many changes to how many figures, per source; its largest
    changes; and the figure that lists every change (table and CSV)."""
    name = area_name(ctx, area)
    slug = area.replace("_", "-")
    figures = len({_figure_key(r) for r in rows})
    per_source = [(ctx.sources[s]["short"], sum(1 for r in rows if r["source_id"] == s))
                  for s in sorted({r["source_id"] for r in rows})]
    top, basis = largest(rows, LARGEST if area in CHILD_SAFETY else LARGEST_OTHER)
    rounded = sum(1 for r in rows if r["change_kind"] == "rounded")
    listed = ctx.writer.write(Finding(
        "tally", f"All {fmt.plural(len(rows), 'change')}, the largest relative change first"
                 + (f"; {rounded:,} of them only rounded a value to fewer decimals" if rounded else ""), {}))
    fig = Figure(id=f"revisions-{slug}", cites=[],
                 title=f"{name}: {fmt.plural(len(rows), 'change')} to {fmt.plural(figures, 'published figure')}",
                 takeaway=listed.text, description="Table only.", rows=rows, columns=REVISION_COLUMNS,
                 sources=source_refs(ctx, rows),
                 caveat="A change is the same platform, policy, metric, period and place with another value in the "
                        "next edition; 'Returned to an earlier value?' says whether the figure later came back.")
    return {"area": area, "slug": slug, "name": name, "changes": len(rows), "figures": figures,
            "per_source": per_source, "largest": top, "basis": basis, "fig": fig,
            "round_trips": len({_figure_key(r) for r in rows if r["round_trip"]})}


def _figure_key(r: Row) -> tuple:
    """One published figure: source, platform, policy, metric, period and place."""
    return (r["source_id"], r["platform_label"], r["policy_key"], r["metric_key"], r["period"], r["geo_code"])


def area_sections(ctx: Ctx, rows: list[Row]) -> list[dict]:
    """A section per policy area with a change: FOCUS_ORDER first, then by rank."""
    areas = sorted({r["policy_area"] or "other" for r in rows},
                   key=lambda a: (FOCUS_ORDER.index(a) if a in FOCUS_ORDER else len(FOCUS_ORDER),
                                  ctx.policy_areas[a]["rank"] if a in ctx.policy_areas else 999, a))
    return [area_section(ctx, a, [r for r in rows if (r["policy_area"] or "other") == a]) for a in areas]


def checkable(ctx: Ctx) -> list[Row]:
    """Every source: whether it could be checked for revisions, across which editions, and
    why not otherwise (from the releases table: sql/queries/revision_checks.sql)."""
    out = []
    for r in ctx.query("revision_checks"):
        r = dict(r)
        r["checked"] = r["overlapping_pairs"] > 0
        if r["checked"] and not r["full_editions"]:  # releases of one report (a DSA report re-issued)
            r["editions"] = (f"{r['single_files']} releases, {fmt.dates_in_words(r['first_single'])} to "
                             f"{fmt.dates_in_words(r['last_single'])}")
            r["why"] = (f"a report re-issued or corrected is compared with the release of the same report before it; "
                        f"{fmt.plural(r['pairs'], 'pair')} of releases compared, {fmt.plural(r['changes'], 'change')} found")
        elif r["checked"]:
            r["editions"] = f"{r['full_editions']} full editions, {r['first_full']} to {r['last_full']}"
            r["why"] = (f"each edition republishes the whole history; {fmt.plural(r['pairs'], 'pair')} of consecutive "
                        f"editions compared, {fmt.plural(r['changes'], 'change')} found")
        elif r["full_editions"] >= 2:
            r["editions"] = f"{r['full_editions']} full editions, {r['first_full']} to {r['last_full']}"
            r["why"] = "its full editions do not overlap in periods, so no figure appears in two of them"
        elif r["full_editions"] == 1:
            r["editions"] = f"1 full edition ({r['first_full']})"
            r["why"] = "one full edition only: there is no second to compare it with"
        elif r["source_id"] == "dsa_reports" and r["single_files"]:  # one release per report (table 1)
            r["editions"] = (f"{fmt.plural(r['single_files'], 'report')}, {fmt.dates_in_words(r['first_single'])} to "
                             f"{fmt.dates_in_words(r['last_single'])}")
            r["why"] = ("each report covers its own half-year; a report re-issued or corrected would be compared with "
                        "the release of the same report before it, and none is held")
        elif r["single_editions"] >= 2:
            r["editions"] = f"{r['single_editions']} editions, {r['first_single']} to {r['last_single']}"
            r["why"] = ("each edition publishes only its own periods, not the whole history"
                        + (f" ({fmt.plural(r['repeated_periods'], 'period')} appear in two editions; editions that are "
                           "not full republications are not compared)" if r["repeated_periods"] else
                           ", so no figure appears in two of them"))
        elif r["single_editions"] == 1:
            r["editions"] = f"1 edition ({r['first_single']})" + (
                f" in {r['single_files']} files" if r["single_files"] > 1 else "")
            r["why"] = "one edition only: there is no second to compare it with"
        else:
            r["editions"] = "no publisher's file; " + fmt.plural(r["curated"], "transcription")
            r["why"] = "only transcriptions (by hand or from a copy) are in this site, not editions of the publisher's files"
        if r["curated"] and (r["full_editions"] or r["single_editions"]):
            r["editions"] += f", and {fmt.plural(r['curated'], 'transcription')} (not compared)"
        out.append(r)
    return out


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
    by_source, figures, rows = [], [], []
    for source in sources:
        src_rows = revision_rows(ctx, source)
        rows.extend(src_rows)
        chart = by_edition(ctx, source)
        figures.append(chart)
        by_source.append({**summary(ctx, source, src_rows), "fig": chart})
    areas = area_sections(ctx, rows)
    figures.extend(a["fig"] for a in areas)
    trip, lead = round_trip(ctx)
    if trip:
        figures.append(trip)
    child = [a for a in areas if a["area"] in CHILD_SAFETY]
    focus = [a for a in areas if a["area"] in FOCUS_ORDER]
    return [Page(path="revisions.md", title="Revisions", template="pages/revisions.md.j2", nav="Revisions",
                 context={"by_source": by_source, "round_trip": trip, "lead": lead, "areas": areas,
                          "focus": focus, "others": [a for a in areas if a["area"] not in FOCUS_ORDER],
                          "focus_missing": [ctx.policy_areas[a]["name"] for a in FOCUS_ORDER
                                            if a in ctx.policy_areas and a not in {x["area"] for x in areas}],
                          "child": child, "child_changes": sum(a["changes"] for a in child),
                          "child_figures": sum(a["figures"] for a in child), "total": len(rows),
                          "checks": checkable(ctx)},
                 figures=figures)]
