"""Curated fact-table adapter: fixture in the curated format, bad inputs, and (in CI) every
real curated fact table named in the catalog."""

import csv

import pytest
import yaml

from conftest import FIXTURES, REPO
from site_builder.adapters import curated
from site_builder.errors import InputError

SPEC = {"source_id": "independent_tests", "role": "facts", "edition": "fixture", "geography": "global"}


def parse(path, spec=SPEC):
    return curated.parse(path, release_id="independent_tests-curated-x", source_id=spec["source_id"], spec=spec,
                         display_path=f"curated/{path.name}")


def test_keeps_provenance_on_every_row():
    rows = parse(FIXTURES / "curated" / "independent_tests.csv")
    assert len(rows) == 3
    r = rows[0]
    assert r.source_url == "https://example.org/test-report"
    assert r.source_title == 'Synthetic test report "Fixture" 2021'
    assert r.retrieved_from == "fixture" and r.note == "synthetic test value"
    assert r.locator == "curated/independent_tests.csv line 2"
    assert r.value == 100 and r.value_as_published == "100" and r.value_status == "reported"


@pytest.mark.parametrize("mutate, message", [
    (lambda t: t.replace("source_url,", "url,", 1), "missing column source_url; unknown column url"),
    (lambda t: t.replace(",100,posts", ",1 00,posts", 1), "line 2, column value: unreadable number"),
    (lambda t: t.replace("2021-05-18,2021-06-29", "2021-05-18,29/06/2021", 1), "line 2, column period_end"),
    (lambda t: t.replace("2021-05-18,2021-06-29", "2021-07-18,2021-06-29", 1), "ends before it starts"),
    (lambda t: t.replace(",100,posts", ",100,", 1), "empty unit"),
    (lambda t: t.rstrip("\n") + ",extra\n", "different number of fields"),
])
def test_bad_input(tmp_path, mutate, message):
    f = tmp_path / "independent_tests.csv"
    f.write_text(mutate((FIXTURES / "curated" / "independent_tests.csv").read_text()), encoding="utf-8")
    with pytest.raises(InputError, match=message):
        parse(f)


def test_geography_by_source_url(tmp_path):
    spec = {**SPEC, "geography": {"https://example.org/test-report": "US"}}
    f = FIXTURES / "curated" / "independent_tests.csv"
    with pytest.raises(InputError, match="source_url has no geography"):
        parse(f, spec)
    spec["geography"]["not captured (synthetic test report)"] = "CA"
    assert [r.geography for r in parse(f, spec)] == ["US", "US", "CA"]


@pytest.mark.raw
def test_every_real_curated_fact_table(curated_dir):
    doc = yaml.safe_load((REPO / "data" / "catalog" / "sources.yaml").read_text())
    facts = {n: s for n, s in doc["curated"].items() if s["role"] == "facts"}
    assert len(facts) >= 12
    for name, spec in facts.items():
        rows = curated.parse(curated_dir / name, release_id="x", source_id=spec["source_id"], spec=spec,
                             display_path=f"curated/{name}")
        with (curated_dir / name).open(encoding="utf-8") as fh:
            assert len(rows) == sum(1 for _ in csv.DictReader(fh))
        assert all(r.source_title and r.locator for r in rows)
