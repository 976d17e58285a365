"""The nightly fetch of the DSA Transparency Database's daily dumps (fetch method ``dsa_dumps``)
against a server on 127.0.0.1 (pytest-httpserver) that answers like the database: the download
address redirects (302) to a presigned URL on another path, for the zip and its ``.sha1``. Dumps
are small days in the exact layout (tests/sor_dumps.py). Then two nights end to end: one that
completes a month, one whose new dump has a renamed column."""

from __future__ import annotations

import csv
import hashlib
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
import stamina
import yaml
from pytest_httpserver import HTTPServer
from werkzeug import Response

from conftest import REPO, quiet
from site_builder import catalog, cli, nightly
from site_builder.dsa_sor import fetch as dsa_fetch
from site_builder.dsa_sor import nightly as dsa_nightly
from site_builder.dsa_sor import store
from site_builder.dsa_sor.layout import dump_name, parse_dump_path
from site_builder.errors import InputError
from site_builder.fetch import LOG_COLUMNS, run
from site_builder.fetch.declarations import load_declarations
from site_builder.fetch.http import HttpSettings, make_client
from site_builder.pipeline import build
from sor_dumps import columns, row, write_dump

SETTINGS = HttpSettings(connect_timeout=2, read_timeout=1, attempts=3, max_redirects=5)
JULY = [date(2025, 7, 1) + timedelta(days=i) for i in range(31)]
TODAY = date(2025, 7, 4)  # the days asked for: 1, 2 and 3 July
ZIP_TYPES = ["application/zip", "application/octet-stream"]
DOWNLOAD = "/explore-data/download/"
# the dumps' display name of a platform the site shows. Not TikTok: platform labels are matched
# across every map, and a label of platform_labels/common.csv listed again in dsa_sor.csv doubles
# the observations of every source that uses it
PLATFORM = "Amazon Store"


@pytest.fixture(autouse=True)
def no_backoff():
    with stamina.set_testing(True, attempts=3):
        yield


@pytest.fixture
def server(running_server):
    running_server.clear()
    running_server.no_handler_status_code = 404
    return running_server


def day_rows(day: date, n: int = 2) -> list[dict]:
    ts = f"{day.isoformat()} 10:00:00"
    return [row(f"{day}-{i}", created_at=ts, application_date=f"{day.isoformat()} 00:00:00", platform_name=PLATFORM)
            for i in range(n)]


def block(server: HTTPServer, **over) -> dict:
    return {"method": "dsa_dumps", "url": server.url_for(DOWNLOAD) + "{name}", "slug": "global", "variant": "light",
            "since": "2025-07-01", "recheck_days": 30, "max_new_days": 5, "content_types": ZIP_TYPES, "min_bytes": 100, **over}


def data_dir(tmp_path: Path, fetch: dict) -> Path:
    data = tmp_path / "data"
    (data / "catalog").mkdir(parents=True, exist_ok=True)
    src = {"short": "t", "publisher": "t", "title": "t", "url": "https://example.org/", "kind": "regulator_database",
           "cadence": "daily dumps", "licence": "t", "fetch": fetch}
    (data / "catalog" / "sources.yaml").write_text(yaml.safe_dump({"sources": {"dsa_sor": src}}, sort_keys=False), encoding="utf-8")
    return data


def fetch(data: Path, today: date = TODAY, **kw):
    with make_client(SETTINGS) as client:
        return run(["dsa_sor"], data_dir=data, cache_dir=data.parent / "cache", today=today, client=client,
                   settings=SETTINGS, **kw)


def write_days(out: Path, days: list[date], n: int = 2, **kw) -> dict[date, Path]:
    return {d: write_dump(out, d, [day_rows(d, n)], variant="light", **kw) for d in days}


def serve(server: HTTPServer, dumps: dict[date, Path], *, sha1: dict[date, str] | None = None) -> None:
    """Each dump and its .sha1 at the download address, which redirects to a presigned URL; any
    other address answers 404 (the server's log and handlers are cleared first)."""
    server.clear()
    server.no_handler_status_code = 404
    for d, path in dumps.items():
        name = path.name
        text = (sha1 or {}).get(d) or path.with_name(name + ".sha1").read_text(encoding="ascii")
        for suffix, body, ctype in (("", path.read_bytes(), "application/zip"), (".sha1", text.encode(), "text/plain")):
            server.expect_request(DOWNLOAD + name + suffix).respond_with_response(Response(
                status=302, headers={"Location": f"/cellar/dumps/{name}{suffix}?X-Amz-Signature=abc123&X-Amz-Expires=3600"}))
            server.expect_request(f"/cellar/dumps/{name}{suffix}").respond_with_data(body, content_type=ctype)


def requests_to(server: HTTPServer, suffix: str) -> int:
    return sum(1 for req, _ in server.log if req.path.endswith(suffix))


def log_rows(data: Path) -> list[dict[str, str]]:
    with (data / "catalog" / "fetches.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == LOG_COLUMNS
        return list(reader)


def read_into_store(results, data: Path) -> list[str]:
    """What a night does with the fetched dumps (site_builder/dsa_sor/nightly.py), without the build."""
    decl = load_declarations(data)["dsa_sor"]
    st, cache = data.parent / "cache" / "dsa_sor", data.parent / "cache"
    todo = dsa_nightly.to_read(results, decl, st, cache, set())
    return [store.process_day(parse_dump_path(r.vintage_path), st).action for r in todo]


def stored_sha1(data: Path, d: date) -> str | None:
    r = store.read_row(store.partition(data.parent / "cache" / "dsa_sor", "global", "light", d))
    return r.sha1 if r else None


# --- fetch ---------------------------------------------------------------------------------------

def test_redirected_dumps_are_streamed_into_the_cache_with_their_sha1(server, tmp_path):
    dumps = write_days(tmp_path / "upstream", JULY[:3])
    serve(server, dumps)
    data = data_dir(tmp_path, block(server))
    results = fetch(data)
    assert [(r.path, r.outcome) for r in results] == [(f"dsa_sor/{dump_name('global', d, 'light')}", "new") for d in JULY[:3]]
    for r, src in zip(results, dumps.values()):
        assert r.vintage == f"raw/dsa_sor/{TODAY}/dsa_sor/{src.name}"
        assert r.vintage_path.read_bytes() == src.read_bytes()
        assert r.vintage_path.with_name(src.name + ".sha1").read_bytes() == src.with_name(src.name + ".sha1").read_bytes()
        assert r.sha256 == hashlib.sha256(src.read_bytes()).hexdigest() and r.bytes == src.stat().st_size
        assert r.final_url == server.url_for(f"/cellar/dumps/{src.name}"), "followed, and logged without the signature"
    rows = log_rows(data)
    assert [r["outcome"] for r in rows] == ["new"] * 3 and not any("Signature" in r["final_url"] for r in rows)
    assert not list((tmp_path / "cache").rglob("*.part")), "no scratch file is left"
    assert read_into_store(results, data) == ["read"] * 3
    assert stored_sha1(data, JULY[0]) == hashlib.sha1(dumps[JULY[0]].read_bytes()).hexdigest()


def test_an_unchanged_sha1_costs_no_download(server, tmp_path):
    dumps = write_days(tmp_path / "upstream", JULY[:3])
    serve(server, dumps)
    data = data_dir(tmp_path, block(server))
    read_into_store(fetch(data), data)
    serve(server, dumps)
    again = fetch(data, today=TODAY + timedelta(days=1))
    assert [r.outcome for r in again[:3]] == ["unchanged"] * 3
    assert all(r.vintage_path is None and r.vintage == "" for r in again[:3])
    assert requests_to(server, ".sha1") == 3 * 2 + 1  # three days re-checked (address and redirect), 4 July: 404
    names = [p.name for p in dumps.values()]
    assert sum(requests_to(server, n) for n in names) == 0, "no zip of an unchanged day was asked for"
    assert again[3].outcome == "not_published" and again[3].status == 404  # 4 July: not published yet


def test_a_dump_fetched_but_not_read_is_unchanged_and_left_for_the_night_to_read(server, tmp_path):
    dumps = write_days(tmp_path / "upstream", JULY[:1])
    serve(server, dumps)
    data = data_dir(tmp_path, block(server))
    first = fetch(data, today=JULY[1])
    again = fetch(data, today=JULY[1])
    assert [r.outcome for r in again] == ["unchanged"] and again[0].vintage_path == first[0].vintage_path
    assert requests_to(server, dumps[JULY[0]].name) == 2, "the zip was downloaded once (address and redirect)"
    assert read_into_store(again, data) == ["read"]


def test_a_dump_regenerated_upstream_is_downloaded_again_and_read_again(server, tmp_path):
    dumps = write_days(tmp_path / "upstream", JULY[:3])
    serve(server, dumps)
    data = data_dir(tmp_path, block(server))
    read_into_store(fetch(data), data)
    old = stored_sha1(data, JULY[1])
    regenerated = write_days(tmp_path / "regenerated", JULY[1:2], n=3)
    serve(server, {**dumps, **regenerated})
    again = fetch(data, today=TODAY + timedelta(days=1))
    assert [r.outcome for r in again[:3]] == ["unchanged", "changed", "unchanged"]
    assert again[1].vintage == f"raw/dsa_sor/{TODAY + timedelta(days=1)}/dsa_sor/{regenerated[JULY[1]].name}"
    assert read_into_store(again, data) == ["re-read (sha1 changed upstream)"]
    new = store.read_row(store.partition(data.parent / "cache" / "dsa_sor", "global", "light", JULY[1]))
    assert new.sha1 != old and new.sha1 == hashlib.sha1(regenerated[JULY[1]].read_bytes()).hexdigest() and new.rows_read == 3


def test_a_body_whose_sha1_differs_from_its_sha1_file_is_refused(server, tmp_path):
    dumps = write_days(tmp_path / "upstream", JULY[:3])
    serve(server, dumps)
    data = data_dir(tmp_path, block(server))
    read_into_store(fetch(data), data)
    before = {p: p.read_bytes() for p in (tmp_path / "cache").rglob("*") if p.is_file()}
    name = dumps[JULY[2]].name
    # the .sha1 announces a regenerated dump, the body is still the old one
    serve(server, dumps, sha1={JULY[2]: f"{'a' * 40}  {name}\n"})
    again = fetch(data, today=TODAY + timedelta(days=1))
    r = again[0]
    assert (r.path, r.outcome, r.vintage, r.vintage_path) == (f"dsa_sor/{name}", "failed", "", None)
    assert "differs from its .sha1 file" in r.reason and "a" * 40 in r.reason
    after = {p: p.read_bytes() for p in (tmp_path / "cache").rglob("*") if p.is_file()}
    assert after == before, "nothing kept, the store untouched"
    assert stored_sha1(data, JULY[2]) == hashlib.sha1(dumps[JULY[2]].read_bytes()).hexdigest()


def test_a_body_cut_short_is_retried_then_refused_and_its_scratch_file_removed(server, tmp_path):
    dumps = write_days(tmp_path / "upstream", JULY[:1])
    serve(server, dumps)
    body = dumps[JULY[0]].read_bytes()

    def cut(_req):
        resp = Response(body[:200], content_type="application/zip")
        resp.headers["Content-Length"] = str(len(body))
        return resp

    server.clear()
    server.no_handler_status_code = 404
    server.expect_request(DOWNLOAD + dumps[JULY[0]].name + ".sha1").respond_with_data(
        dumps[JULY[0]].with_name(dumps[JULY[0]].name + ".sha1").read_bytes(), content_type="text/plain")
    server.expect_request(DOWNLOAD + dumps[JULY[0]].name).respond_with_handler(cut)
    data = data_dir(tmp_path, block(server))
    (r,) = fetch(data, today=JULY[1])
    assert r.outcome == "failed" and r.reason.startswith("truncated body") and "3 attempts" in r.reason
    assert requests_to(server, dumps[JULY[0]].name) == 3
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.is_file()], "nothing kept, no scratch file left"


def test_a_month_counted_again_with_other_values_is_a_revision():
    key = {"platform_label": PLATFORM, "policy_label": "STATEMENT_CATEGORY_PROTECTION_OF_MINORS", "metric_label": "x",
           "period_start": "2025-07-01", "period_end": "2025-07-31", "geography": "EU", "value_status": "reported"}
    july = {**key, "release_id": "dsa_sor-global-light-2025-07"}
    before = [{**july, "value": "62"}, {**july, "policy_label": "ALL categories", "value": "62"},
              {**july, "policy_label": "ALL categories", "metric_label": "y", "value": "1"}]
    after = [{**july, "value": "63"}, {**july, "policy_label": "ALL categories", "value": "62"},
             {**key, "release_id": "dsa_sor-global-light-2025-08", "value": "5"}]
    rel = catalog.Release("dsa_sor-global-light-2025-07", "dsa_sor", "2025-07 (31 daily dumps)", "2025-07-31", "raw", 2, "single",
                          "t", "https://x.example/a.zip", "f", "s", 1, "v", "2025-08-03")
    [change] = dsa_nightly.revised(before, after, [rel], {"STATEMENT_CATEGORY_PROTECTION_OF_MINORS"}, "2025-08-04")
    assert (change["kind"], change["release_id"], change["count"], change["child_safety"]) == (
        "revised_figures", "dsa_sor-global-light-2025-07", 2, 1)  # one value changed, one no longer given
    assert "2025-07 (31 daily dumps)" in change["detail"]


def test_404_is_not_published_for_a_day_never_fetched_and_failed_for_one_fetched_before(server, tmp_path):
    dumps = write_days(tmp_path / "upstream", JULY[:1])
    serve(server, dumps)
    data = data_dir(tmp_path, block(server))
    results = fetch(data)
    assert [r.outcome for r in results] == ["new", "not_published", "not_published"]
    assert results[1].reason == "" and results[1].status == 404
    read_into_store(results, data)
    serve(server, {})  # the first day is gone
    again = fetch(data)
    assert again[0].outcome == "failed" and "fetched before (withdrawn or moved?)" in again[0].reason


def test_max_new_days_downloads_that_many_and_the_rest_waits(server, tmp_path):
    dumps = write_days(tmp_path / "upstream", JULY[:6])
    serve(server, dumps)
    data = data_dir(tmp_path, block(server, max_new_days=2))
    results = fetch(data, today=JULY[6])
    assert [(r.edition, r.outcome) for r in results] == [("2025-07-01", "new"), ("2025-07-02", "new")]
    assert results.pending == {"dsa_sor": [dump_name("global", d, "light") for d in JULY[2:6]]}
    assert not any(requests_to(server, dumps[d].name + ".sha1") for d in JULY[2:6]), "a waiting day is not asked for"
    read_into_store(results, data)
    nxt = fetch(data, today=JULY[6])
    assert [(r.edition, r.outcome) for r in nxt] == [("2025-07-02", "unchanged"), ("2025-07-01", "unchanged"),
                                                     ("2025-07-03", "new"), ("2025-07-04", "new")]
    assert nxt.pending["dsa_sor"] == [dump_name("global", d, "light") for d in JULY[4:6]]


def test_days_that_are_not_out_use_up_the_nights_asks(server, tmp_path):
    """A mirror without dumps, or an outage upstream: a night asks for max_new_days unpublished days, not 500."""
    data = data_dir(tmp_path, block(server, max_new_days=2))
    results = fetch(data, today=date(2026, 12, 4))
    assert [r.outcome for r in results] == ["not_published", "not_published"]
    assert len(results.pending["dsa_sor"]) == (date(2026, 12, 3) - date(2025, 7, 3)).days + 1


def test_the_mirror_serves_the_dumps_at_their_paths(server, tmp_path):
    dumps = write_days(tmp_path / "upstream", JULY[:1])
    for suffix in ("", ".sha1"):
        server.expect_request(f"/mirror/dsa_sor/{dumps[JULY[0]].name}{suffix}").respond_with_data(
            dumps[JULY[0]].with_name(dumps[JULY[0]].name + suffix).read_bytes(), content_type="application/octet-stream")
    data = data_dir(tmp_path, block(server, url="https://transparency.dsa.ec.europa.eu/explore-data/download/{name}"))
    results = fetch(data, today=JULY[1], mirror=server.url_for("/mirror/"))
    assert [(r.url, r.outcome) for r in results] == [(server.url_for(f"/mirror/dsa_sor/{dumps[JULY[0]].name}"), "new")]


def test_the_cli_reports_waiting_days(server, tmp_path, capsys):
    dumps = write_days(tmp_path / "upstream", JULY[:3])
    serve(server, dumps)
    data = data_dir(tmp_path, block(server, max_new_days=1))
    args = ["fetch", "dsa_sor", "--data", str(data), "--cache", str(tmp_path / "cache")]
    assert cli.main(args) == 0
    assert "waiting: dsa_sor:" in capsys.readouterr().err


def test_the_plan_rechecks_recent_days_nightly_and_older_ones_weekly():
    decl = load_declarations(REPO / "data")["dsa_sor"]
    today = date(2026, 1, 31)
    known = {d: dsa_fetch.Known(stored="x") for d in (date(2025, 7, 1) + timedelta(days=i) for i in range(200))}
    recheck, unread = dsa_fetch.plan(decl, today, known)
    ages = [(today - d).days for d in recheck]
    assert ages == sorted(ages), "newest first"
    newest_known = (today - (date(2025, 7, 1) + timedelta(days=199))).days  # 15 days old
    assert [a for a in ages if a <= decl.recheck_days] == list(range(newest_known, decl.recheck_days + 1))
    assert [a for a in ages if a > decl.recheck_days] == [a for a in range(decl.recheck_days + 1, 215) if a % 7 == 0]
    assert unread[0] == date(2025, 7, 1) + timedelta(days=200) and unread[-1] == today - timedelta(days=1)


# --- the declaration -----------------------------------------------------------------------------

GOOD = {"method": "dsa_dumps", "url": "https://x.example/{name}", "slug": "global", "variant": "light", "since": "2025-07-01",
        "recheck_days": 30, "max_new_days": 2, "content_types": ZIP_TYPES, "min_bytes": 100}


@pytest.mark.parametrize("change, problem", [
    ({"variant": "medium"}, "unknown variant"),
    ({"slug": "Global Shop"}, "slug is not a slug"),
    ({"url": "https://x.example/today.zip"}, "gives every day the same address"),
    ({"url": "https://x.example/{file}"}, "cannot be filled"),
    ({"since": "July 2025"}, "since is not a date"),
    ({"until": "2025-06-01"}, "until is before since"),
    ({"max_new_days": 0}, "max_new_days must be a whole number of at least 1"),
    ({"recheck_days": "30"}, "recheck_days must be a whole number"),
    ({"max_new_days": None}, "max_new_days must be a whole number"),
    ({"periods": "day"}, "unknown key(s) for method dsa_dumps"),
    ({"content_types": "application/zip"}, "content_types must be a list of media types"),
])
def test_a_bad_dsa_dumps_block_names_the_file_the_source_and_the_key(tmp_path, change, problem):
    data = data_dir(tmp_path, {**GOOD, **change})
    with pytest.raises(InputError) as err:
        catalog.load_catalog(data)
    assert "sources.yaml" in str(err.value) and "source 'dsa_sor'" in str(err.value) and problem in str(err.value)


@pytest.mark.parametrize("key", ["url", "slug", "variant", "since", "recheck_days", "max_new_days", "min_bytes"])
def test_a_dsa_dumps_block_without_a_required_key_is_refused(tmp_path, key):
    data = data_dir(tmp_path, {k: v for k, v in GOOD.items() if k != key})
    with pytest.raises(InputError, match=f"method dsa_dumps needs {key}"):
        catalog.load_catalog(data)


def test_the_catalog_fetches_the_light_global_dumps_from_july_2025():
    d = load_declarations(REPO / "data")["dsa_sor"]
    assert (d.method, d.slug, d.variant, d.since, d.recheck_days) == ("dsa_dumps", "global", "light", date(2025, 7, 1), 30)
    assert d.url.format(name="x.zip") == "https://transparency.dsa.ec.europa.eu/explore-data/download/x.zip"
    assert 1 <= d.max_new_days <= 5


# --- nights end to end ---------------------------------------------------------------------------

NIGHT = date(2025, 8, 3)  # asks for 1 July .. 2 August


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """The committed data with a platform map of its own for the dumps, and a store that already
    holds 1-29 July (read on earlier nights), built once (charts cached)."""
    root = tmp_path_factory.mktemp("dsa-night-base")
    data = root / "data"
    shutil.copytree(REPO / "data", data)
    (data / "taxonomy" / "platform_labels" / "dsa_sor.csv").write_text(f"label,platform_id\n{PLATFORM},amazon\n", encoding="utf-8")
    upstream = root / "upstream"
    for path in write_days(upstream, JULY[:29]).values():
        store.process_day(parse_dump_path(path), root / "cache" / "dsa_sor")
    build(data_dir=data, build_dir=root / "build", console=quiet())
    return root


@pytest.fixture
def night(base: Path, tmp_path: Path, httpserver):
    for name in ("data", "cache", "upstream"):
        shutil.copytree(base / name, tmp_path / name)
    shutil.copytree(base / "build", tmp_path / "build", symlinks=True)
    data, build_dir, cache = tmp_path / "data", tmp_path / "build", tmp_path / "cache"
    cat = data / "catalog" / "sources.yaml"
    doc = yaml.safe_load(cat.read_text(encoding="utf-8"))
    doc["sources"]["dsa_sor"]["fetch"].update(url=httpserver.url_for(DOWNLOAD) + "{name}", max_new_days=3, min_bytes=100)
    cat.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    upstream = {d: tmp_path / "upstream" / dump_name("global", d, "light") for d in JULY[:29]}
    stamina.set_testing(True, attempts=2)

    def run_night(dumps: dict[date, Path]) -> nightly.Night:
        serve(httpserver, {**upstream, **dumps})
        return nightly.run(data_dir=data, build_dir=build_dir, cache_dir=cache, sources=["dsa_sor"], today=NIGHT, console=quiet())

    yield run_night, data, build_dir, tmp_path
    stamina.set_testing(False)


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.slow
def test_a_night_that_completes_a_month_publishes_that_month_only(night):
    run_night, data, build_dir, tmp = night
    assert csv_rows(data / "observations" / "dsa_sor.csv") == []
    new = write_days(tmp / "new", [JULY[29], JULY[30], date(2025, 8, 1)])
    result = run_night(new)
    assert result.exit_code == nightly.EXIT_PUBLISHED, result.message
    assert result.pending == {"dsa_sor": [dump_name("global", date(2025, 8, 2), "light")]}
    obs = csv_rows(data / "observations" / "dsa_sor.csv")
    assert obs and {(o["period_start"], o["period_end"], o["release_id"]) for o in obs} == {
        ("2025-07-01", "2025-07-31", "dsa_sor-global-light-2025-07")}, "August has 1 of its 31 days: not shown"
    total = next(o for o in obs if o["policy_label"] == "ALL categories" and o["metric_label"] == "statements of reasons")
    assert (total["platform_label"], total["value"]) == (PLATFORM, "62")
    days = csv_rows(data / "catalog" / "dsa_sor_days.csv")
    assert [d["date"] for d in days] == [d.isoformat() for d in JULY]
    assert days[30]["sha1"] == hashlib.sha1(new[JULY[30]].read_bytes()).hexdigest()
    changes = [c for c in csv_rows(data / "changes.csv") if c["date"] == NIGHT.isoformat()]
    assert [(c["source_id"], c["kind"], c["release_id"]) for c in changes] == [("dsa_sor", "new_release", "dsa_sor-global-light-2025-07")]
    assert int(changes[0]["count"]) == len(obs) and int(changes[0]["child_safety"]) > 0
    log = [r for r in csv_rows(data / "catalog" / "fetches.csv") if r["source_id"] == "dsa_sor"]
    assert [r["outcome"] for r in log].count("new") == 3 and {r["outcome"] for r in log} == {"new", "unchanged"}
    assert "2025-07" in (build_dir / "site" / "changes.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_night_whose_dump_cannot_be_read_keeps_the_last_good_data(night):
    run_night, data, build_dir, tmp = night
    before = {p: p.read_bytes() for p in (data / "observations" / "dsa_sor.csv", data / "catalog" / "releases.csv")}
    cols = tuple("platform" if c == "platform_name" else c for c in columns("v2", "light"))
    renamed = write_days(tmp / "renamed", [JULY[29]], cols=cols)
    ok = write_days(tmp / "new", [JULY[30]])
    result = run_night({**renamed, **ok})
    assert result.exit_code == nightly.EXIT_STALE, result.message
    assert "dsa_sor" in result.stale
    assert {p: p.read_bytes() for p in before} == before, "July is not complete: nothing derived, nothing lost"
    set_aside = csv_rows(data / "quarantine" / "editions" / "editions.csv")
    assert [(r["source_id"], r["path"]) for r in set_aside] == [("dsa_sor", f"dsa_sor/{renamed[JULY[29]].name}")]
    assert "missing: platform_name" in set_aside[0]["error"]
    changes = [c for c in csv_rows(data / "changes.csv") if c["date"] == NIGHT.isoformat()]
    assert [(c["source_id"], c["kind"]) for c in changes] == [("dsa_sor", "format_changed")]
    st = tmp / "cache" / "dsa_sor"
    assert store.read_row(store.partition(st, "global", "light", JULY[29])) is None
    assert store.read_row(store.partition(st, "global", "light", JULY[30])) is not None
    # the next night: the dump set aside is neither downloaded nor read again
    again = run_night({**renamed, **ok})
    assert again.exit_code == nightly.EXIT_NOTHING, again.message
    assert len(csv_rows(data / "quarantine" / "editions" / "editions.csv")) == 1
