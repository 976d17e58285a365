"""The fetch step against a real local server (pytest-httpserver on 127.0.0.1), serving files in
the publishers' formats (the adapters' fixtures): what is kept, what is refused, what the log says,
and that nothing fetched earlier is lost. stamina's testing mode removes the backoff waits."""

from __future__ import annotations

import csv
import hashlib
import re
import time
from datetime import date
from pathlib import Path

import pytest
import stamina
import yaml
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from conftest import FIXTURES, REPO, SHARED_RAW, need_shared
from site_builder import catalog, cli
from site_builder.errors import InputError
from site_builder.fetch import LOG_COLUMNS, run
from site_builder.fetch.declarations import load_declarations
from site_builder.fetch.http import HttpSettings, make_client, retry_after_seconds

DAY = date(2026, 12, 3)
META_Q2 = (FIXTURES / "meta" / "meta-2021-q2.csv").read_bytes()
META_Q3 = (FIXTURES / "meta" / "meta-2021-q3.csv").read_bytes()
NCMEC_2023 = (FIXTURES / "ncmec" / "ncmec-by-esp-2023.pdf").read_bytes()
CSV_TYPES = ["text/csv", "application/octet-stream"]
SETTINGS = HttpSettings(connect_timeout=2, read_timeout=0.3, attempts=3, max_redirects=5)


@pytest.fixture(autouse=True)
def no_backoff():
    """Retries happen, their waits do not (stamina's testing mode; 3 attempts)."""
    with stamina.set_testing(True, attempts=3):
        yield


@pytest.fixture
def server(running_server):
    """The module's server on 127.0.0.1, with no handlers and an empty request log."""
    running_server.clear()
    running_server.no_handler_status_code = 500
    return running_server


def source(fetch: dict) -> dict:
    return {"short": "t", "publisher": "t", "title": "t", "url": "https://example.org/", "kind": "platform_report",
            "cadence": "quarterly", "licence": "t", "fetch": fetch}


def meta_files(url: str, **extra) -> dict:
    return {"method": "files", "content_types": CSV_TYPES, "min_bytes": 100,
            "files": [{"path": "meta/meta-2021-q2.csv", "url": url, "edition": "2021Q2", **extra}]}


def data_dir(tmp_path: Path, fetches: dict[str, dict]) -> Path:
    data = tmp_path / "data"
    (data / "catalog").mkdir(parents=True, exist_ok=True)
    doc = {"sources": {sid: source(block) for sid, block in fetches.items()}}
    (data / "catalog" / "sources.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return data


def fetch(data: Path, sources=None, settings: HttpSettings = SETTINGS, today: date = DAY, **kw):
    with make_client(settings) as client:
        return run(sources, data_dir=data, cache_dir=data.parent / "cache", today=today, client=client,
                   settings=settings, **kw)


def log_rows(data: Path) -> list[dict[str, str]]:
    with (data / "catalog" / "fetches.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == LOG_COLUMNS
        return list(reader)


def state(data: Path) -> tuple[dict[str, bytes], str]:
    """Every cached file with its bytes, and the log's text: what must never be lost."""
    cache = data.parent / "cache"
    files = {p.relative_to(cache).as_posix(): p.read_bytes() for p in cache.rglob("*") if p.is_file()} if cache.exists() else {}
    log = data / "catalog" / "fetches.csv"
    return files, log.read_text(encoding="utf-8") if log.exists() else ""


def assert_kept(before: tuple[dict[str, bytes], str], data: Path) -> None:
    files, log = state(data)
    assert all(files.get(k) == v for k, v in before[0].items()), "an earlier cached file was lost or changed"
    assert log.startswith(before[1]), "an earlier log row was lost or changed"


def csv_response(body: bytes, **headers) -> Response:
    return Response(body, status=200, headers={"Content-Type": "text/csv; charset=utf-8", **headers})


def requests_to(server: HTTPServer, path: str) -> int:
    return sum(1 for req, _ in server.log if req.path == path)


# --- what is kept --------------------------------------------------------------------------------

def test_new_edition_is_kept_and_logged(server, tmp_path):
    server.expect_request("/meta.csv").respond_with_response(csv_response(META_Q2, ETag='"v1"'))
    data = data_dir(tmp_path, {"meta_cser": meta_files(server.url_for("/meta.csv"))})
    (r,) = fetch(data)
    assert (r.outcome, r.status, r.reason, r.edition) == ("new", 200, "", "2021Q2")
    assert r.vintage == "raw/meta_cser/2026-12-03/meta/meta-2021-q2.csv"
    assert r.vintage_path == (tmp_path / "cache" / r.vintage).resolve() and r.vintage_path.read_bytes() == META_Q2
    (row,) = log_rows(data)
    assert row == {**r.row(), "status": "200", "bytes": str(len(META_Q2))}
    assert row["sha256"] == hashlib.sha256(META_Q2).hexdigest() and row["etag"] == '"v1"'
    assert row["content_type"] == "text/csv" and row["final_url"] == server.url_for("/meta.csv")
    assert row["fetched_at"].endswith("Z") and len(row["fetched_at"]) == 20
    assert requests_to(server, "/meta.csv") == 1


def test_same_url_with_changed_bytes_is_a_new_vintage_beside_the_old(server, tmp_path):
    """Meta replaces its CSV at the same address: the new bytes are a new vintage, the old file stays."""
    data = data_dir(tmp_path, {"meta_cser": meta_files(server.url_for("/meta.csv"))})
    server.expect_ordered_request("/meta.csv").respond_with_response(csv_response(META_Q2))
    server.expect_ordered_request("/meta.csv").respond_with_response(csv_response(META_Q3))
    server.expect_ordered_request("/meta.csv").respond_with_response(csv_response(META_Q2))
    (first,) = fetch(data, today=date(2026, 12, 1))
    before = state(data)
    (second,) = fetch(data)
    assert (first.outcome, second.outcome) == ("new", "changed")
    assert second.vintage == "raw/meta_cser/2026-12-03/meta/meta-2021-q2.csv"
    assert first.vintage_path.read_bytes() == META_Q2 and second.vintage_path.read_bytes() == META_Q3
    assert_kept(before, data)
    # Meta reverts on the same day: a third vintage of that day, in the day's next folder
    (third,) = fetch(data)
    assert third.outcome == "changed" and third.vintage == "raw/meta_cser/2026-12-03.2/meta/meta-2021-q2.csv"
    assert [r["outcome"] for r in log_rows(data)] == ["new", "changed", "changed"]
    assert second.vintage_path.read_bytes() == META_Q3


def test_304_costs_one_request_and_writes_nothing(server, tmp_path):
    data = data_dir(tmp_path, {"meta_cser": meta_files(server.url_for("/meta.csv"))})
    lm = "Wed, 02 Dec 2026 10:00:00 GMT"
    server.expect_oneshot_request("/meta.csv").respond_with_response(csv_response(META_Q2, ETag='"v1"', **{"Last-Modified": lm}))
    fetch(data)
    before = state(data)
    server.expect_request("/meta.csv", headers={"If-None-Match": '"v1"', "If-Modified-Since": lm}).respond_with_response(
        Response(status=304, headers={"ETag": '"v1"'}))
    (r,) = fetch(data, today=date(2026, 12, 4))
    assert (r.outcome, r.status, r.vintage, r.vintage_path) == ("unchanged", 304, "", None)
    assert r.sha256 == hashlib.sha256(META_Q2).hexdigest() and r.bytes == len(META_Q2) and r.etag == '"v1"'
    assert requests_to(server, "/meta.csv") == 2 and not (tmp_path / "cache" / "raw" / "meta_cser" / "2026-12-04").exists()
    assert_kept(before, data)
    assert [row["outcome"] for row in log_rows(data)] == ["new", "unchanged"]


def test_same_bytes_as_the_ingested_release_are_unchanged(server, tmp_path):
    """No validators yet, but releases.csv already holds these bytes for the path: nothing kept."""
    data = data_dir(tmp_path, {"meta_cser": meta_files(server.url_for("/meta.csv"))})
    rel = {c: "" for c in catalog.RELEASE_COLUMNS} | {"release_id": "meta_cser-2021Q2", "source_id": "meta_cser",
                                                        "file": "meta/meta-2021-q2.csv", "precedence": "2", "bytes": "767",
                                                        "sha256": hashlib.sha256(META_Q2).hexdigest()}
    with catalog.releases_path(data).open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=catalog.RELEASE_COLUMNS)
        w.writeheader()
        w.writerow(rel)
    server.expect_request("/meta.csv").respond_with_response(csv_response(META_Q2))
    (r,) = fetch(data)
    assert (r.outcome, r.vintage) == ("unchanged", "") and not (tmp_path / "cache").exists()


# --- what fails, and what is lost when it does (nothing) ------------------------------------------

def test_404_fails_and_loses_nothing(server, tmp_path):
    data = data_dir(tmp_path, {"meta_cser": meta_files(server.url_for("/meta.csv"))})
    server.expect_oneshot_request("/meta.csv").respond_with_response(csv_response(META_Q2))
    fetch(data)
    before = state(data)
    server.expect_request("/meta.csv").respond_with_response(Response("no such file", status=404, content_type="text/html"))
    (r,) = fetch(data)
    assert (r.outcome, r.status) == ("failed", 404) and r.reason.startswith("HTTP 404")
    assert r.reason.endswith("this file was fetched before (withdrawn or moved?)")
    assert requests_to(server, "/meta.csv") == 2  # a 404 is not retried
    assert_kept(before, data)


def test_500_then_200_is_retried_and_kept(server, tmp_path):
    data = data_dir(tmp_path, {"meta_cser": meta_files(server.url_for("/meta.csv"))})
    server.expect_ordered_request("/meta.csv").respond_with_response(Response("oops", status=500))
    server.expect_ordered_request("/meta.csv").respond_with_response(csv_response(META_Q2))
    (r,) = fetch(data)
    assert (r.outcome, r.status) == ("new", 200) and r.vintage_path.read_bytes() == META_Q2
    assert requests_to(server, "/meta.csv") == 2


def test_5xx_every_time_fails_after_bounded_retries(server, tmp_path):
    data = data_dir(tmp_path, {"meta_cser": meta_files(server.url_for("/meta.csv"))})
    server.expect_request("/meta.csv").respond_with_response(Response("down", status=503))
    (r,) = fetch(data)
    assert (r.outcome, r.status) == ("failed", 503) and r.reason.startswith("HTTP 503") and r.reason.endswith("(after 3 attempts)")
    assert requests_to(server, "/meta.csv") == 3 and not (tmp_path / "cache").exists()


def test_429_waits_retry_after_then_keeps(server, tmp_path):
    """Real waits here (testing mode off): Retry-After: 1 is honoured, a huge one is capped."""
    data = data_dir(tmp_path, {"meta_cser": meta_files(server.url_for("/meta.csv"))})
    server.expect_ordered_request("/meta.csv").respond_with_response(Response("slow down", status=429, headers={"Retry-After": "1"}))
    server.expect_ordered_request("/meta.csv").respond_with_response(csv_response(META_Q2))
    server.expect_ordered_request("/other.csv").respond_with_response(Response("later", status=503, headers={"Retry-After": "3600"}))
    server.expect_ordered_request("/other.csv").respond_with_response(csv_response(META_Q3))
    settings = HttpSettings(read_timeout=2, attempts=2, wait_initial=0.01, retry_after_cap=0.2)
    with stamina.set_testing(False):
        t0 = time.monotonic()
        (r,) = fetch(data, settings=HttpSettings(read_timeout=2, attempts=2, wait_initial=0.01, retry_after_cap=5))
        waited = time.monotonic() - t0
        data2 = data_dir(tmp_path / "b", {"meta_cser": meta_files(server.url_for("/other.csv"))})
        t0 = time.monotonic()
        (capped,) = fetch(data2, settings=settings)
        waited_capped = time.monotonic() - t0
    assert r.outcome == "new" and requests_to(server, "/meta.csv") == 2 and 0.9 <= waited < 3
    assert capped.outcome == "new" and waited_capped < 1.5
    assert retry_after_seconds("Wed, 21 Oct 2026 07:28:30 GMT", now=retry_after_now()) == 30


def retry_after_now():
    from datetime import UTC, datetime

    return datetime(2026, 10, 21, 7, 28, tzinfo=UTC)


def slow(body: bytes, calls: list[float], delay: float = 0.6):
    """A handler that answers after the client's read timeout (0.3 s); ``calls`` counts requests
    as they arrive (the server's own log only has requests whose handler returned)."""
    def handler(_: Request) -> Response:
        calls.append(time.monotonic())
        time.sleep(delay)
        return csv_response(body)
    return handler


def test_read_timeout_fails_after_bounded_retries(server, tmp_path):
    data = data_dir(tmp_path, {"meta_cser": meta_files(server.url_for("/slow.csv"))})
    calls: list[float] = []
    server.expect_request("/slow.csv").respond_with_handler(slow(META_Q2, calls))
    t0 = time.monotonic()
    (r,) = fetch(data)
    assert (r.outcome, r.reason) == ("failed", "read timeout (after 3 attempts)") and r.status is None
    assert len(calls) == 3 and time.monotonic() - t0 < 2.5
    assert not (tmp_path / "cache").exists() and log_rows(data)[0]["outcome"] == "failed"


def test_read_timeout_then_success_on_retry(server, tmp_path):
    data = data_dir(tmp_path, {"meta_cser": meta_files(server.url_for("/slow.csv"))})
    server.expect_ordered_request("/slow.csv").respond_with_handler(slow(META_Q2, []))
    server.expect_ordered_request("/slow.csv").respond_with_response(csv_response(META_Q2))
    (r,) = fetch(data)
    assert r.outcome == "new" and r.vintage_path.read_bytes() == META_Q2


def test_truncated_body_is_refused(server, tmp_path):
    data = data_dir(tmp_path, {"meta_cser": meta_files(server.url_for("/meta.csv"))})

    def truncated(_: Request) -> Response:
        resp = csv_response(META_Q2[:300])
        resp.headers["Content-Length"] = str(len(META_Q2))
        return resp
    server.expect_request("/meta.csv").respond_with_handler(truncated)
    (r,) = fetch(data)
    assert r.outcome == "failed" and r.reason.startswith("truncated body") and "(after 3 attempts)" in r.reason
    assert requests_to(server, "/meta.csv") == 3 and not (tmp_path / "cache").exists()


def test_html_page_instead_of_a_csv_is_refused(server, tmp_path):
    data = data_dir(tmp_path, {"meta_cser": meta_files(server.url_for("/meta.csv"))})
    page = b"<!doctype html><html><body>" + b"Sign in to continue. " * 20 + b"</body></html>"
    server.expect_request("/meta.csv").respond_with_data(page, content_type="text/html; charset=utf-8")
    (r,) = fetch(data)
    assert (r.outcome, r.status) == ("failed", 200)
    assert r.reason == "got text/html, expected text/csv or application/octet-stream" and r.content_type == "text/html"
    assert requests_to(server, "/meta.csv") == 1 and not (tmp_path / "cache").exists()


def test_too_small_a_body_is_refused(server, tmp_path):
    data = data_dir(tmp_path, {"meta_cser": meta_files(server.url_for("/meta.csv"))})
    server.expect_request("/meta.csv").respond_with_response(csv_response(b"app,policy_area\n"))
    (r,) = fetch(data)
    assert (r.outcome, r.reason) == ("failed", "got 16 bytes, expected at least 100")


def test_redirect_chain_is_followed_and_final_url_logged(server, tmp_path):
    """The DSA downloads answer with redirects to presigned URLs."""
    data = data_dir(tmp_path, {"meta_cser": meta_files(server.url_for("/download/meta.csv"))})
    server.expect_request("/download/meta.csv").respond_with_response(Response(status=302, headers={"Location": "/hop"}))
    server.expect_request("/hop").respond_with_response(Response(status=301, headers={"Location": "/store/meta.csv?X-Sig=abc"}))
    server.expect_request("/store/meta.csv").respond_with_response(csv_response(META_Q2))
    (r,) = fetch(data)
    assert r.outcome == "new" and r.url == server.url_for("/download/meta.csv")
    assert r.final_url == server.url_for("/store/meta.csv") + "?X-Sig=abc" and log_rows(data)[0]["final_url"] == r.final_url


def test_redirect_loop_is_refused(server, tmp_path):
    data = data_dir(tmp_path, {"meta_cser": meta_files(server.url_for("/a"))})
    server.expect_request("/a").respond_with_response(Response(status=302, headers={"Location": "/b"}))
    server.expect_request("/b").respond_with_response(Response(status=302, headers={"Location": "/a"}))
    (r,) = fetch(data)
    assert (r.outcome, r.reason) == ("failed", "redirect loop or too many redirects (more than 5)")
    assert requests_to(server, "/a") + requests_to(server, "/b") == SETTINGS.max_redirects + 1 and not (tmp_path / "cache").exists()


def test_one_failing_file_never_stops_the_others(server, tmp_path):
    block = {"method": "files", "content_types": CSV_TYPES, "min_bytes": 100,
             "files": [{"path": "meta/meta-2021-q2.csv", "url": server.url_for("/gone.csv")},
                       {"path": "meta/meta-2021-q3.csv", "url": server.url_for("/q3.csv")}]}
    data = data_dir(tmp_path, {"meta_cser": block, "youtube_cge": {"method": "none", "why": "transcribed by hand"}})
    server.expect_request("/gone.csv").respond_with_response(Response("", status=404))
    server.expect_request("/q3.csv").respond_with_response(csv_response(META_Q3))
    results = fetch(data)
    assert [(r.path, r.outcome) for r in results] == [("meta/meta-2021-q2.csv", "failed"), ("meta/meta-2021-q3.csv", "new")]
    assert [row["path"] for row in log_rows(data)] == ["meta/meta-2021-q2.csv", "meta/meta-2021-q3.csv"]


# --- methods: pattern, listing, checksums, mirror -----------------------------------------------

def ncmec_pattern(server: HTTPServer) -> dict:
    return {"method": "pattern", "url": server.url_for("/pdfs/{year}-reports-by-esp.pdf"), "path": "ncmec/ncmec-by-esp-{year}.pdf",
            "edition": "{year}", "periods": "year", "since": "2023-01-01", "content_types": ["application/pdf"], "min_bytes": 1000}


def test_pattern_tries_every_ended_period_and_404_is_not_published(server, tmp_path):
    data = data_dir(tmp_path, {"ncmec_esp": ncmec_pattern(server)})
    server.expect_request("/pdfs/2023-reports-by-esp.pdf").respond_with_data(NCMEC_2023, content_type="application/pdf")
    server.expect_request("/pdfs/2024-reports-by-esp.pdf").respond_with_data(NCMEC_2023 + b"%new", content_type="application/pdf")
    server.expect_request("/pdfs/2025-reports-by-esp.pdf").respond_with_response(Response("not here", status=404))
    results = fetch(data)  # 2026 has not ended on 2026-12-03: not tried
    assert [(r.path, r.edition, r.outcome) for r in results] == [
        ("ncmec/ncmec-by-esp-2023.pdf", "2023", "new"), ("ncmec/ncmec-by-esp-2024.pdf", "2024", "new"),
        ("ncmec/ncmec-by-esp-2025.pdf", "2025", "not_published")]
    assert results[2].reason == "" and results[2].status == 404
    assert requests_to(server, "/pdfs/2026-reports-by-esp.pdf") == 0
    # a period fetched before that now answers 404 was withdrawn: a failure, not "not published"
    server.clear()
    server.expect_request("/pdfs/2023-reports-by-esp.pdf").respond_with_response(Response("gone", status=404))
    server.expect_request("/pdfs/2024-reports-by-esp.pdf").respond_with_data(NCMEC_2023 + b"%new", content_type="application/pdf")
    server.expect_request("/pdfs/2025-reports-by-esp.pdf").respond_with_response(Response("not here", status=404))
    again = fetch(data, today=date(2026, 12, 4))
    assert [r.outcome for r in again] == ["failed", "unchanged", "not_published"]


def test_listing_page_links_resolve_against_the_final_address(server, tmp_path):
    block = {"method": "listing", "url": server.url_for("/reports"), "mirror_path": "discord/index.html",
             "link_regex": r'href="([^"]+\.csv[^"]*)"', "path": "discord/{name}", "content_types": CSV_TYPES, "min_bytes": 100}
    data = data_dir(tmp_path, {"discord_transparency": block})
    server.expect_request("/reports").respond_with_response(Response(status=302, headers={"Location": "/safety/reports/"}))
    page = '<a href="files/discord-2022-q3.csv">Q3</a> <a href="/safety/reports/files/discord-2021-h1.csv?dl=1">H1</a>'
    server.expect_request("/safety/reports/").respond_with_data(page, content_type="text/html")
    for name in ("discord-2022-q3.csv", "discord-2021-h1.csv"):
        server.expect_request(f"/safety/reports/files/{name}").respond_with_response(
            csv_response((FIXTURES / "discord" / name).read_bytes()))
    results = fetch(data)
    assert [(r.path, r.outcome) for r in results] == [("discord/discord-2022-q3.csv", "new"), ("discord/discord-2021-h1.csv", "new")]
    assert results[1].url == server.url_for("/safety/reports/files/discord-2021-h1.csv") + "?dl=1"


def test_listing_page_without_links_fails(server, tmp_path):
    block = {"method": "listing", "url": server.url_for("/reports"), "mirror_path": "discord/index.html",
             "link_regex": r'href="([^"]+\.csv)"', "path": "discord/{name}", "content_types": CSV_TYPES, "min_bytes": 100}
    data = data_dir(tmp_path, {"discord_transparency": block})
    server.expect_request("/reports").respond_with_data("<p>Our reports moved to a new page.</p>", content_type="text/html")
    (r,) = fetch(data)
    assert r.outcome == "failed" and r.reason.startswith("listing page has no link matching") and r.path == "discord/index.html"


def test_publisher_checksum_file_sha1(server, tmp_path):
    """A DSA-style ``.sha1`` beside the file (``<hex>  <name>``): a match is kept, a mismatch refused."""
    block = meta_files(server.url_for("/sor.csv"), checksum_url=server.url_for("/sor.csv") + ".sha1")
    data = data_dir(tmp_path, {"meta_cser": block})
    server.expect_request("/sor.csv").respond_with_response(csv_response(META_Q2))
    server.expect_oneshot_request("/sor.csv.sha1").respond_with_data(f"{hashlib.sha1(META_Q2).hexdigest()}  sor.csv\n")
    assert fetch(data)[0].outcome == "new"
    server.expect_request("/sor.csv.sha1").respond_with_data(f"{hashlib.sha1(b'other').hexdigest()}  sor.csv\n")
    block["files"][0]["path"] = "meta/other.csv"
    data = data_dir(tmp_path / "b", {"meta_cser": block})
    (r,) = fetch(data)
    assert r.outcome == "failed" and r.reason.startswith("sha1 ") and "differs from the publisher's checksum" in r.reason


def test_declared_sha256_mismatch_is_refused(server, tmp_path):
    data = data_dir(tmp_path, {"meta_cser": meta_files(server.url_for("/meta.csv"), sha256="0" * 64)})
    server.expect_request("/meta.csv").respond_with_response(csv_response(META_Q2))
    (r,) = fetch(data)
    assert r.outcome == "failed" and r.reason.endswith(f"differs from the declared {'0' * 64}")


def test_mirror_fetches_every_file_from_its_manifest_path(server, tmp_path):
    block = meta_files("https://transparency.fb.com/sr/community-standards/", checksum_url="https://example.org/x.sha256")
    data = data_dir(tmp_path, {"meta_cser": block, "ncmec_esp": ncmec_pattern(server) | {"url": "https://example.org/{year}.pdf"}})
    server.expect_request("/mirror/meta/meta-2021-q2.csv").respond_with_response(csv_response(META_Q2))
    server.expect_request("/mirror/meta/meta-2021-q2.csv.sha256").respond_with_data(hashlib.sha256(META_Q2).hexdigest())
    server.expect_request("/mirror/ncmec/ncmec-by-esp-2023.pdf").respond_with_data(NCMEC_2023, content_type="application/pdf")
    server.no_handler_status_code = 404
    results = fetch(data, mirror=server.url_for("/mirror/"))
    assert [(r.url, r.outcome) for r in results] == [
        (server.url_for("/mirror/meta/meta-2021-q2.csv"), "new"), (server.url_for("/mirror/ncmec/ncmec-by-esp-2023.pdf"), "new"),
        (server.url_for("/mirror/ncmec/ncmec-by-esp-2024.pdf"), "not_published"),
        (server.url_for("/mirror/ncmec/ncmec-by-esp-2025.pdf"), "not_published")]


def test_cli_exit_codes(server, tmp_path):
    data = data_dir(tmp_path, {"meta_cser": meta_files(server.url_for("/meta.csv"))})
    server.expect_oneshot_request("/meta.csv").respond_with_response(csv_response(META_Q2))
    args = ["fetch", "meta_cser", "--data", str(data), "--cache", str(tmp_path / "cache")]
    assert cli.main(args) == 0
    server.expect_request("/meta.csv").respond_with_response(Response("down", status=503))
    assert cli.main(args) == 3
    assert cli.main(["fetch", "no_such_source", "--data", str(data)]) == 1
    assert [r["outcome"] for r in log_rows(data)] == ["new", "failed"]


# --- declarations --------------------------------------------------------------------------------

@pytest.mark.parametrize("block, problem", [
    ({"method": "scrape"}, "unknown method"),
    ({"method": "none", "why": "by hand", "url": "x"}, "unknown key(s) for method none"),
    ({"method": "none"}, "method none needs why"),
    ({"method": "files", "content_types": ["text/csv"], "min_bytes": 1, "files": [{"path": "../x.csv", "url": "u"}]},
     "is not a relative file path"),
    ({"method": "files", "content_types": ["text/csv"], "min_bytes": 1, "files": [{"path": "a.csv", "url": "u", "md5": "x"}]},
     "unknown or missing keys"),
    ({"method": "pattern", "url": "u/{year}", "path": "p/{yaer}.pdf", "periods": "year", "since": "2019-01-01",
      "content_types": ["application/pdf"], "min_bytes": 1}, "cannot be filled"),
    ({"method": "pattern", "url": "u/{year}", "path": "p/{year}.pdf", "periods": "year", "since": "2019-01-01",
      "content_types": ["application/pdf"], "min_bytes": 1, "checksum_url": "{url}.md5"}, "names no algorithm"),
    ({"method": "pattern", "url": "u/{year}", "path": "p/{year}.pdf", "periods": "quarter", "since": "2019-01-01",
      "content_types": ["application/pdf"], "min_bytes": 1}, "gives every quarter the same path"),
])
def test_bad_fetch_block_names_file_and_source(tmp_path, block, problem):
    data = data_dir(tmp_path, {"meta_cser": block})
    with pytest.raises(InputError) as err:
        catalog.load_catalog(data)
    assert "sources.yaml" in str(err.value) and "source 'meta_cser'" in str(err.value) and problem in str(err.value)


def test_a_source_without_fetch_block_is_refused(tmp_path):
    data = data_dir(tmp_path, {"meta_cser": {}})
    doc = yaml.safe_load((data / "catalog" / "sources.yaml").read_text())
    del doc["sources"]["meta_cser"]["fetch"]
    (data / "catalog" / "sources.yaml").write_text(yaml.safe_dump(doc))
    with pytest.raises(InputError, match="lacks a fetch block"):
        catalog.load_catalog(data)


def test_every_catalogued_source_declares_how_it_is_fetched():
    decls = load_declarations(REPO / "data")
    assert set(decls) == set(catalog.load_catalog(REPO / "data")["sources"])
    for sid, d in decls.items():
        if d.method == "none":
            assert len(d.why) > 30, f"{sid}: say how its figures are obtained"
        else:
            assert d.content_types and d.min_bytes > 0, sid


def test_committed_fetch_log_has_exactly_the_log_columns():
    with (REPO / "data" / "catalog" / "fetches.csv").open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == LOG_COLUMNS


@pytest.mark.raw
def test_every_raw_manifest_path_of_a_catalogued_source_is_declared():
    raw = need_shared(SHARED_RAW)
    decls = load_declarations(REPO / "data")
    declared = {}
    for sid, d in decls.items():
        targets = d.files if d.method == "files" else d.pattern_targets(DAY) if d.method == "pattern" else ()
        declared.update({(sid, t.path): t for t in targets})
    for entry in catalog.read_manifest(raw):
        if entry["source_id"] not in decls:
            continue
        target = declared.get((entry["source_id"], entry["path"]))
        assert target is not None, f"{entry['path']} ({entry['source_id']}) is not declared in sources.yaml"
        # the publisher's address, or, for a file whose recorded address is a GitHub page of an
        # archive pinned to a commit, GitHub's raw address of the same file (the page answers HTML)
        raw = re.sub(r"^https://github\.com/([^/]+/[^/]+)/blob/([0-9a-f]{40})/", r"https://raw.githubusercontent.com/\1/\2/",
                     entry["original_url"])
        assert target.url in (entry["original_url"], raw), entry["path"]
        assert target.edition == entry["edition"], entry["path"]
