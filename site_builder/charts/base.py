"""Generic chart shapes used by every page. Each function is pure: it takes the rows
that will also be published as the chart's CSV and returns an Altair chart.

Row fields the functions read are named by arguments; dates are ISO strings and are
drawn on a UTC time scale so that no time zone shifts a quarter.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import altair as alt

from site_builder.charts.theme import DASHES, MUTED, PALETTE, SHAPES, WIDTH, enable

Row = dict[str, Any]


def _scales(series: Sequence[str]) -> tuple[alt.Scale, alt.Scale, alt.Scale]:
    """Colour, dash and point shape per series. Past eight series the colours repeat, but the
    shape and dash move on by one each round, so no two series (up to 64) look alike."""
    n = len(series)
    return (
        alt.Scale(domain=list(series), range=[PALETTE[i % len(PALETTE)] for i in range(n)]),
        alt.Scale(domain=list(series), range=[DASHES[(i + 2 * (i // len(PALETTE))) % len(DASHES)] for i in range(n)]),
        alt.Scale(domain=list(series), range=[SHAPES[(i + i // len(PALETTE)) % len(SHAPES)] for i in range(n)]),
    )


def _day(value: Any) -> date:
    return date.fromisoformat(str(value)[:10])


def events_in_span(events: Sequence[Row], span: tuple[str, str] | None) -> list[Row]:
    """The events drawn on a time chart whose data runs over ``span`` (first, last date):
    those within half a year of it, so that no event stretches the time axis."""
    if not span:
        return list(events)
    lo, hi = _day(span[0]), _day(span[1])
    return [e for e in events if lo - timedelta(days=183) <= _day(e["date"]) <= hi + timedelta(days=183)]


def _events_layer(events: Sequence[Row], span: tuple[str, str] | None = None, lanes: int = 3) -> list[alt.Chart]:
    """Dated events (policy or method changes) as labelled vertical rules. Only events within
    half a year of the data's ``span`` (first, last date drawn) are drawn, so that an event does
    not stretch the time axis; every event stays in the figure's description and notes. Labels
    are set in ``lanes`` rows, in date order, cut to 170 px, and written leftwards from rules in
    the last 40 % of the axis so they stay inside the plot."""
    events = events_in_span(events, span)
    if not events:
        return []
    lo, hi = (_day(span[0]), _day(span[1])) if span else (None, None)

    def right(d: Any) -> bool:  # in the last 40 % of the axis: label written leftwards
        return bool(span) and hi > lo and (_day(d) - lo) / (hi - lo) > 0.6

    ordered = sorted(events, key=lambda e: str(e["date"]))
    values = [{"date": e["date"], "label": e["label"], "lane_y": 2 + 13 * (i % lanes), "right": right(e["date"])}
              for i, e in enumerate(ordered)]
    x = alt.X("date:T", scale=alt.Scale(type="utc"))
    layers = [alt.Chart(alt.Data(values=values)).mark_rule(strokeDash=[3, 3], color=MUTED, strokeWidth=1.2).encode(x=x)]
    for leftwards in (False, True):
        part = [v for v in values if v["right"] == leftwards]
        if part:
            layers.append(alt.Chart(alt.Data(values=part)).mark_text(
                align="right" if leftwards else "left", baseline="top", dx=-4 if leftwards else 4, fontSize=11, color=MUTED,
                limit=170).encode(x=x, y=alt.Y("lane_y:Q", scale=None), text="label:N"))
    return layers


def time_lines(rows: Sequence[Row], *, x: str, y: str, series: str, y_title: str, y_format: str,
               title: str, events: Sequence[Row] = (), height: int = 300,
               y_zero: bool = True) -> alt.LayerChart:
    """One line per series over time, points on every published value, dashes per series."""
    enable()
    names = list(dict.fromkeys(r[series] for r in rows))
    color, dash, shape = _scales(names)
    base = alt.Chart(alt.Data(values=list(rows)))
    enc = {
        "x": alt.X(f"{x}:T", title=None, scale=alt.Scale(type="utc"), axis=alt.Axis(format="%Y", tickCount="year")),
        "y": alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=y_format), scale=alt.Scale(zero=y_zero)),
        "color": alt.Color(f"{series}:N", scale=color, title=None),
    }
    line = base.mark_line().encode(**enc, strokeDash=alt.StrokeDash(f"{series}:N", scale=dash, title=None),
                                   **_segments(rows))
    xs = sorted(str(r[x]) for r in rows)
    layers = [line, *_points(base, rows, enc, series, shape), *_events_layer(events, (xs[0], xs[-1]) if xs else None)]
    return alt.layer(*layers).properties(width=WIDTH, height=height, title=title)


def _segments(rows: Sequence[Row]) -> dict[str, Any]:
    """A line is not drawn through a comparability break: rows carry ``segment`` (which
    stretch between breaks they belong to) and each stretch is its own line."""
    return {"detail": alt.Detail("segment:N")} if any("segment" in r for r in rows) else {}


def _points(base: alt.Chart, rows: Sequence[Row], enc: dict[str, Any], series: str, shape: alt.Scale,
            legend: bool = True) -> list[alt.Chart]:
    """Filled points, and hollow ones for values published after a comparability break
    (rows with ``after_break`` true)."""
    shape_enc = alt.Shape(f"{series}:N", scale=shape, title=None, legend=None if not legend else alt.Undefined)
    if not any(r.get("after_break") for r in rows):
        return [base.mark_point(filled=True).encode(**enc, shape=shape_enc)]
    return [base.transform_filter("!datum.after_break").mark_point(filled=True).encode(**enc, shape=shape_enc),
            base.transform_filter("datum.after_break").mark_point(filled=False, strokeWidth=2, size=60)
            .encode(**enc, shape=shape_enc)]


def hbars(rows: Sequence[Row], *, category: str, value: str, x_title: str, x_format: str, title: str,
          color: str | None = None, label: str | None = None, sort: Sequence[str] | None = None) -> alt.LayerChart:
    """Horizontal bars, one per category, with the value written at the bar end."""
    enable()
    cats = list(sort) if sort else list(dict.fromkeys(r[category] for r in rows))
    base = alt.Chart(alt.Data(values=list(rows)))
    y = alt.Y(f"{category}:N", title=None, sort=cats, axis=alt.Axis(labelLimit=260))
    enc: dict[str, Any] = {"y": y, "x": alt.X(f"{value}:Q", title=x_title, axis=alt.Axis(format=x_format))}
    if color:
        names = list(dict.fromkeys(r[color] for r in rows))
        cscale, _, _ = _scales(names)
        enc["color"] = alt.Color(f"{color}:N", scale=cscale, title=None)
        enc["yOffset"] = alt.YOffset(f"{color}:N", sort=names)
    bars = base.mark_bar().encode(**enc)
    text_enc = {k: v for k, v in enc.items() if k != "color"}
    text = base.mark_text(align="left", dx=3, fontSize=11).encode(**text_enc, text=f"{label or value}:N")
    n_bars = len(rows)
    return alt.layer(bars, text).properties(width=WIDTH - 280, height=max(60, 22 * n_bars), title=title)


def facet_lines(rows: Sequence[Row], *, x: str, y: str, series: str, facet: str, y_title: str,
                title: str) -> alt.FacetChart:
    """Small multiples: one panel per facet value, each with its own y scale (values in
    different panels are not on a common scale and must not be compared by height)."""
    enable()
    names = list(dict.fromkeys(r[series] for r in rows))
    color, dash, shape = _scales(names)
    enc = {
        "x": alt.X(f"{x}:T", title=None, scale=alt.Scale(type="utc"), axis=alt.Axis(format="%Y", tickCount="year")),
        "y": alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format="~s")),
        "color": alt.Color(f"{series}:N", scale=color, legend=None),
    }
    base = alt.Chart()
    layered = alt.layer(
        base.mark_line().encode(**enc, strokeDash=alt.StrokeDash(f"{series}:N", scale=dash, legend=None), **_segments(rows)),
        *_points(base, rows, enc, series, shape, legend=False),
    ).properties(width=WIDTH - 40, height=130)
    facets = list(dict.fromkeys(r[facet] for r in rows))
    chart = alt.FacetChart(
        data=alt.Data(values=list(rows)), spec=layered,
        facet=alt.Facet(f"{facet}:N", title=None, sort=facets), columns=1,
    ).resolve_scale(y="independent")
    return chart.properties(title=title)


def spans(rows: Sequence[Row], *, label: str, start: str, end: str, color: str, title: str,
          x_title: str = "") -> alt.LayerChart:
    """Horizontal spans (start to end dates) per label: runs of consecutive periods with a
    published number; a gap between spans is a stretch of periods with none."""
    enable()
    labels = list(dict.fromkeys(r[label] for r in rows))
    colors = list(dict.fromkeys(r[color] for r in rows))
    cscale, _, shapes = _scales(colors)
    base = alt.Chart(alt.Data(values=list(rows)))
    y = alt.Y(f"{label}:N", sort=labels, title=None, axis=alt.Axis(labelLimit=330))
    x = alt.X(f"{start}:T", title=x_title or None, scale=alt.Scale(type="utc"), axis=alt.Axis(format="%Y"))
    bars = base.mark_bar(height=9).encode(y=y, x=x, x2=f"{end}:T", color=alt.Color(f"{color}:N", scale=cscale, title=None))
    ends = base.mark_point(filled=True, size=30).encode(y=y, x=alt.X(f"{end}:T", scale=alt.Scale(type="utc")),
                                                        shape=alt.Shape(f"{color}:N", scale=shapes, title=None),
                                                        color=alt.Color(f"{color}:N", scale=cscale, title=None))
    return alt.layer(bars, ends).properties(width=WIDTH - 330, height=14 * len(labels), title=title)


def dots(rows: Sequence[Row], *, category: str, value: str, series: str, x_title: str, x_format: str,
         title: str, reference: float | None = None) -> alt.LayerChart:
    """A dot per row on a shared axis, one line of dots per category, shape and colour per
    series; an optional reference rule (e.g. 1.0 = both counts agree)."""
    enable()
    cats = list(dict.fromkeys(r[category] for r in rows))
    names = list(dict.fromkeys(r[series] for r in rows))
    color, _, shape = _scales(names)
    base = alt.Chart(alt.Data(values=list(rows)))
    layers: list[alt.Chart] = []
    if reference is not None:
        layers.append(alt.Chart(alt.Data(values=[{"ref": reference}])).mark_rule(color=MUTED, strokeDash=[4, 3])
                      .encode(x=alt.X("ref:Q")))
    layers.append(base.mark_point(filled=True, size=70, opacity=0.9).encode(
        y=alt.Y(f"{category}:N", sort=cats, title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X(f"{value}:Q", title=x_title, axis=alt.Axis(format=x_format), scale=alt.Scale(type="log")),
        color=alt.Color(f"{series}:N", scale=color, title=None),
        shape=alt.Shape(f"{series}:N", scale=shape, title=None)))
    return alt.layer(*layers).properties(width=WIDTH - 280, height=max(80, 24 * len(cats)), title=title)
