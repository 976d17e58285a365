"""Builders for the figure shapes pages use most: series over time, values side by side.

They take rows from ``Ctx.points`` (already filtered by the page), attach the series name,
generate the description and the source list, and leave the takeaway to the caller, who
knows what the chart is about.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from site_builder import fmt
from site_builder.charts import base
from site_builder.figures import ChartCall, Column, Figure, describe_series
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


def line_figure(ctx: Ctx, *, id: str, title: str, rows: list[Row], series_of: Callable[[Row], str],
                y_title: str, y_format: str, takeaway: str, unit_word: str = "", caveat: str = "",
                events: Sequence[Row] = (), value_fmt: Callable[[Any], str] = fmt.count,
                y_zero: bool = True) -> Figure:
    for r in rows:
        r["series"] = series_of(r)
    rows.sort(key=lambda r: (r["series"], r["period_start"]))
    events = shown_events(events, rows)
    chart = ChartCall(base.time_lines, dict(
        rows=slim(rows, ["x", "value", "series"]), x="x", y="value", series="series", y_title=y_title,
        y_format=y_format, title=title, events=slim(events, ["date", "label"]), y_zero=y_zero))
    desc = f"Line chart. {describe_series(rows, series='series', period='period', value='value', fmt=value_fmt, unit=unit_word)}"
    drawn = base.events_in_span(events, (min(r["x"] for r in rows), max(r["x"] for r in rows)) if rows else None)
    if drawn:
        desc += " Marked events: " + "; ".join(f"{e['date']}: {e['label']}" for e in drawn) + "."
    return Figure(id=id, title=title, takeaway=takeaway, description=desc, rows=rows,
                  columns=SERIES_COLUMNS, sources=source_refs(ctx, rows), chart=chart,
                  caveat=with_definitions(ctx, rows, caveat), data=ctx.selection(),
                  notes=[f"{e['label']} ({e['date']}): {e['text']}" for e in events])


def facet_figure(ctx: Ctx, *, id: str, title: str, rows: list[Row], facet_of: Callable[[Row], str],
                 series_of: Callable[[Row], str], y_title: str, takeaway: str, caveat: str,
                 events: Sequence[Row] = ()) -> Figure:
    for r in rows:
        r["facet"] = facet_of(r)
        r["series"] = series_of(r)
    rows.sort(key=lambda r: (r["facet"], r["series"], r["period_start"]))
    events = shown_events(events, rows)
    chart = ChartCall(base.facet_lines, dict(
        rows=slim(rows, ["x", "value", "series", "facet"]), x="x", y="value", series="series", facet="facet",
        y_title=y_title, title=title))
    parts = []
    for f in dict.fromkeys(r["facet"] for r in rows):
        sub = [r for r in rows if r["facet"] == f]
        parts.append(f"Panel {f}: " + describe_series(sub, series="series", period="period", value="value", fmt=fmt.count))
    return Figure(id=id, title=title, takeaway=takeaway,
                  description="Small multiples, one panel per platform and measure, each on its own scale. " + " ".join(parts),
                  rows=rows, columns=[Column("facet", "Panel")] + SERIES_COLUMNS, sources=source_refs(ctx, rows),
                  chart=chart, caveat=with_definitions(ctx, rows, caveat), data=ctx.selection(),
                  notes=[f"{e['label']} ({e['date']}): {e['text']}" for e in events])


def bar_figure(ctx: Ctx, *, id: str, title: str, rows: list[Row], category_of: Callable[[Row], str],
               x_title: str, x_format: str, takeaway: str, caveat: str = "",
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
        f"{r['category']}{' (' + r['group'] + ')' if color_of else ''}: {r['value_text']} ({r['period']})." for r in rows)
    cols = columns or [Column("category", "Bar")] + ([Column("group", "Measure")] if color_of else []) + SERIES_COLUMNS[1:]
    return Figure(id=id, title=title, takeaway=takeaway, description=desc, rows=rows, columns=cols,
                  sources=source_refs(ctx, rows), chart=chart, caveat=with_definitions(ctx, rows, caveat),
                  data=ctx.selection())
