"""End to end: build the committed data/ and check that the right numbers, read here
from the publishers' raw files, appear on the right pages."""

import csv
import re
from html import unescape

import duckdb
import pytest

from conftest import SHARED_CURATED, need_shared
from site_builder.charts.views import VIEWS

PAGES = ["index.html", "topics/child-sexual-exploitation.html", "revisions.html", "sources.html",
         "methodology.html"] + [f"platforms/{p}.html" for p in ("facebook", "instagram", "x", "tiktok", "youtube")]


def html(build_dir, page):
    """The page's HTML with character references decoded (templates write '_' as '&#95;')."""
    return unescape((build_dir / "site" / page).read_text(encoding="utf-8"))


def meta_edition(raw_dir, edition):
    """{(app, policy lower-cased, metric, period): value as published} of one raw Meta CSV."""
    with (raw_dir / "meta" / f"meta-{edition.lower().replace('q', '-q')}.csv").open(encoding="utf-8-sig") as fh:
        return {(r["app"], r["policy_area"].lower(), r["metric"], r["period"]): r["value"] for r in csv.DictReader(fh)}


def test_every_page_is_built(built_site):
    for page in PAGES:
        text = html(built_site, page)
        assert "<h1" in text, page
    assert (built_site / "warehouse.duckdb").exists()
    figs = list((built_site / "site" / "figures").rglob("*.svg"))
    assert len(figs) >= 20
    for svg in figs:
        if svg.name.endswith(tuple(f".{v}.svg" for v in VIEWS)):  # a page rendition, not a download
            continue
        for ext in (".png", ".vl.json", ".csv"):
            assert svg.with_name(svg.name.replace(".svg", ext)).exists()


@pytest.mark.raw
def test_latest_meta_numbers_appear_on_topic_and_platform_pages(built_site, raw_dir):
    latest = meta_edition(raw_dir, "2024Q2")
    actioned = latest[("Facebook", "child endangerment: sexual exploitation", "Content Actioned", "2024Q2")]
    rate = latest[("Instagram", "child endangerment: sexual exploitation", "Proactive rate", "2024Q2")]
    topic = html(built_site, "topics/child-sexual-exploitation.html")
    assert f">{actioned}<" in topic and f">{rate}<" in topic
    assert f">{actioned}<" in html(built_site, "platforms/facebook.html")
    # every number in a table links to its document with its locator; Meta's download address
    # serves only the latest edition (a landing page, data/taxonomy/link_rules.csv), so the
    # number links to its release on the Sources page (sha256, where the file was obtained)
    link = (r'href="\.\./sources\.html#meta_cser-2024Q2"[^>]*'
            rf'title="meta/meta-2024-q2.csv line \d+ \([^"]*\)"[^>]*>{re.escape(actioned)}<')
    assert re.search(link, topic)


@pytest.mark.raw
def test_revision_count_matches_an_independent_count_from_the_raw_editions(built_site, raw_dir):
    editions = sorted(p.stem.split("-", 1)[1].replace("-q", "Q") for p in (raw_dir / "meta").glob("meta-*.csv"))
    changed = 0
    for prev, cur in zip(editions, editions[1:]):
        a, b = meta_edition(raw_dir, prev), meta_edition(raw_dir, cur)
        norm = lambda v: v.replace(",", "")  # noqa: E731 - formatting is not a revision
        changed += sum(1 for k in a.keys() & b.keys() if norm(a[k]) != norm(b[k]))
    con = duckdb.connect(str(built_site / "warehouse.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM revisions WHERE source_id = 'meta_cser'").fetchone()[0] == changed
    assert f"{changed:,} changes" in html(built_site, "revisions.html")


@pytest.mark.raw
def test_the_2020q2_round_trip_is_on_the_revisions_page(built_site, raw_dir):
    key = ("Facebook", "child nudity & sexual exploitation", "Content Actioned", "2020Q2")
    editions = sorted(p.stem.split("-", 1)[1].replace("-q", "Q") for p in (raw_dir / "meta").glob("meta-*.csv"))
    values = [meta_edition(raw_dir, e)[key] for e in editions]
    steps = [v for i, v in enumerate(values) if i == 0 or v != values[i - 1]]
    assert len(steps) >= 3 and steps[-1] in steps[:-1]  # it came back
    page = html(built_site, "revisions.html")
    for v in set(steps):
        assert v in page


@pytest.mark.raw
def test_na_is_stored_as_not_reported_and_ranges_as_ranges(built_site, raw_dir):
    na = ranges = 0
    for f in (raw_dir / "meta").glob("meta-*.csv"):
        with f.open(encoding="utf-8-sig") as fh:
            for r in csv.DictReader(fh):
                na += r["value"] == "N/A"
                ranges += "%-" in r["value"]
    con = duckdb.connect(str(built_site / "warehouse.duckdb"), read_only=True)
    got = dict(con.execute("SELECT value_status, count(*) FROM stg_observations WHERE source_id = 'meta_cser' "
                           "AND release_kind = 'raw' AND value IS NULL GROUP BY ALL").fetchall())
    assert got == {"not_reported": na, "range": ranges}
    assert con.execute("SELECT count(*) FROM stg_observations WHERE value_as_published = 'N/A' AND value = 0").fetchone()[0] == 0


def test_curated_numbers_appear_with_their_source(built_site):
    curated = need_shared(SHARED_CURATED)
    with (curated / "ncmec_cybertipline_by_esp.csv").open(encoding="utf-8") as fh:
        fb = next(r for r in csv.DictReader(fh) if r["esp_name_as_published"] == "Facebook"
                  and r["period_start"] == "2023-01-01" and r["metric"] == "cybertipline_reports_from_esp")
    with (curated / "x_twitter_transparency.csv").open(encoding="utf-8") as fh:
        x = next(r for r in csv.DictReader(fh) if r["policy_area"] == "Child Safety" and r["metric"] == "user reports")
    topic = html(built_site, "topics/child-sexual-exploitation.html")
    assert f"{int(fb['value']):,}" in topic and fb["source_url"] in topic
    assert f"{int(x['value']):,}" in topic and x["source_url"] in topic


@pytest.mark.raw
def test_sources_page_lists_every_raw_release_with_its_checksum(built_site, raw_dir):
    page = html(built_site, "sources.html")
    with (raw_dir / "MANIFEST.csv").open(encoding="utf-8") as fh:
        meta = [r for r in csv.DictReader(fh) if r["source_id"] == "meta_cser"]
    assert len(meta) == 13
    for r in meta:
        assert r["sha256"] in page and f"meta_cser-{r['edition']}" in page


def test_every_chart_has_title_takeaway_source_description_table_and_downloads(built_site):
    for page in PAGES:
        text = html(built_site, page)
        for fig in re.findall(r'<figure class="pew-figure".*?</figure>', text, flags=re.S):
            assert 'class="pew-fig-title"' in fig and 'class="pew-takeaway"' in fig
            assert 'class="pew-source"' in fig and "<table" in fig and "CSV (rows shown)" in fig
            if "<img" in fig:
                assert 'class="pew-desc"' in fig and ".vl.json" in fig and ".png" in fig and ".svg" in fig


def test_side_by_side_charts_carry_a_comparability_note(built_site):
    topic = html(built_site, "topics/child-sexual-exploitation.html")
    for fig_id in ("cse-actioned-other-platforms", "cse-proactive-rate", "ncmec-reports-by-platform"):
        block = re.search(rf'<figure class="pew-figure" id="{fig_id}".*?</figure>', topic, flags=re.S).group(0)
        assert "Comparability:" in block


def test_csv_download_has_exactly_the_rows_in_the_table(built_site):
    topic = html(built_site, "topics/child-sexual-exploitation.html")
    block = re.search(r'<figure class="pew-figure" id="meta-cse-actioned".*?</figure>', topic, flags=re.S).group(0)
    table_rows = block.count("<tr><td")
    csv_path = built_site / "site" / "figures" / "topics-child-sexual-exploitation" / "meta-cse-actioned.csv"
    with csv_path.open() as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == table_rows


@pytest.mark.raw
def test_reconciliation_cross_check_is_the_compilations_own_count(built_site, raw_dir):
    """The Diaphanous cross-check of NCMEC's count is read once (raw file first), never added up
    across the raw file and the curated copy of the same table: computed here from the JSON."""
    import json
    doc = json.loads((raw_dir / "diaphanous" / "ocse-reports-per-platform.json").read_text(encoding="utf-8"))
    con = duckdb.connect(str(built_site / "warehouse.duckdb"), read_only=True)
    got = {(p, y): v for p, y, v in con.execute(
        "SELECT platform_id, year, diaphanous_counted FROM reconciliation WHERE platform_id = 'discord'").fetchall()}
    assert got, "no Discord reconciliation row"
    cols = doc["NCMEC"]["columns"]
    name_at, reports_at = cols.index("platform"), cols.index("reports")
    checked = 0
    for (_pid, year), value in got.items():
        listed = [row[str(year)][reports_at] for row in doc["NCMEC"]["rows"] if str(year) in row
                  and str(row[str(year)][name_at]).lower().startswith("discord") and row[str(year)][reports_at] is not None]
        if listed:
            assert value == sum(listed), (year, value, listed)
            checked += 1
    assert checked, got
