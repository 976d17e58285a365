"""Every chart of the built site validates against the Vega-Lite schema Altair ships; series
colours (the generic palette and the platform palette in data) read on both backgrounds; more
than eight series go into panels; event and line-end labels do not collide; axes that do not
start at zero say so; the page renditions carry no title (the figure caption is the title)."""

import json
import shutil
from pathlib import Path

import altair
import jsonschema
import pytest

SCHEMA = json.loads((Path(altair.__file__).parent / "vegalite" / "v6" / "schema" / "vega-lite-schema.json").read_text())


def test_every_chart_spec_is_valid_vega_lite(built_site):
    specs = sorted((built_site / "site" / "figures").rglob("*.vl.json"))
    assert specs
    validator = jsonschema.Draft7Validator(SCHEMA)
    for path in specs:
        spec = json.loads(path.read_text())
        errors = list(validator.iter_errors(spec))
        assert not errors, f"{path.name}: {errors[0].message}"
        assert spec["description"], path.name


def test_no_two_series_share_colour_dash_and_shape():
    from site_builder.charts.base import _scales
    names = [f"s{i}" for i in range(20)]
    colour, dash, shape = (s.to_dict()["range"] for s in _scales(names))
    looks = {(c, json.dumps(d), p) for c, d, p in zip(colour, dash, shape)}
    assert len(looks) == len(names)
    assert len({(c, p) for c, p in zip(colour, shape)}) == len(names)  # even where dashes are hard to see


def test_events_are_drawn_only_for_the_platforms_and_areas_shown():
    from site_builder.pages.figs import shown_events
    rows = [{"platform_id": "facebook", "policy_area": "child_sexual_exploitation"}]
    events = [{"label": "YouTube change", "platforms": ["youtube"], "policy_areas": ["child_sexual_exploitation"]},
              {"label": "Meta hate speech change", "platforms": ["facebook"], "policy_areas": ["hate_speech"]},
              {"label": "Meta split", "platforms": ["facebook", "instagram"], "policy_areas": ["child_sexual_exploitation"]},
              {"label": "Everyone", "platforms": ["*"], "policy_areas": ["*"]}]
    assert [e["label"] for e in shown_events(events, rows)] == ["Meta split", "Everyone"]


def test_events_far_outside_the_data_do_not_stretch_the_time_axis():
    from site_builder.charts.base import events_in_span
    events = [{"date": "2019-01-01"}, {"date": "2022-06-30"}, {"date": "2025-09-29"}]
    assert events_in_span(events, ("2021-02-15", "2024-07-01")) == [{"date": "2022-06-30"}]


# --- colours -----------------------------------------------------------------------------------

def test_every_series_colour_reads_on_both_chart_backgrounds():
    from conftest import REPO
    from site_builder.charts.theme import BACKGROUND, PALETTE, SCHEMES
    from site_builder.taxonomy import MIN_CONTRAST, contrast, read_palette
    colours = {**{c: c for c in PALETTE}, **read_palette(REPO / "data", BACKGROUND)}
    for name, colour in colours.items():
        for scheme, bg in BACKGROUND.items():
            assert contrast(colour, bg) >= MIN_CONTRAST, (name, colour, scheme)
    for scheme, s in SCHEMES.items():  # chart text and muted text: 4.5:1 (WCAG AA) on its background
        assert contrast(s.text, s.background) >= 4.5 and contrast(s.muted, s.background) >= 4.5, scheme


@pytest.mark.parametrize("line, problem", [
    ("nosuchplatform,#1877F2", "unknown platform id 'nosuchplatform'"),
    ("youtube,blue", "bad colour 'blue'"),
    ("youtube,#1877F2", "already 'facebook'"),
    ("youtube,#FFE000", "contrast"),
    ("facebook,#E93939", "listed twice"),
])
def test_a_bad_palette_line_is_refused_with_its_file_and_line(tmp_path, line, problem):
    from conftest import REPO
    from site_builder.charts.theme import BACKGROUND
    from site_builder.errors import InputError
    from site_builder.taxonomy import read_palette
    tax = tmp_path / "taxonomy"
    tax.mkdir()
    shutil.copy(REPO / "data" / "taxonomy" / "platforms.csv", tax / "platforms.csv")
    (tax / "palette.csv").write_text(f"platform_id,colour\nfacebook,#1877F2\n{line}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_palette(tmp_path, BACKGROUND)
    assert "palette.csv, line 3" in str(err.value) and problem in str(err.value)


def test_a_bad_palette_stops_the_build_at_load(tmp_path):
    import duckdb

    from conftest import REPO
    from site_builder import warehouse
    from site_builder.errors import InputError
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    path = data / "taxonomy" / "palette.csv"
    path.write_text(path.read_text(encoding="utf-8") + "nosuchplatform,#1877F2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"palette\.csv, line \d+: unknown platform id 'nosuchplatform'"):
        warehouse.load(duckdb.connect(), data)


def test_platform_series_keep_their_platform_colour_and_others_the_generic_palette():
    from site_builder.charts.base import _scales
    from site_builder.charts.theme import PALETTE
    colour, dash, shape = (s.to_dict() for s in _scales(["Facebook: A", "Facebook: B", "Zzz"],
                                                       {"Facebook: A": "#1877F2", "Facebook: B": "#1877F2"}))
    assert colour["range"][:2] == ["#1877F2", "#1877F2"] and colour["range"][2] in PALETTE
    assert len({json.dumps(d) for d in dash["range"]}) == 3 and len(set(shape["range"])) == 3


# --- layout: panels, labels, axes ----------------------------------------------------------------

def _rows(n: int, years=(2020, 2021, 2022)) -> list[dict]:
    return [{"x": f"{y}-07-01", "value": float((i + 1) * 10 ** (i % 4)), "series": f"Series {i:02d}"}
            for i in range(n) for y in years]


def test_more_than_eight_series_are_split_into_panels_of_at_most_eight():
    from site_builder.charts.base import panel_groups, time_lines
    rows = _rows(13)
    groups = panel_groups(rows, "series", "value")
    assert len(groups) == 2 and all(len(g) <= 8 for g in groups) and sum(map(len, groups)) == 13
    peak = {r["series"]: r["value"] for r in rows}
    assert min(peak[s] for s in groups[0]) >= max(peak[s] for s in groups[1])  # largest first
    spec = time_lines(rows, x="x", y="value", series="series", y_title="Items", y_format="~s", title="T").to_dict()
    assert len(spec["vconcat"]) == 2
    assert panel_groups(_rows(8), "series", "value") == [[f"Series {i:02d}" for i in range(8)]]


def test_event_labels_never_cross_a_rule_or_another_label():
    from site_builder.charts.geometry import place_event_labels, text_width
    xs = [10, 30, 200, 215, 230, 560, 600]
    labels = ["A long label about a methodology change", "Another change", "Policy split", "Rename",
              "Third change here", "Late change", "Very late change at the end"]
    placed = place_event_labels(xs, labels, 620, 11)
    boxes = []
    for p in placed:
        w = text_width(p.text, 11)
        lo, hi = (p.x - 4 - w, p.x - 4) if p.left else (p.x + 4, p.x + 4 + w)
        assert lo >= 0 and hi <= 620, p
        assert not any(lo < o < hi for o in xs if o != p.x), p  # no rule through the label
        for lane, a, b in boxes:
            assert lane != p.lane or hi <= a or lo >= b, (p, a, b)
        if p.text:
            boxes.append((p.lane, lo, hi))
        assert p.text == "" or p.text == labels[xs.index(p.x)] or p.text.endswith("…")
    assert sum(bool(p.text) for p in placed) >= 5


def test_line_end_labels_are_moved_apart_or_replaced_by_a_legend():
    from site_builder.charts.geometry import spread
    got = spread([100, 101, 102, 250], 14, 0, 300)
    assert all(b - a >= 14 - 1e-6 for a, b in zip(sorted(got), sorted(got)[1:]))
    assert all(0 <= g <= 300 for g in got)
    from site_builder.charts.base import time_lines
    few = [{"x": f"{y}-07-01", "value": v * k, "series": n} for k, n in ((1, "Alpha"), (5, "Beta"))
           for y, v in ((2020, 10.0), (2021, 20.0))]
    spec = time_lines(few, x="x", y="value", series="series", y_title="Items", y_format="~s", title="T").to_dict()
    texts = [lyr for lyr in spec["layer"] if lyr.get("mark", {}).get("type") == "text"]
    assert texts and spec["layer"][0]["encoding"]["color"].get("legend") is None  # labelled, no legend
    crowded = [{"x": f"{y}-07-01", "value": 100.0 + k, "series": f"S{k}"} for k in range(6) for y in (2020, 2021)]
    spec = time_lines(crowded, x="x", y="value", series="series", y_title="Items", y_format="~s", title="T").to_dict()
    assert spec["layer"][0]["encoding"]["color"].get("legend") is not None  # labels would collide


def test_an_axis_that_does_not_start_at_zero_says_so():
    from site_builder.charts.base import NOT_FROM_ZERO, time_lines
    rows = [{"x": f"{y}-07-01", "value": v, "series": "A"} for y, v in ((2020, 91.0), (2021, 95.0))]
    off = time_lines(rows, x="x", y="value", series="series", y_title="Share", y_format=".0f", title="T", y_zero=False)
    on = time_lines(rows, x="x", y="value", series="series", y_title="Share", y_format=".0f", title="T")
    assert off.to_dict()["layer"][0]["encoding"]["y"]["title"] == "Share" + NOT_FROM_ZERO
    assert on.to_dict()["layer"][0]["encoding"]["y"]["title"] == "Share"


def test_page_renditions_carry_no_title_and_downloads_a_wrapped_one():
    from site_builder.charts import views
    from site_builder.charts.base import hbars
    rows = [{"c": "a", "v": 1.0, "t": "1"}]
    kw = dict(rows=rows, category="c", value="v", x_title="X", x_format="~s", label="t",
              title="A finding that is far too long to fit on one line of a chart this narrow, so it wraps")
    for view, (layout, scheme) in views.VIEWS.items():
        spec = views.spec(hbars, kw, "d", layout, scheme)
        assert "title" not in spec, view
        assert spec["config"]["background"] in ("#ffffff", "#1e2129")
    title = views.spec(hbars, kw, "d")["title"]["text"]
    assert isinstance(title, list) and len(title) >= 2 and " ".join(title) == kw["title"]
