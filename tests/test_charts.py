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
