"""Builders for the figure shapes pages use most: series over time, values side by side.

They take rows from ``Ctx.points`` (already filtered by the page), attach the series name,
generate the description and the source list, and leave the takeaway to the caller, who
knows what the chart is about.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from site_builder import fmt
from site_builder.charts import base
from site_builder.figures import ChartCall, Column, Figure
from site_builder.findings import Written
from site_builder.pages.common import Ctx, Row, comparability_note, source_refs

SERIES_COLUMNS = [
    Column("series", "Series"),
    Column("period", "Period"),
    Column("value_text", "Value", "value"),
    Column("value_as_published", "As published"),
    Column("unit", "Unit"),
    Column("locator", "Where it was read"),
]


def slim(rows: Sequence[Row], fields: Sequence[str]) -> list[Row]:
    """Only the fields a chart draws: keeps chart specs small and their cache keys stable."""
    return [{k: r.get(k) for k in fields} for r in rows]


def with_definitions(ctx: Ctx, rows: Sequence[Row], caveat: str) -> str:
    """The figure's caveat, followed by what each source counts when definitions differ."""
    note = comparability_note(ctx, rows)
    return " ".join(p for p in (caveat, note) if p)


def events_for(ctx: Ctx, *, sources: Sequence[str], platforms: Sequence[str] = (),
               areas: Sequence[str] = (), start: str | None = None, end: str | None = None) -> list[Row]:
    """Annotations that concern the sources (and, if given, platforms and areas) of a chart."""
    rows = ctx.query("annotations_for", sources=list(sources), platforms=list(platforms) or None,
                     areas=list(areas) or None, start=start, end=end)
    for r in rows:
        r["date_text"] = fmt.date_text(r["date"], r["date_precision"])  # 'April 2023', never '2023-04-01'
        r["date"] = r["date"].isoformat()
    return rows


def shown_events(events: Sequence[Row], rows: Sequence[Row]) -> list[Row]:
    """The events that concern a platform and a policy area drawn in ``rows`` (or every one):
    a policy change at YouTube is not marked on a chart of Meta's numbers, nor a change to a
    hate speech rule on a chart of child-safety counts."""
    platforms = {r.get("platform_id") for r in rows} - {None}
    areas = {r.get("policy_area") for r in rows} - {None}

    def touches(listed: Sequence[str] | None, shown: set[str]) -> bool:
        return not listed or not shown or "*" in listed or bool(shown & set(listed))

    return [e for e in events if touches(e.get("platforms"), platforms) and touches(e.get("policy_areas"), areas)]


def mark_breaks(ctx: Ctx, rows: list[Row], group: str = "series") -> list[str]:
    """Give each row the comparability break whose stretch holds it (``comparability_break``,
    in the chart's CSV; empty before any break), the stretch of its line between breaks
    (``segment``: a line is not drawn across a break) and ``after_break`` (drawn hollow) when
    the chart also shows figures outside that stretch. Returns the labels of the breaks drawn."""
    w = ctx.writer
    facts = [w.fact(r) for r in rows]
    found = [w.break_after(f) for f in facts]
    visible = [b for b in w.breaks
               if any(b.after(f) for f in facts) and any(b.applies(f) and not b.inside(f) for f in facts)]
    for r, b in zip(rows, found):
        r["comparability_break"] = b.label if b else ""
        r["after_break"] = b in visible
        r["segment"] = f"{r[group]}|{b.break_id if b else ''}"
    return [b.label for b in visible]


def releases_notes(ctx: Ctx, rows: Sequence[Row]) -> list[str]:
    """Per source whose points on one chart come both from a publisher's file and from a
    transcription (Meta: its 2024Q2 CSV edition up to 2024Q2, a hand transcription of later
    reports after it), which release each stretch of periods was read from."""
    notes = []
    for source in sorted({r["source_id"] for r in rows}):
        mine = [r for r in rows if r["source_id"] == source]
        if {r.get("release_kind") for r in mine} != {"raw", "curated"}:
            continue
        runs: dict[str, list[Row]] = {}
        for r in sorted(mine, key=lambda r: (r["period_start"], r["period_end"], r["release_id"])):
            runs.setdefault(r["release_id"], []).append(r)
        parts = []
        for rel in sorted(runs.values(), key=lambda rs: (rs[0]["period_start"], rs[0]["release_id"])):
            span = fmt.span_text(rel[0]["period"], rel[-1]["period"])
            parts.append(f"{span} as printed in the {rel[0]['edition']} edition of its file" if rel[0]["release_kind"] == "raw"
                         else f"{span} from the {rel[0]['edition']} release")
        notes.append(f"The {ctx.sources[source]['publisher']} figures on this chart come from {len(runs)} releases: "
                     + "; ".join(parts) + ". Each stretch is as its own release gives it: the earlier periods are not "
                     "checked against later editions of the file, which this site does not hold.")
    return notes


def break_note(labels: Sequence[str]) -> list[str]:
    if not labels:
        return []
    return [f"Hollow points are figures after {' and after '.join(labels)}; the line is not drawn across "
            f"{'that break' if len(labels) == 1 else 'those breaks'}, and the CSV names the break for every row."]


def platform_colours(ctx: Ctx, rows: Sequence[Row], series: str = "series") -> dict[str, str]:
    """Series -> its platform's colour (``data/taxonomy/palette.csv``) when the chart's series are
    platforms: every series belongs to one platform and there are at least two platforms (series
    of one platform, its policies, say, take the generic palette; two series of one platform on a
    chart of several share its colour and differ in dash and point shape)."""
    owner: dict[str, set[str]] = {}
    for r in rows:
        owner.setdefault(r[series], set()).add(r.get("platform_id") or "")
    if any(len(p) != 1 or "" in p for p in owner.values()) or len(set().union(*owner.values()) if owner else ()) < 2:
        return {}
    palette = {r["platform_id"]: r["colour"]
               for r in ctx.rows("SELECT platform_id, colour FROM tax_palette ORDER BY platform_id")}
    return {name: palette[next(iter(p))] for name, p in owner.items() if next(iter(p)) in palette}


def panel_note(rows: Sequence[Row], series: str = "series") -> list[str]:
    """What a reader must know when a chart's series are split into panels (more than
    ``base.MAX_SERIES``): how they were grouped and that heights differ in scale between panels."""
    groups = base.panel_groups(rows, series, "value")
    if len(groups) < 2:
        return []
    sizes = " and ".join(str(len(g)) for g in groups)
    return [f"The {sum(map(len, groups))} series are drawn in {len(groups)} panels ({sizes} series), ordered by "
            f"their highest value, largest first; each panel has its own scale, so heights are not comparable "
            f"between panels."]


def describe(ctx: Ctx, rows: Sequence[Row], series: str, style: str = "count", each: str = "period") -> str:
    """The chart description written from the rows: per series and stretch between breaks."""
    w = ctx.writer
    return " ".join(w.describe(name.replace("{", "(").replace("}", ")"),
                               [w.fact(r, style=style) for r in rows if r[series] == name], each=each).text
                    for name in dict.fromkeys(r[series] for r in rows))


def line_figure(ctx: Ctx, *, id: str, title: str, rows: list[Row], series_of: Callable[[Row], str],
                y_title: str, y_format: str, takeaway: Written, caveat: str = "",
                events: Sequence[Row] = (), y_zero: bool = True) -> Figure:
    for r in rows:
        r["series"] = series_of(r)
    rows.sort(key=lambda r: (r["series"], r["period_start"]))
    drawn_breaks = mark_breaks(ctx, rows)
    events = shown_events(events, rows)
    chart = ChartCall(base.time_lines, dict(
        rows=slim(rows, ["x", "value", "series", "segment", "after_break"]), x="x", y="value", series="series",
        y_title=y_title, y_format=y_format, title=title, events=slim(events, ["date", "label"]), y_zero=y_zero,
        colours=platform_colours(ctx, rows)))
    panels = panel_note(rows)
    desc = f"Line chart{' in panels' if panels else ''}. {describe(ctx, rows, 'series')}"
    drawn = base.events_in_span(events, (min(r["x"] for r in rows), max(r["x"] for r in rows)) if rows else None)
    if drawn:
        desc += " Marked events: " + "; ".join(f"{e['date_text']}: {e['label']}" for e in drawn) + "."
    return Figure(id=id, title=title, takeaway=takeaway.text, cites=list(takeaway.rows), description=desc, rows=rows,
                  columns=SERIES_COLUMNS, sources=source_refs(ctx, rows), chart=chart,
                  caveat=with_definitions(ctx, rows, caveat), data=ctx.selection(),
                  notes=panels + break_note(drawn_breaks) + releases_notes(ctx, rows)
                  + [f"{e['label']} ({e['date_text']}): {e['text']}" for e in events])


def facet_figure(ctx: Ctx, *, id: str, title: str, rows: list[Row], facet_of: Callable[[Row], str],
                 series_of: Callable[[Row], str], y_title: str, takeaway: Written, caveat: str,
                 events: Sequence[Row] = ()) -> Figure:
    for r in rows:
        r["facet"] = facet_of(r)
        r["series"] = series_of(r)
    rows.sort(key=lambda r: (r["facet"], r["series"], r["period_start"]))
    for r in rows:
        r["panel_series"] = f"{r['facet']}|{r['series']}"
    drawn_breaks = mark_breaks(ctx, rows, group="panel_series")
    events = shown_events(events, rows)
    chart = ChartCall(base.facet_lines, dict(
        rows=slim(rows, ["x", "value", "series", "facet", "segment", "after_break"]), x="x", y="value",
        series="series", facet="facet", y_title=y_title, title=title, colours=platform_colours(ctx, rows)))
    parts = [f"Panel {f}: " + describe(ctx, [r for r in rows if r["facet"] == f], "series")
             for f in dict.fromkeys(r["facet"] for r in rows)]
    return Figure(id=id, title=title, takeaway=takeaway.text, cites=list(takeaway.rows),
                  description="Small multiples, one panel per platform and measure, each on its own scale. " + " ".join(parts),
                  rows=rows, columns=[Column("facet", "Panel")] + SERIES_COLUMNS, sources=source_refs(ctx, rows),
                  chart=chart, caveat=with_definitions(ctx, rows, caveat), data=ctx.selection(),
                  notes=break_note(drawn_breaks) + releases_notes(ctx, rows)
                  + [f"{e['label']} ({e['date_text']}): {e['text']}" for e in events])


def bar_figure(ctx: Ctx, *, id: str, title: str, rows: list[Row], category_of: Callable[[Row], str],
               x_title: str, x_format: str, takeaway: Written, caveat: str = "",
               color_of: Callable[[Row], str] | None = None, columns: list[Column] | None = None) -> Figure:
    for r in rows:
        r["category"] = category_of(r)
        if color_of:
            r["group"] = color_of(r)
    chart = ChartCall(base.hbars, dict(
        rows=slim(rows, ["category", "value", "value_text"] + (["group"] if color_of else [])), category="category",
        value="value", x_title=x_title, x_format=x_format, title=title, color="group" if color_of else None,
        label="value_text"))
    desc = "Bar chart. " + " ".join(
        f"{r['category']}{' (' + r['group'] + ')' if color_of else ''}: {ctx.writer.fact(r, style='count').full()} "
        f"({r['period']})." for r in rows)
    cols = columns or [Column("category", "Bar")] + ([Column("group", "Measure")] if color_of else []) + SERIES_COLUMNS[1:]
    return Figure(id=id, title=title, takeaway=takeaway.text, cites=list(takeaway.rows), description=desc, rows=rows,
                  columns=cols, sources=source_refs(ctx, rows), chart=chart, caveat=with_definitions(ctx, rows, caveat),
                  data=ctx.selection())
