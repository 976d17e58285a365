"""The one chart theme: readable type, light grid, colours that read on the site's light and
dark ('slate') backgrounds, and the layouts charts are drawn in.

Colour never carries meaning alone: the chart functions also vary line dash and point
shape per series and label series directly. Every series colour (this generic palette and the
platform colours in ``data/taxonomy/palette.csv``) has at least 3:1 contrast (WCAG 1.4.11,
graphics) against both backgrounds, so one colour serves both schemes; text is drawn in the
scheme's text colours (at least 4.5:1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import altair as alt

# Okabe-Ito's first four, then mid-tone hues of the same lightness: each at least 3:1 against
# white and against the slate background (tests/test_charts.py checks it).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#A47412", "#8F61ED", "#858585", "#E93939"]
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [10, 2], [1, 3], [6, 2, 1, 2]]
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "triangle-left", "triangle-right"]
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
MAX_SERIES = 8  # per panel; more series are split into panels (see base.panels)
NAME = "pew"

# Backgrounds the charts sit on: Material's default page and its 'slate' scheme
# (hsla(225deg, 15%, 14%), the page background with data-md-color-scheme="slate").
BACKGROUND = {"light": "#ffffff", "dark": "#1e2129"}


@dataclass(frozen=True)
class Scheme:
    """Colours of the non-data parts of a chart in one colour scheme."""

    background: str
    text: str
    muted: str
    grid: str
    domain: str


SCHEMES = {
    "light": Scheme(BACKGROUND["light"], text="#1f1f1f", muted="#4d4d4d", grid="#e3e3e3", domain="#767676"),
    "dark": Scheme(BACKGROUND["dark"], text="#e6e6e6", muted="#b3b3b3", grid="#3a3d4a", domain="#9aa0a6"),
}


@dataclass(frozen=True)
class Layout:
    """How big a chart is drawn and what it carries.

    ``width``: the whole chart's target width in px (axes and labels included); ``narrow``: the
    phone rendition (fewer ticks, shorter labels); ``title``: write the title into the chart (the
    downloaded SVG and PNG; on the page the title is the figure's caption)."""

    width: int = 680
    narrow: bool = False
    title: bool = False

    @property
    def label_chars(self) -> int:
        """Longest category or series label, in characters, before it is cut with '…'."""
        return 22 if self.narrow else 40

    @property
    def font(self) -> int:
        return 11 if self.narrow else 12


WIDE = Layout()
NARROW = Layout(width=340, narrow=True)
DOWNLOAD = Layout(title=True)
WIDTH = WIDE.width - 60  # a time chart's plot area in the wide layout


def config(scheme: str = "light") -> dict[str, Any]:
    s = SCHEMES[scheme]
    return {
        "background": s.background,
        "font": FONT,
        "padding": {"left": 4, "right": 8, "top": 8, "bottom": 4},
        "view": {"stroke": None, "continuousWidth": WIDTH, "continuousHeight": 300},
        "title": {"fontSize": 15, "anchor": "start", "color": s.text, "subtitleColor": s.muted,
                  "subtitleFontSize": 12, "offset": 10, "frame": "group"},
        "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": s.text, "titleColor": s.text,
                 "gridColor": s.grid, "domainColor": s.domain, "tickColor": s.domain,
                 "titleFontWeight": "normal"},
        "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": s.text, "titleColor": s.text,
                   "orient": "bottom", "direction": "vertical", "labelLimit": 420, "symbolStrokeWidth": 2.5},
        "header": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": s.text, "titleColor": s.text,
                   "labelAnchor": "start", "labelFontWeight": "bold", "labelLimit": 0},
        "range": {"category": PALETTE},
        "line": {"strokeWidth": 2.5},
        "point": {"size": 45, "filled": True},
        "bar": {"color": PALETTE[0]},
        "text": {"color": s.text, "fontSize": 12},
        "rule": {"color": s.muted},
        # named mark styles, so that a chart's marks take their colours from the scheme
        "style": {"pew-muted": {"color": s.muted, "fill": s.muted},
                  "pew-label": {"fill": s.text},
                  "pew-halo": {"stroke": s.background, "strokeWidth": 4, "strokeJoin": "round", "fill": s.background}},
    }


@alt.theme.register(NAME, enable=True)
def pew_theme() -> alt.theme.ThemeConfig:
    return {"config": config("light")}  # type: ignore[return-value]


def enable() -> None:
    """Make sure the theme is the active one (idempotent)."""
    alt.theme.enable(NAME)
