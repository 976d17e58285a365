"""Ingest end to end on a fake raw directory built from fixtures."""

import shutil

import pytest

from conftest import FIXTURES, make_data_dir, write_manifest
from site_builder import catalog
from site_builder.errors import InputError
from site_builder.ingest import count_by_file, ingest, ingest_raw


def test_writes_sorted_observations_and_releases(tmp_path, fixture_raw):
    data = make_data_dir(tmp_path)
    res = ingest_raw("meta_cser", fixture_raw, data)
    assert (res.releases, res.observations) == (2, 25)
    rels = catalog.read_releases(data)
    assert [r.release_id for r in rels] == ["meta_cser-2021Q2", "meta_cser-2021Q3"]
    assert rels[0].sha256 == catalog.sha256_of(fixture_raw / "meta" / "meta-2021-q2.csv")
    assert rels[0].bytes == (fixture_raw / "meta" / "meta-2021-q2.csv").stat().st_size
    text = (data / "observations" / "meta_cser.csv").read_text()
    assert "N/A" in text and "4%-5%" in text
    assert count_by_file(data) == {"observations/meta_cser.csv": 25}


def test_ingest_is_deterministic_and_keeps_first_ingested(tmp_path, fixture_raw):
    data = make_data_dir(tmp_path)
    ingest_raw("meta_cser", fixture_raw, data)
    first = {p: p.read_bytes() for p in (data / "observations").rglob("*.csv")}
    rel = (data / "catalog" / "releases.csv").read_text()
    ingest_raw("meta_cser", fixture_raw, data)
    assert {p: p.read_bytes() for p in (data / "observations").rglob("*.csv")} == first
    assert (data / "catalog" / "releases.csv").read_text() == rel


def test_changed_raw_file_is_refused(tmp_path, fixture_raw):
    data = make_data_dir(tmp_path)
    (fixture_raw / "meta" / "meta-2021-q3.csv").write_text("app,policy_area,metric,period,value\n")
    with pytest.raises(InputError, match="differs from MANIFEST.csv"):
        ingest_raw("meta_cser", fixture_raw, data)
    assert not (data / "observations" / "meta_cser.csv").exists()


def test_unknown_label_stops_ingest_naming_file_label_and_map(tmp_path):
    raw = tmp_path / "raw"
    (raw / "meta").mkdir(parents=True)
    text = (FIXTURES / "meta" / "meta-2021-q2.csv").read_text().replace("Hate Speech", "Hate Speach")
    (raw / "meta" / "meta-2021-q2.csv").write_text(text)
    write_manifest(raw, [("meta/meta-2021-q2.csv", "meta_cser", "2021Q2")])
    data = make_data_dir(tmp_path)
    with pytest.raises(InputError) as err:
        ingest_raw("meta_cser", raw, data)
    msg = str(err.value)
    assert "meta/meta-2021-q2.csv line 9" in msg and "'Hate Speach'" in msg and "policy_labels/meta_cser.csv" in msg
    assert not (data / "observations" / "meta_cser.csv").exists()


def test_curated_file_unknown_to_catalog_is_refused(tmp_path, fixture_raw):
    data = make_data_dir(tmp_path)
    cur = tmp_path / "curated"
    shutil.copytree(FIXTURES / "curated", cur)
    (cur / "surprise.csv").write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="surprise.csv: curated file is not in the catalog"):
        ingest("all", fixture_raw, cur, data)


def test_ingest_all(tmp_path, fixture_raw):
    data = make_data_dir(tmp_path)
    results = ingest("all", fixture_raw, FIXTURES / "curated", data)
    assert [(r.unit, r.observations) for r in results] == [("meta_cser", 25), ("curated", 3)]
    assert (data / "observations" / "curated" / "independent_tests.csv").exists()
