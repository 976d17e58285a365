"""Re-issues and corrections of the harmonised DSA reports (source ``dsa_reports``): two
releases of one report (the same service and reporting period; a later publication date, or
the same date with other bytes) are compared figure by figure like consecutive full
editions (marts edition_pairs, revisions, revisions_named), and the nightly job reads a
corrected table 4 that arrives without its (unchanged) table 1 as a re-issue of the report.

The report files are synthetic and small, written in the publisher's exact format: X's
header rows (copied from ``x-2025h2-4_notices.csv``, CRLF line endings, no final newline),
quoted numbers with thousands separators."""

from __future__ import annotations

import csv
import io
import re
import shutil
from datetime import date
from html import unescape
from pathlib import Path

import duckdb
import pytest
import stamina
import yaml

from conftest import REPO, make_data_dir, quiet, write_manifest
from site_builder import catalog, nightly, warehouse
from site_builder.ingest import ingest_added, ingest_raw

HEADER_4 = (
    'Applicability,Service,Reporting period,Category of illegal content,"Description of the sub-category ""Other""",'
    "Number of notices received,Number of notices received from Trusted flaggers,"
    "Number of specific items of information included in the total number of notices,"
    "Number of specific items of information included in the total number of notices by Trusted Flaggers "
    "(Trusted Flagger notices),Median time to take action,Median time to take action (Trusted Flagger notices),"
    "Number of actions taken on the basis of the law,"
    "Number of actions taken on the basis of the law (Trusted Flagger notices),"
    "Number of actions taken on the basis of the terms and conditions of the service,"
    "Number of actions taken on the basis of the terms and conditions of the service (Trusted Flagger notices),"
    "Contextual information on Number of notices received,"
    "Contextual information on Number of notices received from Trusted flaggers,"
    "Contextual information on Number of specific items of information included in the total number of notices,"
    "Contextual information on Number of specific items of information included in the total number of notices by "
    "Trusted Flaggers (Trusted Flagger notices),"
    "Contextual information on Median time to take action,"
    "Contextual information on Median time to take action (Trusted Flagger notices),"
    "Contextual information on Number of actions taken on the basis of the law,"
    "Contextual information on Number of actions taken on the basis of the law (Trusted Flagger notices),"
    "Contextual information on Number of actions taken on the basis of the terms and conditions of the service,"
    "Contextual information on Number of actions taken on the basis of the terms and conditions of the service "
    "(Trusted Flagger notices)")
HEADER_1 = "Applicability,Service,Indicator,Value"
APPLIES = "Only for providers of hosting services, including online platforms"
LAW = "Number of actions taken on the basis of the law"
CSAM = "STATEMENT_CATEGORY_PROTECTION_OF_MINORS / KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL"
# the ten figures of each row, in the template's column order
FIGURES = {
    "TOTAL": ["12,400", "350", "18,100", "410", "3", "1", "13,000", "200", "7,000", "150"],
    "STATEMENT_CATEGORY_PROTECTION_OF_MINORS": ["9,150", "300", "9,210", "330", "2", "1", "9,017", "180", "40", "10"],
    "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL": ["8,120", "300", "8,170", "330", "2", "1", "8,017", "180", "30", "10"],
}
# the correction: one figure of table 4 (actions on the basis of the law, CSAM row) changed
CORRECTED = {**FIGURES, "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL": [
    "8,120", "300", "8,170", "330", "2", "1", "8,517", "180", "30", "10"]}
T1, T4 = "dsa_reports/xs-2025h2-1_report_identification.csv", "dsa_reports/xs-2025h2-4_notices.csv"
REPORT = "dsa_reports-x-2025H2-published-2026-03-02"


def table_4(figures: dict[str, list[str]], period: tuple[str, str] = ("2025-07-01", "2025-12-31")) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for code, values in figures.items():
        writer.writerow([APPLIES, "X", "/".join(period), code, ""] + values + [""] * 10)
    return (HEADER_4 + "\r\n" + buf.getvalue().removesuffix("\r\n")).encode()


def table_1(published: str = "2026-03-02", period: tuple[str, str] = ("2025-07-01", "2025-12-31"),
            previous: str = "2025-10-28") -> bytes:
    rows = [HEADER_1] + [f"All,X,{k},{v}" for k, v in (
        ("Name of the service provider", "X Internet Unlimited Company"),
        ("Date of the publication of the report", published),
        ("Date of the publication of the latest previous report", previous),
        ("Starting date of reporting period", period[0]), ("Ending date of reporting period", period[1]))]
    return "\r\n".join(rows).encode()


def raw_report(raw: Path, edition: str, one: bytes, four: bytes, paths: tuple[str, str] = (T1, T4)) -> Path:
    """A raw directory holding one report (tables 1 and 4 sharing ``edition``) and its MANIFEST."""
    (raw / "dsa_reports").mkdir(parents=True, exist_ok=True)
    for path, body in zip(paths, (one, four)):
        (raw / path).write_bytes(body)
    write_manifest(raw, [(p, "dsa_reports", edition) for p in paths])
    return raw


def rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def query(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


# (a) marts ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def reissued(tmp_path_factory) -> Path:
    """One report read three times: the original, a correction under the same publication date
    (other bytes: the retrieval date goes into the id), and a re-issue with a new date."""
    root = tmp_path_factory.mktemp("dsa-reissue")
    data = make_data_dir(root)
    ingest_raw("dsa_reports", raw_report(root / "raw-1", "x-2025h2", table_1(), table_4(FIGURES)), data)
    ingest_added("dsa_reports", raw_report(root / "raw-2", "x-2025h2 (retrieved 2026-03-10)", table_1(),
                                           table_4(CORRECTED)), data)
    later = {**CORRECTED, "TOTAL": ["12,900"] + CORRECTED["TOTAL"][1:]}
    ingest_added("dsa_reports", raw_report(root / "raw-3", "x-2025h2-v3", table_1("2026-04-15"), table_4(later)), data)
    # the same report read again (the same table 1, the same table 4 bytes) adds nothing
    ingest_added("dsa_reports", raw_report(root / "raw-4", "x-2025h2-v3 (retrieved 2026-05-01)",
                                           table_1("2026-04-15"), table_4(later)), data)
    return data


def test_each_reissue_is_a_release_of_its_own_beside_the_earlier_ones(reissued):
    releases = {r["release_id"]: r for r in rows(catalog.releases_path(reissued)) if r["source_id"] == "dsa_reports"}
    assert set(releases) == {REPORT, f"{REPORT}-retrieved-2026-03-10", "dsa_reports-x-2025H2-published-2026-04-15"}
    assert releases[f"{REPORT}-retrieved-2026-03-10"]["edition"] == "2025H2 (published 2026-03-02) (retrieved 2026-03-10)"
    assert releases["dsa_reports-x-2025H2-published-2026-04-15"]["edition"] == "2025H2 (published 2026-04-15)"
    assert {r["release_id"] for r in rows(catalog.report_identification_path(reissued))} == set(releases)
    per_release = {}
    for r in rows(reissued / "observations" / "dsa_reports.csv"):
        per_release[r["release_id"]] = per_release.get(r["release_id"], 0) + 1
    assert per_release == {rid: 30 for rid in releases}, "every release keeps all its figures"


def test_revisions_list_the_changed_figures_with_both_values_and_both_releases(reissued):
    con = duckdb.connect()
    try:
        warehouse.load(con, reissued)
        warehouse.run_models(con)
        pairs = query(con, "SELECT prev_release_id, release_id FROM edition_pairs WHERE source_id = 'dsa_reports' "
                           "ORDER BY release_id")
        revisions = query(con, "SELECT * FROM revisions_named WHERE source_id = 'dsa_reports' ORDER BY release_id")
        histories = query(con, "SELECT * FROM revision_histories WHERE source_id = 'dsa_reports'")
    finally:
        con.close()
    third = "dsa_reports-x-2025H2-published-2026-04-15"
    assert pairs == [{"prev_release_id": REPORT, "release_id": f"{REPORT}-retrieved-2026-03-10"},
                     {"prev_release_id": f"{REPORT}-retrieved-2026-03-10", "release_id": third}]
    # one changed figure per pair; the 28 figures that did not change are not listed
    got = [(r["prev_release_id"], r["release_id"], r["policy_label"], r["metric_label"], r["prev_value_as_published"],
            r["value_as_published"], r["change_kind"]) for r in revisions]
    assert got == [
        (REPORT, f"{REPORT}-retrieved-2026-03-10", CSAM, LAW, "8,017", "8,517", "revised up"),
        (f"{REPORT}-retrieved-2026-03-10", third, "TOTAL", "Number of notices received", "12,400", "12,900", "revised up"),
    ]
    first = revisions[0]
    assert first["prev_edition"] == "2025H2 (published 2026-03-02)"
    assert first["edition"] == "2025H2 (published 2026-03-02) (retrieved 2026-03-10)"
    assert first["prev_value"] == 8017 and first["value"] == 8517 and first["change"] == 500
    assert first["platform_id"] == "x" and first["policy_area"] == "child_sexual_exploitation"
    assert re.search(r"xs-2025h2-4_notices\.csv line \d+ column 'Number of actions taken on the basis of the law'$",
                     first["prev_locator"])
    assert {(h["policy_label"], h["metric_label"]) for h in histories} == {(CSAM, LAW), ("TOTAL", "Number of notices received")}
    steps = next(h for h in histories if h["policy_label"] == CSAM)["steps"]
    assert [s["value_as_published"] for s in steps] == ["8,017", "8,517", "8,517"]


# (b) the nightly job --------------------------------------------------------------------------

# a report of a half-year the committed data holds no DSA report for, at addresses of its own
N1, N4 = "dsa_reports/xs-2025h1-1_report_identification.csv", "dsa_reports/xs-2025h1-4_notices.csv"
H1 = ("2025-01-01", "2025-06-30")
H1_REPORT = "dsa_reports-x-2025H1-published-2025-08-29"
FETCH = {"method": "files", "content_types": ["text/csv"], "min_bytes": 100,
         "files": [{"path": N1, "url": "https://transparency.example/x/1_report_identification.csv", "edition": "xs-2025h1"},
                   {"path": N4, "url": "https://transparency.example/x/4_notices.csv", "edition": "xs-2025h1"}]}


def h1_tables(figures: dict[str, list[str]]) -> tuple[bytes, bytes]:
    return table_1("2025-08-29", H1, previous="2025-04-25"), table_4(figures, H1)


@pytest.fixture
def nights(tmp_path: Path, httpserver):
    """A copy of the committed data whose DSA reports source is fetched from a server on
    127.0.0.1 (through --mirror) at two addresses, and a function that serves table 1 and
    table 4 there and runs one night."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data, ignore=shutil.ignore_patterns("archive"))
    cat = data / "catalog" / "sources.yaml"
    doc = yaml.safe_load(cat.read_text(encoding="utf-8"))
    doc["sources"]["dsa_reports"]["fetch"] = FETCH
    cat.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    build_dir, cache = tmp_path / "build", tmp_path / "cache"
    stamina.set_testing(True, attempts=2)

    def run(day: date, one: bytes, four: bytes) -> nightly.Night:
        httpserver.clear()
        httpserver.expect_request("/" + N1).respond_with_data(one, content_type="text/csv")
        httpserver.expect_request("/" + N4).respond_with_data(four, content_type="text/csv")
        return nightly.run(data_dir=data, build_dir=build_dir, cache_dir=cache, sources=["dsa_reports"],
                           mirror=httpserver.url_for("/").rstrip("/"), today=day, console=quiet())

    yield run, data, build_dir
    stamina.set_testing(False)


@pytest.mark.slow
def test_a_corrected_table_4_without_its_table_1_is_a_reissue_of_the_report(nights):
    run, data, build_dir = nights
    ours = lambda: {r["release_id"] for r in rows(catalog.releases_path(data)) if "2025H1" in r["release_id"]}  # noqa: E731
    first = run(date(2026, 12, 1), *h1_tables(FIGURES))
    assert first.exit_code == nightly.EXIT_PUBLISHED, first.message
    assert ours() == {H1_REPORT}

    second = run(date(2026, 12, 2), *h1_tables(CORRECTED))
    assert second.exit_code == nightly.EXIT_PUBLISHED, second.message
    log = rows(data / "catalog" / "fetches.csv")[-2:]  # the second night's
    assert {r["path"]: r["outcome"] for r in log} == {N1: "unchanged", N4: "changed"}
    corrected = f"{H1_REPORT}-retrieved-2026-12-02"
    assert ours() == {H1_REPORT, corrected}, "the earlier release is kept beside the correction"
    release = next(r for r in rows(catalog.releases_path(data)) if r["release_id"] == corrected)
    assert release["file"].endswith(N4) and N1 in release["obtained_via"]
    assert release["edition"] == "2025H1 (published 2025-08-29) (retrieved 2026-12-02)"
    ident = {r["release_id"]: r for r in rows(catalog.report_identification_path(data))}
    assert ident[corrected]["published"] == "2025-08-29" and ident[corrected]["file"].endswith(N1)
    changes = [c for c in rows(data / "changes.csv") if c["date"] == "2026-12-02"]
    assert {(c["kind"], c["release_id"], c["count"]) for c in changes} == {
        ("new_release", corrected, "30"), ("revised_figures", corrected, "1")}
    assert next(c for c in changes if c["kind"] == "revised_figures")["child_safety"] == "1"
    page = unescape((build_dir / "site" / "changes.html").read_text(encoding="utf-8"))
    row = next(tr for tr in re.findall(r"<tr>.*?</tr>", page, re.S) if "8,517" in tr)
    assert "8,017" in row and "2025H1 (published 2025-08-29) (retrieved 2026-12-02)" in row
    assert "2025H1 (published 2025-08-29):" in row
    revisions = unescape((build_dir / "site" / "revisions.html").read_text(encoding="utf-8"))
    row = next(tr for tr in re.findall(r"<tr>.*?</tr>", revisions, re.S) if "8,517" in tr)
    assert "8,017" in row and "2025H1 (published 2025-08-29) (retrieved 2026-12-02)" in row
    assert "a report re-issued or corrected is compared with the release of the same report before it" in revisions

    third = run(date(2026, 12, 3), *h1_tables(CORRECTED))
    assert third.exit_code == nightly.EXIT_NOTHING, third.message
    assert ours() == {H1_REPORT, corrected}


def test_the_first_fetch_of_a_report_already_read_changes_nothing(nights, tmp_path):
    """A fresh clone's first night: the bytes of both tables are those the release was read from
    (table 4: releases.csv; table 1: report_identification.csv), so both are unchanged: nothing changed."""
    run, data, _ = nights
    ingest_added("dsa_reports", raw_report(tmp_path / "raw", "xs-2025h1", *h1_tables(FIGURES), paths=(N1, N4)), data)
    before = (data / "observations" / "dsa_reports.csv").read_bytes()
    night = run(date(2026, 12, 1), *h1_tables(FIGURES))
    assert night.exit_code == nightly.EXIT_NOTHING, night.message
    assert {r["path"]: r["outcome"] for r in rows(data / "catalog" / "fetches.csv")} == {N1: "unchanged", N4: "unchanged"}
    assert (data / "observations" / "dsa_reports.csv").read_bytes() == before
