"""Shared test helpers: paths, a fake raw directory built from fixtures, a tiny data
directory, and one full build of the committed data for the end-to-end tests."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import duckdb
import pytest
import yaml
from rich.console import Console

from site_builder import catalog, settings
from site_builder.ingest import ingest_curated, ingest_raw

REPO = settings.ROOT
FIXTURES = Path(__file__).parent / "fixtures"
SHARED_RAW = REPO.parent / "shared" / "data" / "raw"
SHARED_CURATED = REPO.parent / "shared" / "data" / "curated"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def need_shared(path: Path) -> Path:
    """The real published files: skip locally when absent, fail in CI (they must run there)."""
    if not path.exists():
        if IN_CI:
            pytest.fail(f"{path} is missing; CI must run the tests on the real published files")
        pytest.skip(f"{path} not found (these tests run in CI, where ../shared is present)")
    return path


@pytest.fixture
def raw_dir() -> Path:
    return need_shared(SHARED_RAW)


@pytest.fixture
def curated_dir() -> Path:
    return need_shared(SHARED_CURATED)


def quiet() -> Console:
    return Console(stderr=True, quiet=True)


def copy_tables(warehouse: Path, tables) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with a copy of ``tables`` from a built warehouse and a synthetic
    platform 'testplat', for marts run on added synthetic rows (see ``run_marts``)."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{warehouse}' AS w (READ_ONLY)")
    for t in tables:
        con.execute(f"CREATE TABLE {t} AS SELECT * FROM w.{t}")
    con.execute("DETACH w")
    con.execute("INSERT INTO platforms (platform_id, name, kind) VALUES ('testplat', 'Testplat', 'platform')")
    return con


def run_marts(con, marts) -> None:
    """(Re)create each named mart from its file in site_builder/sql/marts/, in the order given."""
    for name in marts:
        sql = (settings.SQL_DIR / "marts" / f"{name}.sql").read_text(encoding="utf-8")
        con.execute(f"CREATE OR REPLACE TABLE {name} AS {sql}")


def write_manifest(raw: Path, entries: list[tuple[str, str, str]]) -> None:
    """Write MANIFEST.csv for files already in ``raw``: (path, source_id, edition)."""
    with (raw / "MANIFEST.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=catalog.MANIFEST_COLUMNS, lineterminator="\n")
        w.writeheader()
        for path, source_id, edition in entries:
            f = raw / path
            w.writerow({"path": path, "source_id": source_id, "publisher": "test", "edition": edition,
                        "format": f.suffix.lstrip("."), "original_url": "https://example.org/report",
                        "obtained_via": "test fixture", "sha256": catalog.sha256_of(f),
                        "bytes": f.stat().st_size, "note": ""})


@pytest.fixture
def fixture_raw(tmp_path: Path) -> Path:
    """A raw directory holding the two fixture Meta editions and their MANIFEST."""
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "meta", raw / "meta")
    write_manifest(raw, [("meta/meta-2021-q2.csv", "meta_cser", "2021Q2"),
                         ("meta/meta-2021-q3.csv", "meta_cser", "2021Q3")])
    return raw


def make_data_dir(root: Path, curated: dict | None = None) -> Path:
    """A data directory with the real taxonomy and source catalog (curated section replaced)."""
    data = root / "data"
    shutil.copytree(REPO / "data" / "taxonomy", data / "taxonomy")
    shutil.copy(REPO / "data" / "annotations.csv", data / "annotations.csv")
    (data / "catalog").mkdir(parents=True)
    doc = yaml.safe_load((REPO / "data" / "catalog" / "sources.yaml").read_text(encoding="utf-8"))
    doc["curated"] = curated if curated is not None else {
        "independent_tests.csv": {"source_id": "independent_tests", "role": "facts",
                                  "edition": "fixture", "geography": "global"}}
    (data / "catalog" / "sources.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return data


@pytest.fixture
def tiny_data(tmp_path: Path, fixture_raw: Path) -> Path:
    """Fixture files ingested into a fresh data directory (Meta editions + one curated table)."""
    data = make_data_dir(tmp_path)
    ingest_raw("meta_cser", fixture_raw, data)
    ingest_curated(FIXTURES / "curated", data)
    return data


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One full build of the committed data/ (no cache); returns the build directory."""
    from site_builder.pipeline import build

    build_dir = tmp_path_factory.mktemp("build")
    build(data_dir=REPO / "data", build_dir=build_dir, use_cache=False, console=quiet())
    return build_dir


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Debian's, driven by Playwright) for the whole session: Playwright's
    sync API runs one instance per process, so every browser test shares it (skips locally when
    Chromium or Playwright is missing, fails in CI; see tests/browser_support.py)."""
    from browser_support import LAUNCH_ARGS, require_chromium, require_playwright

    chromium = require_chromium()
    sync_playwright = require_playwright()
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(chromium), args=LAUNCH_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def running_server():
    """A pytest-httpserver on 127.0.0.1 for one test module (network tests never leave the machine)."""
    from pytest_httpserver import HTTPServer

    s = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    s.start()
    yield s
    s.stop()
