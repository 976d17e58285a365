"""Bulk downloads: files written from the warehouse, the Frictionless data package (validated
with frictionless itself), licences and sources per resource, claims present or absent, the
Downloads page; and, end to end, the files and the page of the committed data's build."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
from html import unescape
from pathlib import Path

import duckdb
import frictionless
import pytest

from conftest import FIXTURES, REPO, write_manifest
from site_builder import downloads, pipeline, render, warehouse
from site_builder.ingest import ingest_raw
from site_builder.pages import downloads as downloads_page
from site_builder.pages.common import Ctx

CSV_FILES = ["observations.csv", "annotations.csv", "releases.csv", "sources.csv"]
ALL_FILES = [*CSV_FILES, "observations.parquet", "warehouse.duckdb", "datapackage.json"]
CC_BY = {"diaphanous", "dsa_tdb"}

CLAIMS_TEXT = (
    "claim_id,platform_label,kind,quote,date,source_url\n"
    'c-1,Meta,commitment,"We remove it, and ""report"" it\nto NCMEC",2021-04-01,https://example.org/a\n'
    "c-2,TikTok,policy_change,,2023-04-01,https://example.org/b\n"
)


def build_warehouse(data_dir: Path, db_path: Path) -> Path:
    """Load, model and check ``data_dir`` into a closed warehouse file, as the build does."""
    con = duckdb.connect(str(db_path))
    try:
        warehouse.load(con, data_dir)
        warehouse.run_models(con)
        assert warehouse.run_checks(con) == []
    finally:
        con.close()
    return db_path


@pytest.fixture
def tiny_db(tiny_data: Path, fixture_raw: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The tiny data directory plus the (synthetic) Diaphanous fixtures, a CC BY 4.0 source,
    loaded into a warehouse file; returns (data_dir, warehouse path)."""
    shutil.copytree(FIXTURES / "diaphanous", fixture_raw / "diaphanous")
    write_manifest(fixture_raw, [("meta/meta-2021-q2.csv", "meta_cser", "2021Q2"),
                                 ("meta/meta-2021-q3.csv", "meta_cser", "2021Q3"),
                                 ("diaphanous/ocse-reports-per-platform.json", "diaphanous", "v0.1"),
                                 ("diaphanous/ocse-reports-per-year.csv", "diaphanous", "v0.1")])
    ingest_raw("diaphanous", fixture_raw, tiny_data)
    (tiny_data / "claims.csv").unlink(missing_ok=True)
    return tiny_data, build_warehouse(tiny_data, tmp_path / "warehouse.duckdb")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def package(out: Path) -> dict:
    return json.loads((out / "datapackage.json").read_text(encoding="utf-8"))


def scalar(db: Path, sql: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_files_are_written_and_rows_match_the_warehouse(tiny_db, tmp_path):
    data, db = tiny_db
    out = tmp_path / "downloads"
    files = {f.file: f for f in downloads.write_files(db, data, out)}
    assert list(files) == ["observations.csv", "observations.parquet", "annotations.csv", "releases.csv",
                           "sources.csv", "warehouse.duckdb", "datapackage.json"]
    assert sorted(p.name for p in out.iterdir()) == sorted(ALL_FILES)
    expected = {"observations.csv": "SELECT count(*) FROM fct_observations",
                "annotations.csv": "SELECT count(*) FROM annotations",
                "releases.csv": "SELECT count(*) FROM releases",
                "sources.csv": "SELECT count(*) FROM sources"}
    for name, sql in expected.items():
        n = scalar(db, sql)
        assert n > 0, name
        assert files[name].rows == n == len(read_csv(out / name)), name
    obs = read_csv(out / "observations.csv")
    assert {"diaphanous", "meta_cser", "independent_tests"} <= {r["source_id"] for r in obs}
    assert "superseded" in obs[0] and "value_text" not in obs[0]
    con = duckdb.connect()
    parquet = con.execute("SELECT count(*), count(DISTINCT locator) FROM read_parquet($p)",
                          {"p": str(out / "observations.parquet")}).fetchone()
    assert parquet[0] == files["observations.parquet"].rows == len(obs)
    assert [d[0] for d in con.execute("SELECT * FROM read_parquet($p) LIMIT 0",
                                      {"p": str(out / "observations.parquet")}).description] == list(obs[0])
    # the warehouse copy is a complete database
    assert scalar(out / "warehouse.duckdb", "SELECT count(*) FROM fct_observations") == len(obs)
    assert files["warehouse.duckdb"].rows == scalar(db, "SELECT count(*) FROM duckdb_tables()")


def test_rows_come_out_in_the_same_order_every_time(tiny_db, tmp_path):
    data, db = tiny_db
    a = downloads.write_files(db, data, tmp_path / "a")
    b = downloads.write_files(db, data, tmp_path / "b")
    for fa, fb in zip(a, b):
        if fa.file.endswith((".csv", ".json")):
            assert fa.sha256 == fb.sha256, fa.file


def test_datapackage_validates_with_frictionless_and_bytes_and_hashes_match(tiny_db, tmp_path):
    data, db = tiny_db
    out = tmp_path / "downloads"
    downloads.write_files(db, data, out)
    report = frictionless.validate(out / "datapackage.json")
    assert report.valid, report.flatten(["type", "note"])
    pkg = package(out)
    assert pkg["name"] == "platform-enforcement-watch" and pkg["title"]
    assert [r["path"] for r in pkg["resources"]] == CSV_FILES  # Parquet and DuckDB: page only
    for r in pkg["resources"]:
        body = (out / r["path"]).read_bytes()
        assert r["bytes"] == len(body)
        assert r["hash"] == "sha256:" + hashlib.sha256(body).hexdigest()
        assert r["format"] == "csv" and r["mediatype"] == "text/csv"
        header = next(csv.reader([body.decode().splitlines()[0]]))
        assert [f["name"] for f in r["schema"]["fields"]] == header
    types = {f["name"]: f["type"] for f in pkg["resources"][0]["schema"]["fields"]}
    assert types["value"] == "number" and types["period_start"] == "date" and types["superseded"] == "boolean"
    # frictionless does check the hash: a changed file fails
    with (out / "sources.csv").open("a", encoding="utf-8") as fh:
        fh.write("x,y,z,u,v,w,a,b,c,d,false\n")
    bad = frictionless.validate(out / "datapackage.json")
    assert not bad.valid
    assert {"hash-count", "byte-count"} <= {e[0] for e in bad.flatten(["type"])}


def test_every_resource_names_its_licences_and_sources_with_cc_by_citations(tiny_db, tmp_path):
    data, db = tiny_db
    out = tmp_path / "downloads"
    downloads.write_files(db, data, out)
    pkg = package(out)
    con = duckdb.connect(str(db), read_only=True)
    catalog = {r[0]: {"title": f"{r[1]}: {r[2]}", "licence": r[3], "citation": r[4]}
               for r in con.execute("SELECT source_id, publisher, title, licence, citation FROM sources").fetchall()}
    used = {r[0] for r in con.execute("SELECT DISTINCT source_id FROM fct_observations").fetchall()}
    con.close()
    assert pkg["licenses"] and len(pkg["sources"]) == len(catalog)
    by_name = {r["name"]: r for r in pkg["resources"]}
    for r in pkg["resources"]:
        assert r["licenses"] and all(lic.get("name") or lic.get("path") for lic in r["licenses"]), r["name"]
        assert r["sources"] and all(s["title"] for s in r["sources"]), r["name"]
    obs = by_name["observations"]
    assert {s["title"] for s in obs["sources"]} == {catalog[sid]["title"] for sid in used}
    assert {lic["title"] for lic in obs["licenses"]} == {catalog[sid]["licence"] for sid in used}
    for s in obs["sources"]:
        sid = next(k for k, v in catalog.items() if v["title"] == s["title"])
        assert s["licence"] == catalog[sid]["licence"]
        assert s.get("citation", "") == (catalog[sid]["citation"] or "")
    cc = [lic for lic in obs["licenses"] if lic["name"] == "CC-BY-4.0"]
    assert cc and cc[0]["path"] == "https://creativecommons.org/licenses/by/4.0/"
    # both CC BY 4.0 sources carry their citation text in the package (Diaphanous also on observations)
    citations = {s["title"]: s.get("citation") for s in pkg["sources"]}
    for sid in CC_BY:
        assert citations[catalog[sid]["title"]] == catalog[sid]["citation"] and "doi:" in catalog[sid]["citation"]
    assert any("Diaphanous" in s.get("citation", "") for s in obs["sources"])
    # the project's own files are under the project's licence
    assert [lic["name"] for lic in by_name["annotations"]["licenses"]] == ["MIT"]


@pytest.mark.parametrize("bom", ["", "\ufeff"])
def test_claims_are_offered_only_when_data_has_them(tiny_db, tmp_path, bom):
    data, db = tiny_db
    absent = tmp_path / "absent"
    files = downloads.write_files(db, data, absent)
    assert not (absent / "claims.csv").exists()
    assert "claims" not in [r["name"] for r in package(absent)["resources"]]
    assert "claims.csv" not in [f.file for f in files]

    (data / "claims.csv").write_text(bom + CLAIMS_TEXT, encoding="utf-8")
    present = tmp_path / "present"
    files = downloads.write_files(db, data, present)
    assert (present / "claims.csv").read_bytes() == (data / "claims.csv").read_bytes()
    claims = next(f for f in files if f.file == "claims.csv")
    assert claims.rows == 2  # a quoted field with a newline is one row
    res = next(r for r in package(present)["resources"] if r["name"] == "claims")
    assert [f["name"] for f in res["schema"]["fields"]] == CLAIMS_TEXT.splitlines()[0].split(",")
    assert res["licenses"] and res["sources"]
    report = frictionless.validate(present / "datapackage.json")
    assert report.valid, report.flatten(["type", "note"])


@pytest.mark.parametrize("with_claims", [False, True])
def test_downloads_page_lists_each_file_with_its_size_and_licences(tiny_db, tmp_path, with_claims):
    data, db = tiny_db
    if with_claims:
        (data / "claims.csv").write_text(CLAIMS_TEXT, encoding="utf-8")
    con = duckdb.connect(str(db), read_only=True)
    ctx = Ctx(con)
    pages = downloads_page.build(ctx)
    site = pipeline.site_settings(ctx, pages)  # what the build gives every page
    con.close()
    docs = tmp_path / "docs"
    env = render.environment()
    render.render_markdown(pages[0], docs, env, site)  # the render stage's placeholder
    assert "listed once they are written" in (docs / "downloads.md").read_text(encoding="utf-8")
    files = downloads.run(db, data, docs, pages, env, site)
    text = unescape((docs / "downloads.md").read_text(encoding="utf-8"))
    assert "listed once they are written" not in text
    for f in files:
        assert (docs / "downloads" / f.file).stat().st_size == f.bytes
        row = re.search(rf'<tr id="file-[^"]+"><td class="pew-file"><a href="downloads/{re.escape(f.file)}" download>.*?</tr>', text)
        assert row, f.file
        assert f"{f.bytes:,}" in row.group(0) and downloads_page.human_size(f.bytes) in row.group(0)
    assert ("claims.csv" in text) == with_claims
    assert "CC BY 4.0" in text and "Vega-Lite JSON" in text
    for cite in ("doi:10.5281/zenodo.13896438", "doi:10.2906/134353607485211"):
        assert cite in text


def test_human_size():
    assert downloads_page.human_size(999) == "999 bytes"
    assert downloads_page.human_size(1000) == "1.0 kB"
    assert downloads_page.human_size(67_207_086) == "67.2 MB"
    assert downloads_page.human_size(999_960) == "1.0 MB"


def test_built_site_offers_the_bulk_files_on_the_downloads_page(built_site):
    out = built_site / "site" / "downloads"
    expected = ALL_FILES + (["claims.csv"] if (REPO / "data" / "claims.csv").exists() else [])
    assert sorted(p.name for p in out.iterdir()) == sorted(expected)
    page = unescape((built_site / "site" / "downloads.html").read_text(encoding="utf-8"))
    for name in expected:
        size = (out / name).stat().st_size
        row = re.search(rf'<tr id="file-[^"]+"><td class="pew-file"><a href="downloads/{re.escape(name)}" download>.*?</tr>', page)
        assert row, name
        assert f"{size:,}" in row.group(0) and downloads_page.human_size(size) in row.group(0), name
    report = frictionless.validate(out / "datapackage.json")  # every row of the real files
    assert report.valid, report.flatten(["type", "note"])[:20]
    con = duckdb.connect(str(built_site / "warehouse.duckdb"), read_only=True)
    n = con.execute("SELECT count(*) FROM fct_observations").fetchone()[0]
    con.close()
    assert sum(1 for _ in csv.reader((out / "observations.csv").open(encoding="utf-8", newline=""))) == n + 1
    assert "Downloads" in unescape((built_site / "site" / "index.html").read_text(encoding="utf-8"))
