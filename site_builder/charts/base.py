"""Generic chart shapes used by every page. Each function is pure: it takes the rows
that will also be published as the chart's CSV and returns an Altair chart.

Row fields the functions read are named by arguments; dates are ISO strings and are
drawn on a UTC time scale so that no time zone shifts a quarter. Every function takes a
``layout`` (how wide, phone or not, title in the chart or not: see ``theme.Layout``) and the
chart functions that colour series take ``colours`` (series -> colour, e.g. the platform
palette of ``data/taxonomy/palette.csv``; other series take the generic palette).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import altair as alt

from site_builder.charts import geometry as geo
from site_builder.charts.theme import DASHES, MAX_SERIES, PALETTE, SHAPES, WIDE, Layout, enable

Row = dict[str, Any]
NOT_FROM_ZERO = " (axis does not start at zero)"


def _scales(series: Sequence[str], colours: Mapping[str, str] | None = None) -> tuple[alt.Scale, alt.Scale, alt.Scale]:
    """Colour, dash and point shape per series. A series named in ``colours`` keeps that colour
    (a platform's own); the others take the generic palette in turn, skipping colours already
    given. Past eight series the colours repeat, but the shape and dash move on by one each round,
    so no two series (up to 64) look alike."""
    given = dict(colours or {})
    spare = [c for c in PALETTE if c not in given.values()] or PALETTE
    n, k, picked = len(series), 0, []
    for s in series:
        if s in given:
            picked.append(given[s])
        else:
            picked.append(spare[k % len(spare)])
            k += 1
    return (
        alt.Scale(domain=list(series), range=picked),
        alt.Scale(domain=list(series), range=[DASHES[(i + 2 * (i // len(PALETTE))) % len(DASHES)] for i in range(n)]),
        alt.Scale(domain=list(series), range=[SHAPES[(i + i // len(PALETTE)) % len(SHAPES)] for i in range(n)]),
    )


def _titled(chart: Any, title: str, layout: Layout) -> Any:
    """The chart with its own title, wrapped to the chart's width: only in the downloaded files
    (on the page, the figure's caption is the title and the chart carries none that could be cut)."""
    if not layout.title or not title:
        return chart
    return chart.properties(title=alt.TitleParams(text=geo.wrap(title, layout.width - 20, 15), anchor="start",
                                                  frame="bounds"))


def _day(value: Any) -> date:
    return date.fromisoformat(str(value)[:10])


def _ms(value: Any) -> float:
    d = _day(value)
    return (d - date(1970, 1, 1)).days * 86400000.0


def events_in_span(events: Sequence[Row], span: tuple[str, str] | None) -> list[Row]:
    """The events drawn on a time chart whose data runs over ``span`` (first, last date):
    those within half a year of it, so that no event stretches the time axis."""
    if not span:
        return list(events)
    lo, hi = _day(span[0]), _day(span[1])
    return [e for e in events if lo - timedelta(days=183) <= _day(e["date"]) <= hi + timedelta(days=183)]


def panel_groups(rows: Sequence[Row], series: str, value: str, most: int = MAX_SERIES) -> list[list[str]]:
    """Series in panels of at most ``most``: one panel when they fit; else ordered by their peak
    value, largest first, cut into as few panels as needed and of near-equal size, so that small
    series are not flattened against the largest (each panel has its own scale)."""
    names = list(dict.fromkeys(r[series] for r in rows))
    if len(names) <= most:
        return [names]
    peak = {n: max((abs(r[value]) for r in rows if r[series] == n and r.get(value) is not None), default=0.0)
            for n in names}
    ordered = sorted(names, key=lambda n: (-peak[n], n))
    k = -(-len(names) // most)
    size = -(-len(names) // k)
    return [ordered[i:i + size] for i in range(0, len(ordered), size)]


def _events_layer(events: Sequence[Row], domain: tuple[float, float], width: float, size: int) -> list[alt.Chart]:
    """Dated events (policy or method changes) as labelled vertical rules. Labels are placed by
    ``geometry.place_event_labels``: in up to three rows, beside their rule, never across
    another rule or label (cut with '…' where room is short; every event is in the notes)."""
    if not events:
        return []
    lo, hi = domain
    ordered = sorted(events, key=lambda e: (str(e["date"]), str(e["label"])))
    xs = [(_ms(e["date"]) - lo) / (hi - lo) * width if hi > lo else 0.0 for e in ordered]
    placed = geo.place_event_labels(xs, [str(e["label"]) for e in ordered], width, size)
    values = [{"date": e["date"], "label": p.text, "lane_y": 3 + (size + 3) * p.lane, "left": p.left}
              for e, p in zip(ordered, placed)]
    x = alt.X("date:T", scale=alt.Scale(type="utc"))
    layers = [alt.Chart(alt.Data(values=values)).mark_rule(strokeDash=[3, 3], strokeWidth=1.2, style="pew-muted")
              .encode(x=x)]
    for leftwards in (False, True):
        part = [v for v in values if v["left"] == leftwards and v["label"]]
        if not part:
            continue
        text = dict(align="right" if leftwards else "left", baseline="top", dx=-4 if leftwards else 4, fontSize=size)
        enc = dict(x=x, y=alt.Y("lane_y:Q", scale=None), text="label:N")
        layers.append(alt.Chart(alt.Data(values=part)).mark_text(**text, style="pew-halo").encode(**enc))
        layers.append(alt.Chart(alt.Data(values=part)).mark_text(**text, style="pew-muted").encode(**enc))
    return layers


def _line_ends(rows: Sequence[Row], names: Sequence[str], series: str, x: str, y: str, domain: tuple[float, float],
               height: float, size: int, chars: int, x_last: float) -> list[Row] | None:
    """Labels at the right end of each line, moved apart so that none overlaps another; None
    when direct labels would mislead or collide (a series that ends well before the others, a
    label moved far from its line, a label too long to fit): the chart then keeps its legend."""
    lo, hi = domain
    ends: list[tuple[str, float, float]] = []
    for n in names:
        pts = [r for r in rows if r[series] == n and r.get(y) is not None]
        if not pts:
            return None
        last = max(pts, key=lambda r: str(r[x]))
        ends.append((n, _ms(last[x]), float(last[y])))
    first = min(_ms(r[x]) for r in rows)
    if any(len(n) > chars for n, _, _ in ends):
        return None
    if any(x_last - t > 0.12 * (x_last - first) for _, t, _ in ends):
        return None
    want = [height * (1 - (v - lo) / (hi - lo)) if hi > lo else height / 2 for _, _, v in ends]
    got = geo.spread(want, size + 3, 0, height)
    if any(abs(g - w) > 1.6 * (size + 3) for g, w in zip(got, want)):
        return None
    return [{"series": n, "label_y": g} for (n, _, _), g in zip(ends, got)]


def time_lines(rows: Sequence[Row], *, x: str, y: str, series: str, y_title: str, y_format: str,
               title: str, events: Sequence[Row] = (), height: int = 300, y_zero: bool = True,
               colours: Mapping[str, str] | None = None, layout: Layout = WIDE) -> alt.TopLevelMixin:
    """One line per series over time, points on every published value, dashes per series,
    labelled at the line ends (or, when labels would collide, by a legend). More than eight
    series go into panels (``panel_groups``), each on its own scale and with a heading."""
    enable()
    groups = panel_groups(rows, series, y)
    if len(groups) > 1:
        names = [n for g in groups for n in g]
        panels = []
        for i, g in enumerate(groups):
            part = [r for r in rows if r[series] in g]
            head = (f"{'Largest' if i == 0 else 'Next'} {len(g)} by peak value"
                    f"{' (own scale)' if i else ''}")
            panels.append(_time_panel(part, names, g, x=x, y=y, series=series, y_title=y_title, y_format=y_format,
                                      events=events, height=int(height * 0.8), y_zero=y_zero, colours=colours,
                                      layout=layout, heading=head))
        return _titled(alt.vconcat(*panels, spacing=18).resolve_scale(
            y="independent", color="independent", strokeDash="independent", shape="independent"), title, layout)
    names = groups[0]
    return _titled(_time_panel(rows, names, names, x=x, y=y, series=series, y_title=y_title, y_format=y_format,
                               events=events, height=height, y_zero=y_zero, colours=colours, layout=layout),
                   title, layout)


def _time_panel(rows: Sequence[Row], all_names: Sequence[str], names: Sequence[str], *, x: str, y: str, series: str,
                y_title: str, y_format: str, events: Sequence[Row], height: int, y_zero: bool,
                colours: Mapping[str, str] | None, layout: Layout, heading: str = "") -> alt.LayerChart:
    size = layout.font
    if layout.narrow:
        height = max(200, int(height * 0.78))
    ordered_all = list(all_names)
    color, dash, shape = _scales(ordered_all, colours)
    sub = [i for i, n in enumerate(ordered_all) if n in names]
    color = alt.Scale(domain=list(names), range=[color.range[i] for i in sub])
    dash = alt.Scale(domain=list(names), range=[dash.range[i] for i in sub])
    shape = alt.Scale(domain=list(names), range=[shape.range[i] for i in sub])
    values = [float(r[y]) for r in rows if r.get(y) is not None]
    ylo, yhi = geo.nice_bounds(min(values, default=0.0), max(values, default=1.0), zero=y_zero,
                               ticks=4 if layout.narrow else 5)
    if ylo > 0 or (ylo < 0 and min(values, default=0.0) >= 0):
        y_title = y_title + NOT_FROM_ZERO
    xs = sorted(str(r[x]) for r in rows)
    span = (xs[0], xs[-1]) if xs else None
    drawn = events_in_span(events, span)
    stamps = [_ms(v) for v in xs] + [_ms(e["date"]) for e in drawn]
    xdom = (min(stamps), max(stamps)) if stamps else (0.0, 1.0)
    y_axis_px = 14 + geo.text_width(f"{yhi:,.0f}" if abs(yhi) >= 1000 else f"{yhi:.2f}", size) + 6
    label_px = max((geo.text_width(n, size) for n in names), default=0) + 24
    plot_w = layout.width - y_axis_px - label_px - 16
    ends = None
    if plot_w >= 0.55 * layout.width and span:
        ends = _line_ends(rows, names, series, x, y, (ylo, yhi), height, size, layout.label_chars, _ms(xs[-1]))
    if ends is None:
        plot_w = layout.width - y_axis_px - 16
    base = alt.Chart(alt.Data(values=list(rows)))
    year_ticks = (_day(xs[-1]).year - _day(xs[0]).year) if xs else 0
    step = 2 if layout.narrow and year_ticks > 5 else 1
    legend = alt.Legend(labelLimit=int(layout.width - 40), labelFontSize=size) \
        if ends is None and len(names) > 1 else None
    enc = {
        "x": alt.X(f"{x}:T", title=None, scale=alt.Scale(type="utc", domain=[xdom[0], xdom[1]], nice=False),
                   axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": step}, labelFontSize=size)),
        "y": alt.Y(f"{y}:Q", title=y_title, scale=alt.Scale(domain=[ylo, yhi], nice=False, zero=False),
                   axis=alt.Axis(format=y_format, tickCount=4 if layout.narrow else 5, labelFontSize=size,
                                 titleFontSize=size, titleLimit=height + 40)),
        "color": alt.Color(f"{series}:N", scale=color, title=None, legend=legend),
    }
    line = base.mark_line().encode(**enc, strokeDash=alt.StrokeDash(f"{series}:N", scale=dash, title=None,
                                                                             legend=legend), **_segments(rows))
    layers = [line, *_points(base, rows, enc, series, shape, legend=legend is not None),
              *_events_layer(drawn, xdom, plot_w, size - 1)]
    if ends:
        layers += _end_labels(ends, color, dash, size)
    chart = alt.layer(*layers).properties(width=int(plot_w), height=height)
    if heading:
        chart = chart.properties(title=alt.TitleParams(geo.wrap(heading, plot_w, 12), fontSize=12, fontWeight="bold",
                                                       anchor="start", frame="group"))
    return chart


def _end_labels(ends: list[Row], color: alt.Scale, dash: alt.Scale, size: int) -> list[alt.Chart]:
    """A short swatch in the series' colour and dash, then its name in the text colour (series
    colours are 3:1 graphics colours; text needs 4.5:1), just right of the plot."""
    data = alt.Data(values=ends)
    y = alt.Y("label_y:Q", scale=None)
    swatch = alt.Chart(data).mark_rule(strokeWidth=2.5).encode(
        x=alt.XValue({"expr": "width + 4"}), x2=alt.X2Value({"expr": "width + 18"}), y=y,
        color=alt.Color("series:N", scale=color, legend=None), strokeDash=alt.StrokeDash("series:N", scale=dash, legend=None))
    text = alt.Chart(data).mark_text(align="left", baseline="middle", fontSize=size, style="pew-label").encode(
        x=alt.XValue({"expr": "width + 22"}), y=y, text="series:N")
    return [swatch, text]


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


def _cut_rows(rows: Sequence[Row], key: str, chars: int) -> list[Row]:
    """Rows with the ``key`` label cut to ``chars`` (the narrow layout; the table keeps it whole)."""
    return [dict(r, **{key: geo.cut(str(r[key]), chars)}) for r in rows]


def hbars(rows: Sequence[Row], *, category: str, value: str, x_title: str, x_format: str, title: str,
          color: str | None = None, label: str | None = None, sort: Sequence[str] | None = None,
          colours: Mapping[str, str] | None = None, layout: Layout = WIDE) -> alt.LayerChart:
    """Horizontal bars, one per category, with the value written at the bar end."""
    enable()
    cats = list(sort) if sort else list(dict.fromkeys(r[category] for r in rows))
    size = layout.font
    if layout.narrow:
        cut = {c: geo.cut(str(c), layout.label_chars) for c in cats}
        rows = [dict(r, **{category: cut[r[category]]}) for r in rows]
        cats = list(dict.fromkeys(cut[c] for c in cats))
    label_px = min(max((geo.text_width(str(c), size) for c in cats), default=0) + 10, 0.42 * layout.width)
    value_px = max((geo.text_width(str(r.get(label or value) or ""), size - 1) for r in rows), default=0) + 10
    base = alt.Chart(alt.Data(values=list(rows)))
    y = alt.Y(f"{category}:N", title=None, sort=cats, axis=alt.Axis(labelLimit=int(label_px), labelFontSize=size))
    enc: dict[str, Any] = {"y": y, "x": alt.X(f"{value}:Q", title=x_title, axis=alt.Axis(
        format=x_format, tickCount=2 if layout.narrow else alt.Undefined, labelOverlap="greedy", labelSeparation=6,
        labelFontSize=size, titleFontSize=size))}
    if color:
        names = list(dict.fromkeys(r[color] for r in rows))
        cscale, _, _ = _scales(names, colours)
        enc["color"] = alt.Color(f"{color}:N", scale=cscale, title=None,
                                 legend=alt.Legend(labelLimit=int(layout.width - 40), labelFontSize=size))
        enc["yOffset"] = alt.YOffset(f"{color}:N", sort=names)
    bars = base.mark_bar().encode(**enc)
    text_enc = {k: v for k, v in enc.items() if k != "color"}
    text = base.mark_text(align="left", dx=3, fontSize=size - 1, style="pew-label").encode(**text_enc,
                                                                                        text=f"{label or value}:N")
    plot_w = max(120, layout.width - label_px - value_px - 20)
    return _titled(alt.layer(bars, text).properties(width=int(plot_w),
                                                    height=max(60, (20 if layout.narrow else 22) * len(rows))),
                   title, layout)


def facet_lines(rows: Sequence[Row], *, x: str, y: str, series: str, facet: str, y_title: str,
                title: str, colours: Mapping[str, str] | None = None, layout: Layout = WIDE) -> alt.FacetChart:
    """Small multiples: one panel per facet value, each with its own y scale (values in
    different panels are not on a common scale and must not be compared by height)."""
    enable()
    names = list(dict.fromkeys(r[series] for r in rows))
    color, dash, shape = _scales(names, colours)
    size = layout.font
    enc = {
        "x": alt.X(f"{x}:T", title=None, scale=alt.Scale(type="utc"),
                   axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": 2 if layout.narrow else 1},
                                 labelFontSize=size)),
        "y": alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format="~s", tickCount=3 if layout.narrow else 4,
                                                          labelFontSize=size, titleFontSize=size)),
        "color": alt.Color(f"{series}:N", scale=color, legend=None),
    }
    base = alt.Chart()
    layered = alt.layer(
        base.mark_line().encode(**enc, strokeDash=alt.StrokeDash(f"{series}:N", scale=dash, legend=None), **_segments(rows)),
        *_points(base, rows, enc, series, shape, legend=False),
    ).properties(width=layout.width - 90, height=110 if layout.narrow else 130)
    facets = list(dict.fromkeys(r[facet] for r in rows))
    chars = int((layout.width - 20) / (size * geo.CHAR_EM))
    shown = {f: geo.cut(str(f), chars) for f in facets}
    data = [dict(r, **{facet: shown[r[facet]]}) for r in rows]
    chart = alt.FacetChart(
        data=alt.Data(values=data), spec=layered,
        facet=alt.Facet(f"{facet}:N", title=None, sort=[shown[f] for f in facets],
                        header=alt.Header(labelFontSize=size, labelLimit=layout.width - 20)), columns=1,
    ).resolve_scale(y="independent")
    return _titled(chart, title, layout)


def spans(rows: Sequence[Row], *, label: str, start: str, end: str, color: str, title: str,
          x_title: str = "", layout: Layout = WIDE) -> alt.LayerChart:
    """Horizontal spans (start to end dates) per label: runs of consecutive periods with a
    published number; a gap between spans is a stretch of periods with none."""
    enable()
    size = layout.font
    if layout.narrow:
        rows = _cut_rows(rows, label, layout.label_chars + 4)
    labels = list(dict.fromkeys(r[label] for r in rows))
    colors = list(dict.fromkeys(r[color] for r in rows))
    cscale, _, shapes = _scales(colors)
    label_px = min(max((geo.text_width(str(t), size) for t in labels), default=0) + 10, 0.5 * layout.width)
    base = alt.Chart(alt.Data(values=list(rows)))
    y = alt.Y(f"{label}:N", sort=labels, title=None, axis=alt.Axis(labelLimit=int(label_px), labelFontSize=size))
    x = alt.X(f"{start}:T", title=x_title or None, scale=alt.Scale(type="utc"),
              axis=alt.Axis(format="%Y", labelFontSize=size, tickCount=4 if layout.narrow else alt.Undefined))
    legend = alt.Legend(labelLimit=int(layout.width - 40), labelFontSize=size)
    bars = base.mark_bar(height=9).encode(y=y, x=x, x2=f"{end}:T",
                                          color=alt.Color(f"{color}:N", scale=cscale, title=None, legend=legend))
    ends = base.mark_point(filled=True, size=30).encode(y=y, x=alt.X(f"{end}:T", scale=alt.Scale(type="utc")),
                                                        shape=alt.Shape(f"{color}:N", scale=shapes, title=None,
                                                                        legend=legend),
                                                        color=alt.Color(f"{color}:N", scale=cscale, title=None,
                                                                        legend=legend))
    return _titled(alt.layer(bars, ends).properties(width=int(max(120, layout.width - label_px - 24)),
                                                    height=14 * len(labels)), title, layout)


def dots(rows: Sequence[Row], *, category: str, value: str, series: str, x_title: str, x_format: str,
         title: str, reference: float | None = None, colours: Mapping[str, str] | None = None,
         layout: Layout = WIDE) -> alt.LayerChart:
    """A dot per row on a shared axis, one line of dots per category, shape and colour per
    series; an optional reference rule (e.g. 1.0 = both counts agree)."""
    enable()
    size = layout.font
    if layout.narrow:
        rows = _cut_rows(rows, category, layout.label_chars)
    cats = list(dict.fromkeys(r[category] for r in rows))
    names = list(dict.fromkeys(r[series] for r in rows))
    color, _, shape = _scales(names, colours)
    label_px = min(max((geo.text_width(str(c), size) for c in cats), default=0) + 10, 0.42 * layout.width)
    base = alt.Chart(alt.Data(values=list(rows)))
    layers: list[alt.Chart] = []
    if reference is not None:
        layers.append(alt.Chart(alt.Data(values=[{"ref": reference}])).mark_rule(strokeDash=[4, 3], style="pew-muted")
                      .encode(x=alt.X("ref:Q")))
    legend = alt.Legend(labelLimit=int(layout.width - 40), labelFontSize=size)
    layers.append(base.mark_point(filled=True, size=70, opacity=0.9).encode(
        y=alt.Y(f"{category}:N", sort=cats, title=None, axis=alt.Axis(labelLimit=int(label_px), labelFontSize=size)),
        x=alt.X(f"{value}:Q", title=x_title, axis=alt.Axis(format=x_format, labelFontSize=size, titleFontSize=size,
                                                          tickCount=3 if layout.narrow else alt.Undefined),
                scale=alt.Scale(type="log")),
        color=alt.Color(f"{series}:N", scale=color, title=None, legend=legend),
        shape=alt.Shape(f"{series}:N", scale=shape, title=None, legend=legend)))
    return _titled(alt.layer(*layers).properties(width=int(max(120, layout.width - label_px - 24)),
                                                 height=max(80, 24 * len(cats))), title, layout)
