"""Every chart of the built site validates against the Vega-Lite schema Altair ships."""

import json
from pathlib import Path

import altair
import jsonschema

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
