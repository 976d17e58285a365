"""The one chart theme: readable type, light grid, a colour-blind-safe palette.

Colour never carries meaning alone: the chart functions also vary line dash and point
shape per series and label series directly.
"""

from __future__ import annotations

import altair as alt

# Okabe-Ito palette, reordered so that the first colours have good contrast on white.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#7A5C00", "#56B4E9", "#000000", "#E69F00"]
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [10, 2], [1, 3], [6, 2, 1, 2]]
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "triangle-left", "triangle-right"]
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
WIDTH = 620
TEXT = "#1f1f1f"
MUTED = "#4d4d4d"
NAME = "pew"


@alt.theme.register(NAME, enable=True)
def pew_theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "background": "#ffffff",
            "font": FONT,
            "padding": {"left": 4, "right": 12, "top": 8, "bottom": 4},
            "view": {"stroke": None, "continuousWidth": WIDTH, "continuousHeight": 300},
            "title": {"fontSize": 15, "anchor": "start", "color": TEXT, "subtitleColor": MUTED,
                      "subtitleFontSize": 12, "offset": 10},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": TEXT, "titleColor": TEXT,
                     "gridColor": "#e3e3e3", "domainColor": "#767676", "tickColor": "#767676",
                     "titleFontWeight": "normal"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": TEXT, "titleColor": TEXT,
                       "orient": "bottom", "direction": "vertical", "labelLimit": 420, "symbolStrokeWidth": 2.5},
            "header": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": TEXT, "labelAnchor": "start",
                       "labelFontWeight": "bold"},
            "range": {"category": PALETTE},
            "line": {"strokeWidth": 2.5},
            "point": {"size": 45, "filled": True},
            "bar": {"color": PALETTE[0]},
            "text": {"color": TEXT, "fontSize": 12},
            "rule": {"color": MUTED},
        }
    }


def enable() -> None:
    """Make sure the theme is the active one (idempotent)."""
    alt.theme.enable(NAME)
