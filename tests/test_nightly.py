"""The nightly job end to end against a publisher's server on 127.0.0.1 (pytest-httpserver
serving Meta's CSV layout at the raw MANIFEST's paths, reached through ``--mirror``): what a
night publishes, what it keeps, what the reader sees, and its exit codes. The HTTP cases
themselves (304, retries, refused responses, redirects) are in tests/test_fetch.py."""

from __future__ import annotations

import csv
import hashlib
import shutil
from datetime import date
from pathlib import Path

import pytest
import stamina
import yaml

from conftest import FIXTURES, REPO, quiet, write_manifest
from site_builder import nightly
from site_builder.ingest import ingest_added
from site_builder.pipeline import build

pytestmark = pytest.mark.slow

DAY = date(2026, 12, 3)
# a Meta-format file at an address of its own (read into a copy of the committed data before
# the first night), and the address of a real edition the committed data was read from
Q3, REAL = "meta/fixture-2021-q3.csv", "meta/meta-2024-q2.csv"
ORIGINAL = (FIXTURES / "meta" / "meta-2021-q3.csv").read_bytes()
# Meta overwrites its CSV at the same address: the same edition with one child-safety figure revised
REVISED = ORIGINAL.replace(b'2021Q1,"5,100,000"', b'2021Q1,"5,200,000"', 1)
FETCH = {"method": "files", "content_types": ["text/csv"], "min_bytes": 100,
         "files": [{"path": Q3, "url": "https://transparency.example/fixture-2021-q3.csv", "edition": "2021Q3"}]}


def rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """The committed data with the fixture file read in as a Meta release (as an earlier night
    would have) and Meta's fetch block pointing at it, built once (charts cached)."""
    root = tmp_path_factory.mktemp("night-base")
    data = root / "data"
    shutil.copytree(REPO / "data", data)
    cat = data / "catalog" / "sources.yaml"
    doc = yaml.safe_load(cat.read_text(encoding="utf-8"))
    doc["sources"]["meta_cser"]["fetch"] = FETCH
    cat.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    raw = root / "raw"
    (raw / "meta").mkdir(parents=True)
    (raw / Q3).write_bytes(ORIGINAL)
    write_manifest(raw, [(Q3, "meta_cser", "2021Q3")])
    ingest_added("meta_cser", raw, data)
    build(data_dir=data, build_dir=root / "build", console=quiet())
    return root


@pytest.fixture
def night(base: Path, tmp_path: Path, httpserver):
    """A copy of the base (data, last good site, chart cache) and a function that serves the
    two addresses and runs one night against them."""
    shutil.copytree(base / "data", tmp_path / "data")
    shutil.copytree(base / "build", tmp_path / "build", symlinks=True)
    data, build_dir, cache = tmp_path / "data", tmp_path / "build", tmp_path / "cache"
    stamina.set_testing(True, attempts=2)  # retries without real waits

    def run(files: dict[str, bytes | int]) -> nightly.Night:
        httpserver.clear()
        for path, body in files.items():
            if isinstance(body, int):
                httpserver.expect_request("/" + path).respond_with_data("error", status=body, content_type="text/plain")
            else:
                httpserver.expect_request("/" + path).respond_with_data(body, content_type="text/csv")
        return nightly.run(data_dir=data, build_dir=build_dir, cache_dir=cache, sources=["meta_cser"],
                           mirror=httpserver.url_for("/").rstrip("/"), today=DAY, console=quiet())

    yield run, data, build_dir, cache
    stamina.set_testing(False)


def declare_real_edition(data: Path) -> None:
    """Add the address of a real edition the committed data was read from to Meta's fetch block."""
    cat = data / "catalog" / "sources.yaml"
    doc = yaml.safe_load(cat.read_text(encoding="utf-8"))
    doc["sources"]["meta_cser"]["fetch"]["files"].append(
        {"path": REAL, "url": "https://transparency.example/meta-2024-q2.csv", "edition": "2024Q2"})
    cat.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


def test_an_unchanged_file_changes_nothing_and_publishes_nothing(night):
    run, data, build_dir, _ = night
    site_before = digest(build_dir / "site" / "index.html")
    obs_before = (data / "observations" / "meta_cser.csv").read_bytes()
    result = run({Q3: ORIGINAL})
    assert result.exit_code == nightly.EXIT_NOTHING, result.message
    assert (data / "observations" / "meta_cser.csv").read_bytes() == obs_before
    assert not (data / "archive").exists()
    assert digest(build_dir / "site" / "index.html") == site_before
    assert [r["outcome"] for r in rows(data / "catalog" / "fetches.csv")] == ["unchanged"]


def test_an_overwritten_file_is_a_new_vintage_whose_revision_readers_see(night, httpserver, tmp_path):
    from site_builder.cli import main

    _, data, build_dir, cache = night
    old_releases = {r["release_id"] for r in rows(data / "catalog" / "releases.csv")}
    httpserver.expect_request("/" + Q3).respond_with_data(REVISED, content_type="text/csv")
    summary = tmp_path / "summary.txt"
    args = ["nightly", "meta_cser", "--data", str(data), "--build-dir", str(build_dir), "--cache", str(cache),
            "--mirror", httpserver.url_for("/").rstrip("/")]
    assert main(args + ["--summary", str(summary)]) == nightly.EXIT_PUBLISHED
    assert "1 revised figure (meta_cser), 1 about child safety" in summary.read_text(encoding="utf-8")
    assert "1 new release (meta_cser) with 15 figures" in summary.read_text(encoding="utf-8")
    # both vintages are kept: the earlier release stays, the new one is added beside it
    releases = {r["release_id"]: r for r in rows(data / "catalog" / "releases.csv")}
    assert old_releases < set(releases)
    new_id = next(i for i in releases if i.endswith("-retrieved-" + date.today().isoformat()))
    assert releases[new_id]["sha256"] == hashlib.sha256(REVISED).hexdigest()
    assert len(list(cache.rglob("fixture-2021-q3.csv"))) == 1, "the new vintage is in the dated cache"
    values = {r["release_id"]: r["value"] for r in rows(data / "observations" / "meta_cser.csv")
              if r["policy_label"] == "Child Nudity & Sexual Exploitation" and r["platform_label"] == "Facebook"
              and r["period_start"] == "2021-01-01" and r["release_id"] in ("meta_cser-2021Q3-fixture-2021-q3", new_id)}
    assert values == {"meta_cser-2021Q3-fixture-2021-q3": "5100000", new_id: "5200000"}
    today = date.today().isoformat()
    changes = [c for c in rows(data / "changes.csv") if c["date"] == today]
    kinds = {c["kind"]: c for c in changes}
    assert set(kinds) == {"new_release", "revised_figures"}
    assert kinds["revised_figures"]["count"] == "1" and kinds["revised_figures"]["child_safety"] == "1"
    bundle = data / "archive" / today
    assert {p.name for p in bundle.iterdir()} == {"observations.parquet", "datapackage.json", "changes.csv"}
    assert len(rows(bundle / "changes.csv")) == len(changes)
    page = (build_dir / "site" / "changes.html").read_text(encoding="utf-8")
    assert "5,100,000" in page and "5,200,000" in page
    # the next night with the same bytes: nothing changed
    assert main(args) == nightly.EXIT_NOTHING


def test_a_withdrawn_file_and_an_unreachable_one_keep_their_data(night):
    run, data, build_dir, _ = night
    declare_real_edition(data)
    obs_before = (data / "observations" / "meta_cser.csv").read_bytes()
    result = run({Q3: 500, REAL: 404})
    assert result.exit_code == nightly.EXIT_STALE, result.message
    assert "meta_cser" in result.stale
    assert (data / "observations" / "meta_cser.csv").read_bytes() == obs_before
    changes = {c["kind"]: c for c in rows(data / "changes.csv") if c["date"] == DAY.isoformat()}
    assert set(changes) == {"withdrawn_file", "source_unreachable"}
    assert changes["withdrawn_file"]["release_id"] == "meta_cser-2024Q2"
    assert not (data / "archive").exists() or not any((data / "archive").iterdir())
    log = rows(data / "catalog" / "fetches.csv")
    assert {r["path"]: r["outcome"] for r in log} == {Q3: "failed", REAL: "failed"}
    page = (build_dir / "site" / "changes.html").read_text(encoding="utf-8")
    assert "meta-2024-q2.csv" in page


def test_a_new_file_an_adapter_cannot_read_is_set_aside(night):
    run, data, _, _ = night
    obs_before = (data / "observations" / "meta_cser.csv").read_bytes()
    renamed = ORIGINAL.replace(b"app,policy_area,metric,period,value", b"app,policy,measure,period,value", 1)
    result = run({Q3: renamed})
    assert result.exit_code == nightly.EXIT_STALE, result.message
    assert (data / "observations" / "meta_cser.csv").read_bytes() == obs_before
    set_aside = rows(data / "quarantine" / "editions" / "editions.csv")
    assert [(r["source_id"], r["path"]) for r in set_aside] == [("meta_cser", Q3)]
    assert "fixture-2021-q3.csv" in set_aside[0]["error"]
    assert [c["kind"] for c in rows(data / "changes.csv") if c["date"] == DAY.isoformat()] == ["format_changed"]


def test_a_failed_build_publishes_nothing_and_keeps_the_last_good_data(night, monkeypatch):
    run, data, build_dir, _ = night
    from site_builder import pipeline
    from site_builder.errors import BuildError

    def broken(**_kw):
        raise BuildError("data checks failed (test)")

    monkeypatch.setattr(pipeline, "build", broken)
    site_before = digest(build_dir / "site" / "index.html")
    data_before = {p: p.read_bytes() for p in data.rglob("*.csv") if p.name != "fetches.csv"}
    result = run({Q3: REVISED})
    assert result.exit_code == nightly.EXIT_FAILED
    assert "nothing was published" in result.message
    assert digest(build_dir / "site" / "index.html") == site_before
    assert {p: p.read_bytes() for p in data.rglob("*.csv") if p.name != "fetches.csv"} == data_before
    assert not (data / "archive").exists()
    # the fetch is on record, and the vintage stays in the cache for the next night
    assert [r["outcome"] for r in rows(data / "catalog" / "fetches.csv")] == ["changed"]


def test_every_kind_of_refused_response_keeps_the_data_and_the_reader_is_told(night, httpserver):
    """One night in which Meta's file answers and five more of its addresses fail in each way a
    server can: 429 with Retry-After every time, a read timeout, a truncated body, an HTML page
    for a CSV, a redirect loop. Meta keeps its data; the log says why each failed; the What
    changed page, the Source health page and Meta's platform pages say so."""
    import time

    from werkzeug import Response

    from site_builder.fetch.http import HttpSettings, make_client

    run, data, build_dir, _ = night
    failing = {"meta/busy.csv": "busy", "meta/slow.csv": "slow", "meta/cut.csv": "cut", "meta/page.csv": "page",
               "meta/loop.csv": "loop"}
    cat = data / "catalog" / "sources.yaml"
    doc = yaml.safe_load(cat.read_text(encoding="utf-8"))
    doc["sources"]["meta_cser"]["fetch"]["files"] += [
        {"path": p, "url": f"https://transparency.example/{name}.csv", "edition": "2022Q1"} for p, name in failing.items()]
    cat.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    obs_before = (data / "observations" / "meta_cser.csv").read_bytes()

    def slow(_req):
        time.sleep(0.6)
        return Response(ORIGINAL, content_type="text/csv")

    def cut(_req):
        resp = Response(ORIGINAL[:300], content_type="text/csv")
        resp.headers["Content-Length"] = str(len(ORIGINAL))
        return resp

    httpserver.clear()
    httpserver.expect_request("/" + Q3).respond_with_data(ORIGINAL, content_type="text/csv")
    httpserver.expect_request("/meta/busy.csv").respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": "1"}))
    httpserver.expect_request("/meta/slow.csv").respond_with_handler(slow)
    httpserver.expect_request("/meta/cut.csv").respond_with_handler(cut)
    httpserver.expect_request("/meta/page.csv").respond_with_data(
        b"<!doctype html><html><body>" + b"Sign in to continue. " * 20 + b"</body></html>", content_type="text/html")
    httpserver.expect_request("/meta/loop.csv").respond_with_response(Response(status=302, headers={"Location": "/meta/loop2"}))
    httpserver.expect_request("/meta/loop2").respond_with_response(Response(status=302, headers={"Location": "/meta/loop.csv"}))
    client = make_client(HttpSettings(read_timeout=0.3, max_redirects=5))
    try:
        result = nightly.run(data_dir=data, build_dir=build_dir, cache_dir=build_dir.parent / "cache", sources=["meta_cser"],
                             mirror=httpserver.url_for("/").rstrip("/"), today=DAY, console=quiet(), client=client)
    finally:
        client.close()
    assert result.exit_code == nightly.EXIT_STALE, result.message
    assert (data / "observations" / "meta_cser.csv").read_bytes() == obs_before
    log = {r["path"]: r for r in rows(data / "catalog" / "fetches.csv")}
    assert log[Q3]["outcome"] == "unchanged"
    reasons = {p: log[p]["reason"] for p in failing}
    assert all(log[p]["outcome"] == "failed" for p in failing)
    assert reasons["meta/busy.csv"].startswith("HTTP 429")
    assert reasons["meta/slow.csv"].startswith("read timeout")
    assert reasons["meta/cut.csv"].startswith("truncated body")
    assert reasons["meta/page.csv"].startswith("got text/html")
    assert reasons["meta/loop.csv"].startswith("redirect loop")
    assert not list((build_dir.parent / "cache").rglob("*.csv")), "nothing refused is kept"
    site = build_dir / "site"
    changes = (site / "changes.html").read_text(encoding="utf-8")
    assert "Meta CSER could not be fetched: 5 files not received; the figures already read from it are kept." in changes
    health = (site / "health.html").read_text(encoding="utf-8")
    notice = "Figures from Meta CSER (Meta Platforms) may be out of date: fetching its files has failed since"
    assert notice in health
    assert notice in (site / "platforms" / "facebook.html").read_text(encoding="utf-8")
