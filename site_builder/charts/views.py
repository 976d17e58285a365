"""The renditions of one chart. The downloads (SVG, PNG, Vega-Lite JSON) are the wide light
chart with its title written in; the page shows, without its title (the figure caption is the
title), the wide chart and a narrow one for phones, each in the light and the dark scheme. The
page picks the narrow one with ``<picture><source media=…>`` and the scheme with CSS on
Material's ``data-md-color-scheme`` (see templates/partials/_figure.html.j2 and pew.css).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from site_builder.charts.theme import DOWNLOAD, NARROW, WIDE, Layout, config

# file suffix -> (layout, scheme); files are <figure id>.<suffix>.svg
VIEWS: dict[str, tuple[Layout, str]] = {
    "light": (WIDE, "light"),
    "dark": (WIDE, "dark"),
    "narrow-light": (NARROW, "light"),
    "narrow-dark": (NARROW, "dark"),
}
NARROW_MEDIA = "(max-width: 600px)"  # viewports whose content column is narrower than the wide chart


def spec(fn: Callable[..., Any], kwargs: dict[str, Any], description: str, layout: Layout = DOWNLOAD,
         scheme: str = "light") -> dict[str, Any]:
    """The Vega-Lite spec of ``fn(**kwargs)`` drawn in ``layout`` and ``scheme`` (a chart
    function that takes no layout is drawn as it is, in the scheme's colours)."""
    takes_layout = "layout" in inspect.signature(fn).parameters
    chart = fn(**kwargs, layout=layout) if takes_layout else fn(**kwargs)
    out = chart.to_dict(validate=False)
    out["config"] = {**out.get("config", {}), **config(scheme)}
    out["description"] = description
    return out
