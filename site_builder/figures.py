"""A figure is everything a reader gets for one chart: title, one-sentence takeaway,
generated description, the data table, the sources used and the downloads (SVG, PNG,
Vega-Lite JSON, CSV of exactly the rows shown).

A figure holds its chart as a :class:`ChartCall` (a pure chart function and its
arguments), built only when needed. Rendered files are cached under the hash of that call,
the chart code and the library versions, so an unchanged chart costs nothing to rebuild.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import multiprocessing
import os
import re
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import altair as alt
import vl_convert as vlc

from site_builder.charts import views
from site_builder.errors import BuildError

VL_VERSION = "6.4"
PNG_SCALE = 2
Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    """A column of a figure's data table.

    ``kind``: text | count | num | value (linked to the row's document) | prev_value
    (linked to the row's earlier document, for revisions)."""

    key: str
    header: str
    kind: str = "text"


@dataclass(frozen=True)
class SourceItem:
    """One release (or, for curated rows, one document) used: what to click, and its release."""

    label: str
    url: str
    release_id: str
    tag: str = ""  # shown next to the link: a secondary source's or landing page's label
    unlinked: str = ""  # why there is no link ('address not recorded (…)')


@dataclass(frozen=True)
class SourceRef:
    """One source a figure uses, with its licence and the releases or documents used."""

    source: str
    licence: str
    citation: str
    items: tuple[SourceItem, ...]


@cache
def _chart_code_hash() -> str:
    h = hashlib.sha256()
    for p in sorted((Path(__file__).parent / "charts").glob("*.py")):
        h.update(p.read_bytes())
    for pkg in ("altair", "vl-convert-python"):
        h.update(metadata.version(pkg).encode())
    return h.hexdigest()


@dataclass(frozen=True)
class ChartCall:
    """A pure chart function with the arguments (rows included) it will be called with."""

    fn: Callable[..., alt.TopLevelMixin]
    kwargs: dict[str, Any]

    def build(self) -> alt.TopLevelMixin:
        return self.fn(**self.kwargs)

    def spec(self, description: str, view: str = "") -> dict[str, Any]:
        """The Vega-Lite spec of the downloads (``view`` empty) or of one page rendition
        (a key of ``charts.views.VIEWS``)."""
        if not view:
            return views.spec(self.fn, self.kwargs, description)
        layout, scheme = views.VIEWS[view]
        return views.spec(self.fn, self.kwargs, description, layout, scheme)

    def key(self, extra: str = "") -> str:
        payload = json.dumps([self.fn.__module__, self.fn.__qualname__, self.kwargs, extra],
                             sort_keys=True, default=str)
        return hashlib.sha256((payload + _chart_code_hash() + VL_VERSION + str(PNG_SCALE)).encode()).hexdigest()[:40]


@dataclass
class Figure:
    """One chart (or table) with its text and data. ``rows`` are the exact rows drawn and
    published as CSV; each row carries ``release_id``, ``locator`` and ``doc_url`` so that
    every number can be traced to the document it was read from."""

    id: str
    title: str
    takeaway: str
    description: str
    rows: list[Row]
    columns: list[Column]
    sources: list[SourceRef]
    chart: ChartCall | None = None
    caveat: str = ""
    notes: list[str] = field(default_factory=list)
    # the rows whose values the takeaway quotes (None: any row); [] when its numbers only count
    # rows, so that a count such as "2 of them" is never linked to a row whose value is 2
    cites: list[Row] | None = None
    # what the rows were selected from (source, measures, filters), named when a chart has none
    data: str = ""
    # what the quote text gives as the data's period when the rows' periods are not it (a
    # figure followed across editions: '2020Q2, as printed in the 2020Q2 to 2024Q2 editions')
    data_period: str = ""
    # filled when rendered: file URLs, image size, the takeaway with linked numbers, the quote
    assets: dict[str, str] = field(default_factory=dict)
    size: tuple[int, int] = (0, 0)  # of the chart shown on the page (the wide light rendition)
    view_sizes: dict[str, tuple[int, int]] = field(default_factory=dict)  # rendition -> (width, height)
    takeaway_html: Any = None
    quote: str = ""
    # a table-only figure whose table is the point: shown open under its title (not folded),
    # and, with ``stack``, each row as a block on a phone
    open_table: bool = False
    stack: bool = False
    # the takeaway as parts (text, the cell a number was read from or None), when its numbers
    # must link to exact cells (quote.linked_parts); joined, they are the takeaway's text
    takeaway_parts: list[tuple[str, Row | None]] = field(default_factory=list)

# Raw and provenance fields added to a figure's CSV after its table columns, when present.
CSV_EXTRA = ["platform_id", "policy_label", "policy_label_as_published", "metric_label", "metric_label_as_published",
             "period_start", "period_end", "value",
             "value_low", "value_high", "value_as_published", "unit", "comparability_break", "release_id", "locator",
             "doc_url"]


def csv_text(fig: Figure) -> str:
    """The CSV of exactly the rows shown: the table's columns plus raw values and provenance."""
    shown = [c.key for c in fig.columns]
    present = set().union(*(r.keys() for r in fig.rows)) if fig.rows else set()
    keys = shown + [k for k in CSV_EXTRA if k in present and k not in shown]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(keys)
    for r in fig.rows:
        w.writerow(["" if r.get(k) is None else r.get(k) for k in keys])
    return buf.getvalue()


def svg_size(svg: str) -> tuple[int, int]:
    m = re.search(r'<svg[^>]*\swidth="(\d+(?:\.\d+)?)"[^>]*\sheight="(\d+(?:\.\d+)?)"', svg)
    return (round(float(m.group(1))), round(float(m.group(2)))) if m else (0, 0)


EXTS = ("svg", "png", "vl.json") + tuple(f"{v}.svg" for v in views.VIEWS)


def drawable_rows(chart: ChartCall) -> int:
    """How many of the rows a chart is given it can draw: rows with a value on its measure axis
    (``y`` or ``value``; a row whose value is None, N/A or not a number, is not drawn)."""
    rows = chart.kwargs.get("rows") or []
    measure = chart.kwargs.get("y") or chart.kwargs.get("value")
    return sum(1 for r in rows if measure is None or r.get(measure) is not None)


def empty_chart_message(fig: Figure, page: str) -> str:
    """Why a chart is left out: it names the chart, its page and the data that emptied it."""
    given = len((fig.chart.kwargs.get("rows") or []) if fig.chart else [])
    data = fig.data or "the rows its page builder selected"
    why = (f"none of its {given} rows has a value to draw" if given else "no row is left after filtering")
    return f"chart {fig.id!r} ('{fig.title}') on {page}: {why} (data read for it: {data})"


def _native_message(exc: Exception) -> str:
    """The message of a renderer error without the native stack trace vl-convert appends."""
    text = str(exc).split("Stack backtrace:", 1)[0].strip()
    return " ".join(text.split()) or type(exc).__name__


def draw(chart: ChartCall, description: str, label: str, stem: Path) -> None:
    """Render one chart to ``<stem>.svg``, ``.png`` and ``.vl.json`` (the downloads) and the page's
    renditions to ``<stem>.<view>.svg`` (runs in a worker process)."""
    spec = chart.spec(description)
    try:
        svg = vlc.vegalite_to_svg(spec, vl_version=VL_VERSION)
        png = vlc.svg_to_png(svg, scale=PNG_SCALE)
        shown = {v: vlc.vegalite_to_svg(chart.spec(description, v), vl_version=VL_VERSION) for v in views.VIEWS}
    except (ValueError, RuntimeError) as exc:
        raise BuildError(f"chart {label} failed to render: {_native_message(exc)}") from None
    for v, text in shown.items():
        stem.with_name(f"{stem.name}.{v}.svg").write_text(text, encoding="utf-8")
    stem.with_suffix(".vl.json").write_text(json.dumps(spec, sort_keys=True, ensure_ascii=False, indent=1),
                                            encoding="utf-8")
    stem.with_suffix(".svg").write_text(svg, encoding="utf-8")
    stem.with_suffix(".png").write_bytes(png)


def _draw_job(job: tuple[ChartCall, str, str, Path]) -> None:
    draw(*job)


def _watch_parent(parent: int) -> None:
    """Worker initializer: exit as soon as the build process that started this worker is gone
    (killed with SIGKILL, say), so that no worker outlives its build."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="watch-build-process", daemon=True).start()


def draw_in_workers(jobs: list[tuple[ChartCall, str, str, Path]], workers: int) -> None:
    """Draw the charts in ``workers`` spawned processes. If drawing fails or the build is
    interrupted (an exception here, such as the one pipeline raises on SIGTERM), the workers
    are terminated before the exception goes on; a worker whose build process died exits
    by itself (``_watch_parent``)."""
    pool = multiprocessing.get_context("spawn").Pool(workers, initializer=_watch_parent, initargs=(os.getpid(),))
    try:
        pool.map(_draw_job, jobs, chunksize=1)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


def render_all(jobs: list[tuple[Figure, Path, str]], cache_dir: Path | None, workers: int = 1) -> Counter[str]:
    """Write every figure's CSV, SVG, PNG and Vega-Lite JSON into its directory and record
    the URLs (``url_prefix`` + file name) on the figure. Charts found in ``cache_dir`` are
    copied; the others are drawn in ``workers`` processes and then cached. Returns how many
    charts were rendered or cached, and how many figures are tables only."""
    outcomes: Counter[str] = Counter()
    to_draw: list[tuple[Figure, Path, str]] = []
    for fig, out_dir, _prefix in jobs:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / f"{fig.id}.csv").write_text(csv_text(fig), encoding="utf-8")
        if fig.chart is None:
            outcomes["table"] += 1
            continue
        key = fig.chart.key(fig.description)
        cached = [cache_dir / f"{key}.{ext}" for ext in EXTS] if cache_dir else []
        if cached and all(p.exists() for p in cached):
            for src, ext in zip(cached, EXTS):
                shutil.copyfile(src, out_dir / f"{fig.id}.{ext}")
            outcomes["cached"] += 1
        else:
            to_draw.append((fig, out_dir, key))
    draw_jobs = [(fig.chart, fig.description, f"{fig.id!r} ({fig.title})", out_dir / fig.id)
                 for fig, out_dir, _ in to_draw]
    if workers > 1 and len(draw_jobs) > 1:
        draw_in_workers(draw_jobs, min(workers, len(draw_jobs)))
    else:
        for job in draw_jobs:
            _draw_job(job)
    for fig, out_dir, key in to_draw:
        if cache_dir:
            cache_dir.mkdir(parents=True, exist_ok=True)
            for ext in EXTS:
                shutil.copyfile(out_dir / f"{fig.id}.{ext}", cache_dir / f"{key}.{ext}")
        outcomes["rendered"] += 1
    for fig, out_dir, prefix in jobs:
        fig.assets["csv"] = f"{prefix}{fig.id}.csv"
        if fig.chart is not None:
            for ext, name in (("svg", "svg"), ("png", "png"), ("vl.json", "json")):
                fig.assets[name] = f"{prefix}{fig.id}.{ext}"
            for v in views.VIEWS:
                fig.assets[f"view-{v}"] = f"{prefix}{fig.id}.{v}.svg"
                fig.view_sizes[v] = svg_size((out_dir / f"{fig.id}.{v}.svg").read_text(encoding="utf-8"))
            fig.size = fig.view_sizes["light"]
    return outcomes
