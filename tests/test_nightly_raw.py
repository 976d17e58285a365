"""The nightly watch on the real published files (issue 10, "done when"): the raw directory
in ../shared is copied and served on 127.0.0.1 and the committed data is watched through
``--mirror``, three nights in a row:

1. the first night of a fresh clone: every declared file is downloaded once, its bytes are
   those the committed releases were read from, so nothing changes and nothing is published;
2. TikTok re-issues its 2024Q2 edition at the same address with one minor-safety figure
   changed: a new vintage is read in and the What changed page and the feed name the edition
   and the revised figure;
3. the mirror answers 500 for every Meta file: Meta keeps its data, its pages say it may be
   out of date since when, and the site is still published.

Runs in CI on the real files (``need_shared``); skipped locally without ../shared."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest
import stamina

from conftest import REPO, SHARED_RAW, need_shared, quiet
from site_builder import fmt, nightly
from site_builder.fetch.localmirror import copy_raw, reissue_tiktok, serve
from site_builder.pipeline import build

pytestmark = pytest.mark.slow

EDITION = "tiktok/tiktok-2024-q2.csv"


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def nights(tmp_path_factory) -> dict:
    raw_dir = need_shared(SHARED_RAW)
    root = tmp_path_factory.mktemp("night-raw")
    data, build_dir, cache = root / "data", root / "build", root / "cache"
    shutil.copytree(REPO / "data", data)
    mirror = copy_raw(raw_dir, root / "mirror")
    build(data_dir=data, build_dir=build_dir, console=quiet())
    out: dict = {"data": data, "site": build_dir / "site", "cache": cache}
    out["index_before"] = (build_dir / "site" / "index.html").read_bytes()
    out["meta_before"] = (data / "observations" / "meta_cser.csv").read_bytes()
    stamina.set_testing(True, attempts=2)  # the 500s are retried without real waits
    try:
        def night(day: date, fail: dict[str, int] | None = None) -> nightly.Night:
            with serve(mirror, fail=fail) as base:
                return nightly.run(data_dir=data, build_dir=build_dir, cache_dir=cache, mirror=base, today=day,
                                   console=quiet())

        out["first"] = night(date(2026, 12, 1))
        out["first_log"] = rows(data / "catalog" / "fetches.csv")
        out["first_index"] = (build_dir / "site" / "index.html").read_bytes()
        out["line"] = reissue_tiktok(mirror / EDITION)
        out["tiktok"] = night(date(2026, 12, 2))
        out["tiktok_changes"] = (build_dir / "site" / "changes.html").read_text(encoding="utf-8")
        out["tiktok_feed"] = (build_dir / "site" / "feed.xml").read_text(encoding="utf-8")
        out["meta"] = night(date(2026, 12, 3), fail={"meta/": 500})
    finally:
        stamina.set_testing(False)
    return out


def test_the_first_night_downloads_every_file_once_and_changes_nothing(nights):
    first = nights["first"]
    assert first.exit_code == nightly.EXIT_NOTHING, first.message
    read_from = {r["file"] for r in rows(nights["data"] / "catalog" / "releases.csv")}
    # and the identification tables read with a report's numbers (DSA reports: table 1)
    read_from |= {r["file"] for r in rows(nights["data"] / "catalog" / "report_identification.csv")}
    outcomes = {r["path"]: r["outcome"] for r in nights["first_log"]}
    # every file a release was read from: its bytes are those of the release
    assert {o for p, o in outcomes.items() if p in read_from} == {"unchanged"}
    assert sum(p in read_from for p in outcomes) >= 50
    # the rest: documentation files kept once (no release is read from them), and the NCMEC
    # editions of years whose report is not out (a pattern by year; 404 is "not published")
    others = {p: o for p, o in outcomes.items() if p not in read_from}
    assert {p for p, o in others.items() if o == "new"} == {"diaphanous/codebook.md", "diaphanous/provenance.md"}
    assert {o for p, o in others.items() if p.startswith("ncmec/")} <= {"not_published"}
    assert set(others.values()) <= {"new", "not_published"}
    assert nights["first_index"] == nights["index_before"], "nothing was published"


def test_a_reissued_tiktok_edition_is_named_with_its_revised_figure(nights):
    night = nights["tiktok"]
    assert night.exit_code == nightly.EXIT_PUBLISHED, night.message
    kinds = {(c["source_id"], c["kind"]): c for c in night.changes}
    assert set(kinds) == {("tiktok_cge", "new_release"), ("tiktok_cge", "revised_figures")}
    revised = kinds[("tiktok_cge", "revised_figures")]
    assert revised["count"] == 1 and revised["child_safety"] == 1
    committed = [c for c in rows(nights["data"] / "changes.csv") if c["date"] == "2026-12-02"]
    assert len(committed) == 2
    edition = "2024Q2 (retrieved 2026-12-02)"
    page, feed = nights["tiktok_changes"], nights["tiktok_feed"]
    assert edition in page and edition in feed
    # the figure, its earlier and its new value, and the editions they come from
    before, after = (line.rsplit(",", 1)[1] for line in nights["line"])
    assert f"TikTok: Minor safety: Proactive removal rate, 2023Q1: {before} in the 2024Q2 edition, " \
           f"{after} in the {edition} edition" in feed
    table = page[page.index('id="revised-2026-12-02-'):]
    assert "TikTok: Minor safety: Proactive removal rate" in table and f">{before}</a>" in table and f">{after}</a>" in table
    assert "2 December 2026" in page
    bundle = nights["data"] / "archive" / "2026-12-02"
    assert {p.name for p in bundle.iterdir()} == {"observations.parquet", "datapackage.json", "changes.csv"}
    assert "downloads/archive/2026-12-02/observations.parquet" in page


def test_a_meta_outage_keeps_its_data_marks_it_stale_and_still_publishes(nights):
    night = nights["meta"]
    assert night.exit_code == nightly.EXIT_STALE, night.message
    assert set(night.stale) == {"meta_cser"}
    assert (nights["data"] / "observations" / "meta_cser.csv").read_bytes() == nights["meta_before"]
    [change] = [c for c in night.changes if c["kind"] == "source_unreachable"]
    assert change["source_id"] == "meta_cser" and change["count"] >= 1
    site = nights["site"]
    since = fmt.date_text(date.today())
    for page in ("platforms/facebook.html", "platforms/instagram.html", "health.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert f"Figures from Meta CSER (Meta Platforms) may be out of date: fetching its files has failed since {since}" in html, page
    # published: the night and its outage are on the What changed page and in the feed
    assert "3 December 2026" in (site / "changes.html").read_text(encoding="utf-8")
    assert "Meta CSER could not be fetched" in (site / "feed.xml").read_text(encoding="utf-8")
    # TikTok's revised figure of the night before is still there
    assert "2024Q2 (retrieved 2026-12-02)" in (site / "changes.html").read_text(encoding="utf-8")
