"""What changed, for readers (issue 10, items 3 and 4): the What changed page, its Atom feed,
the Source health page, the "stale since" notices and the dated snapshots, built from the
committed data with a fixture fetch log, changes file and archive written into a copy of
data/; and bad input in those files stopping the build with the file, line and what was
expected."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import duckdb
import pytest
import yaml

from conftest import REPO, quiet
from site_builder import feed, render, warehouse, watch
from site_builder.errors import BuildError, InputError
from site_builder.pages import changes, health
from site_builder.pages.common import Ctx
from site_builder.pipeline import build

ATOM = "{http://www.w3.org/2005/Atom}"
FETCH_HEADER = ",".join(watch.FETCH_COLUMNS)
CHANGE_HEADER = ",".join(watch.CHANGE_COLUMNS)
SCRIPT = "<script>alert(1)</script>"

# The fetch log of five nights: Meta fails from 3 December (one file fails that night while the
# other is fetched: the night counts as failed) to the last night; TikTok's last new file is
# from 1 July (quarterly: overdue after 135 days); NCMEC (yearly) got a new file in June; X has
# no regular schedule; Discord failed on 2 December and recovered; YouTube is marked fetch: none.
FETCHES = f"""{FETCH_HEADER}
2026-06-01T02:00:00Z,ncmec_esp,ncmec/2025.pdf,https://example.org/ncmec-2025.pdf,https://example.org/ncmec-2025.pdf,200,new,,aa,10,,,application/pdf,2026-06-01
2026-07-01T02:00:00Z,tiktok_cge,tiktok/2026-q1.csv,https://example.org/t.csv,https://example.org/t.csv,200,new,,bb,10,,,text/csv,2026-07-01
2026-08-01T02:00:00Z,meta_cser,meta/meta-2026-q2.csv,https://example.org/m.csv,https://example.org/m.csv,200,new,,cc,10,W/1,,text/csv,2026-08-01
2026-12-02T02:00:00Z,meta_cser,meta/meta-2026-q2.csv,https://example.org/m.csv,https://example.org/m.csv,304,unchanged,,cc,10,,,text/csv,2026-08-01
2026-12-02T02:00:05Z,discord_transparency,discord/d.csv,https://example.org/d.csv,,500,failed,HTTP 500,,,,,,
2026-12-03T02:00:00Z,meta_cser,meta/meta-2026-q2.csv,https://example.org/m.csv,https://example.org/m.csv,304,unchanged,,cc,10,,,text/csv,2026-08-01
2026-12-03T02:00:01Z,meta_cser,meta/meta-2026-q3.csv,https://example.org/m3.csv,,500,failed,HTTP 500 Internal Server Error,,,,,,
2026-12-04T02:00:00Z,meta_cser,meta/meta-2026-q2.csv,https://example.org/m.csv,,,failed,connection refused,,,,,,
2026-12-05T02:00:00Z,meta_cser,meta/meta-2026-q2.csv,https://example.org/m.csv,,500,failed,HTTP 500 Internal Server Error,,,,,,
2026-12-05T02:00:01Z,tiktok_cge,tiktok/2026-q1.csv,https://example.org/t.csv,https://example.org/t.csv,304,unchanged,,bb,10,,,text/csv,2026-07-01
2026-12-05T02:00:02Z,ncmec_esp,ncmec/2026.pdf,https://example.org/ncmec-2026.pdf,,404,not_published,not published yet,,,,,,
2026-12-05T02:00:03Z,x_gtr,x/x.pdf,https://example.org/x.pdf,https://example.org/x.pdf,304,unchanged,,dd,10,,,application/pdf,2026-01-01
2026-12-05T02:00:04Z,discord_transparency,discord/d.csv,https://example.org/d.csv,https://example.org/d.csv,200,new,,ee,10,,,text/csv,2026-12-05
"""

# Three nights, written oldest first (the page must put the newest first).
CHANGES = f"""{CHANGE_HEADER}
2026-11-24,meta_cser,meta_cser-2021Q2,new_release,1904,429,First read by this site,https://transparency.fb.com/sr/community-standards/
2026-12-03,meta_cser,meta_cser-2021Q3,revised_figures,71,15,Meta replaced its CSV at the same address,https://transparency.fb.com/sr/community-standards/
2026-12-05,tiktok_cge,tiktok_cge-2022Q4,revised_figures,174,5,TikTok revised past quarters,
2026-12-05,discord_transparency,discord_transparency-2023Q4,new_release,315,25,"A new edition {SCRIPT} <b>bold</b>",https://discord.com/safety-transparency-reports
2026-12-05,meta_cser,,source_unreachable,2,0,The server answered 500,
"""


def write_watch_data(data: Path) -> Path:
    """The fixture fetch log, changes and one dated bundle (3 December) in a copy of data/;
    YouTube marked as not fetched in the catalog."""
    watch.fetches_path(data).write_text(FETCHES, encoding="utf-8")
    watch.changes_path(data).write_text(CHANGES, encoding="utf-8")
    bundle = data / "archive" / "2026-12-03"
    bundle.mkdir(parents=True, exist_ok=True)
    (bundle / "observations.parquet").write_bytes(b"PAR1 not really parquet PAR1")
    (bundle / "datapackage.json").write_text('{"name": "platform-enforcement-watch"}\n', encoding="utf-8")
    (bundle / "changes.csv").write_text(CHANGES.splitlines()[0] + "\n" + CHANGES.splitlines()[2] + "\n", encoding="utf-8")
    path = data / "catalog" / "sources.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["sources"]["youtube_cge"]["fetch"] = {"method": "none", "why": "Google publishes no file of these figures."}
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return data


def copy_data(root: Path) -> Path:
    data = root / "data"
    shutil.copytree(REPO / "data", data, ignore=shutil.ignore_patterns("archive"))
    return data


@pytest.fixture(scope="module")
def watch_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two builds of the committed data with the fixture watch records (the second in a fresh
    build directory with the first one's chart cache): their build directories."""
    root = tmp_path_factory.mktemp("watch")
    data = write_watch_data(copy_data(root))
    first, second = root / "build-a", root / "build-b"
    build(data_dir=data, build_dir=first, console=quiet())
    shutil.copytree(first / "cache", second / "cache")
    build(data_dir=data, build_dir=second, console=quiet())
    return first, second


@pytest.fixture(scope="module")
def site(watch_builds: tuple[Path, Path]) -> Path:
    return watch_builds[0] / "site"


def page(site: Path, name: str) -> str:
    return unescape((site / name).read_text(encoding="utf-8"))


def text_of(html: str) -> str:
    """The visible text of some HTML, white space collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def section(html: str, anchor: str) -> str:
    """From the element with id ``anchor`` to the next h2."""
    start = html.index(f'id="{anchor}"')
    end = html.find("<h2", start)
    return html[start:end if end > 0 else None]


def pages_of(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if not {"assets", "search"} & set(p.relative_to(site).parts))


# --- What changed ------------------------------------------------------------------------------

@pytest.mark.slow
def test_what_changed_lists_the_nights_newest_first_with_their_changes(site):
    html = page(site, "changes.html")
    order = [html.index(f'id="night-{d}"') for d in ("2026-12-05", "2026-12-03", "2026-11-24")]
    assert order == sorted(order)
    night = text_of(section(html, "night-2026-12-05"))
    assert "3 changes from Discord transparency report, Meta CSER, TikTok CGE report" in night
    # kinds in words, never as codes
    assert "New release of Discord transparency report found: its 2023Q4 edition, with 315 figures, " \
           "25 of them about child safety." in night
    assert "TikTok CGE report revised 174 figures in its 2022Q4 edition, 5 of them about child safety." in night
    assert "Meta CSER could not be fetched: 2 files not received; the figures already read from it are kept." in night
    assert "Source unreachable" in night
    for code in ("new_release", "revised_figures", "source_unreachable"):
        assert code not in text_of(html), code
    assert "No change has been recorded yet" not in html


@pytest.mark.slow
def test_revised_figures_show_old_and_new_values_editions_links_and_child_safety(site, watch_builds):
    con = duckdb.connect(str(watch_builds[0] / "warehouse.duckdb"), read_only=True)
    try:
        revised = con.execute("SELECT prev_edition, prev_value_as_published, edition, value_as_published, "
                              "policy_area IN ('child_sexual_exploitation', 'child_safety_broad', 'child_safety_other') "
                              "FROM revisions WHERE release_id = 'meta_cser-2021Q3' ORDER BY ALL").fetchall()
    finally:
        con.close()
    assert len(revised) == 71
    html = page(site, "changes.html")
    block = html[html.index('id="revised-2026-12-03-meta_cser-2021Q3"'):]
    block = block[:block.index("</details>")]
    summary = text_of(block[:block.index("</summary>")])
    assert "Revised figures: Meta CSER, 2021Q3: 71 figures, 15 about child safety" in summary
    rows = re.findall(r"<tr>(.*?)</tr>", block, re.S)[1:]
    assert len(rows) == 71
    shown = [text_of(r) for r in rows]
    for prev_edition, old, edition, new, _ in revised:
        assert any(f"{prev_edition}: {old}" in s and f"{edition}: {new}" in s for s in shown), (old, new)
    # child-safety figures first, marked; every value links to its document or release
    n_child = sum(1 for *_, child in revised if child)
    assert [s.endswith("yes") for s in shown] == [True] * n_child + [False] * (71 - n_child)
    assert all(len(re.findall(r"<a href=", r)) >= 2 for r in rows)


@pytest.mark.slow
def test_a_night_with_a_bundle_links_it_and_the_bundle_is_in_the_site(site):
    html = page(site, "changes.html")
    night = section(html, "night-2026-12-03")
    for name in ("observations.parquet", "datapackage.json", "changes.csv"):
        href = f"downloads/archive/2026-12-03/{name}"
        assert f'href="{href}"' in night and (site / href).is_file()
    assert (site / "downloads/archive/2026-12-03/observations.parquet").read_bytes() == b"PAR1 not really parquet PAR1"
    assert (site / "downloads/archive/2026-12-03/changes.csv").read_text(encoding="utf-8").startswith(CHANGE_HEADER)
    assert "downloads/archive/" not in section(html, "night-2026-12-05")
    downloads = page(site, "downloads.html")
    assert 'href="downloads/archive/2026-12-03/observations.parquet"' in section(downloads, "archive")


@pytest.mark.slow
def test_source_text_in_the_changes_is_inert(site):
    raw = (site / "changes.html").read_text(encoding="utf-8")
    assert SCRIPT not in raw and "<b>bold</b>" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    for p in pages_of(site):
        assert "alert(1)</script>" not in p.read_text(encoding="utf-8"), p


# --- the feed ----------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_feed_has_one_entry_per_night_dated_by_the_data(site):
    tree = ET.fromstring((site / "feed.xml").read_bytes())
    entries = tree.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id").rsplit(":", 1)[1] for e in entries] == ["2026-12-05", "2026-12-03", "2026-11-24"]
    assert entries[0].findtext(f"{ATOM}title") == (
        "5 December 2026, Discord transparency report, Meta CSER, TikTok CGE report: 1 new release, with 315 figures "
        "(25 about child safety); 1 edition with revised figures, "
        "with 174 figures (5 about child safety); 1 unreachable source")
    assert "TikTok CGE report revised 174 figures" in entries[0].findtext(f"{ATOM}summary")
    assert entries[0].find(f"{ATOM}link").get("href") == "changes.html#night-2026-12-05"
    # every timestamp is a night's: nothing from the clock of the build
    stamps = [el.text for el in tree.iter() if el.tag in (f"{ATOM}updated", f"{ATOM}published")]
    assert set(stamps) == {"2026-12-05T00:00:00+00:00", "2026-12-03T00:00:00+00:00", "2026-11-24T00:00:00+00:00"}
    assert tree.findtext(f"{ATOM}updated") == "2026-12-05T00:00:00+00:00"
    assert b"lastBuildDate" not in (site / "feed.xml").read_bytes()


@pytest.mark.slow
def test_two_builds_give_the_same_feed_and_pages(watch_builds):
    first, second = (b / "site" for b in watch_builds)
    for name in ("feed.xml", "changes.html", "health.html"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


@pytest.mark.slow
def test_every_page_links_the_feed_in_its_head_and_footer(site):
    for p in pages_of(site):
        html = p.read_text(encoding="utf-8")
        head = html[:html.index("</head>")]
        link = re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)">', head)
        assert link, p
        footer = html[html.index('<footer class="md-footer">'):]
        assert re.search(r'<a href="([^"]*feed\.xml)" type="application/atom\+xml">', footer), p
        rel = p.relative_to(site).as_posix()
        assert urljoin("https://x.test/" + rel, link.group(1)) == "https://x.test/feed.xml", (rel, link.group(1))


# --- Source health and the stale notices ---------------------------------------------------------

def health_row(site: Path, source_id: str) -> str:
    html = page(site, "health.html")
    row = html[html.index(f'id="health-{source_id}"'):]
    return text_of(row[:row.index("</tr>")])


@pytest.mark.slow
def test_source_health_is_as_of_the_newest_fetch_and_says_overdue_never_fetched_and_by_hand(site):
    html = text_of(page(site, "health.html"))
    assert "as of 5 December 2026 (02:00 UTC), the newest entry of the fetch log" in html
    tiktok = health_row(site, "tiktok_cge")
    assert "overdue : no new or changed file since 1 July 2026; one was expected by 13 November 2026." in tiktok
    assert "expected by 13 November 2026" in tiktok and "1 July 2026 (a new file)" in tiktok
    assert "a new edition about every three months; overdue after 135 days without a new file" in tiktok
    ncmec = health_row(site, "ncmec_esp")
    assert "on schedule : the next new file is expected by 31 July 2027." in ncmec
    assert "overdue :" not in ncmec and "failing" not in ncmec and "5 December 2026" in ncmec  # not published yet: reached
    assert "no schedule that it keeps, so it is never called overdue." in health_row(site, "x_gtr")
    microsoft = health_row(site, "microsoft_dscr")
    assert "never fetched : the fetch log has no entry for this source yet." in microsoft
    youtube = health_row(site, "youtube_cge")
    assert "by hand : transcribed from the publisher's reports, not fetched; Google publishes no file of these figures." in youtube
    assert "never fetched" not in youtube.lower()
    meta = health_row(site, "meta_cser")
    assert "failing since 3 December 2026: HTTP 500 Internal Server Error." in meta
    assert meta.count("3 December 2026") == 2  # failing since, and its last success: that night's other file
    discord = health_row(site, "discord_transparency")
    assert "failing" not in discord and "5 December 2026 (a new file)" in discord


STALE = ("Figures from Meta CSER (Meta Platforms) may be out of date: fetching its files has failed since 3 December "
         "2026: HTTP 500 Internal Server Error. The figures shown are those read before: the last successful fetch of "
         "one of its files was on 3 December 2026 and the newest edition held is 2025Q4 (hand transcription).")


@pytest.mark.slow
def test_the_stale_notice_is_on_the_sources_section_and_the_platforms_it_covers_only(site):
    sources = page(site, "sources.html")
    assert STALE in text_of(section(sources, "meta_cser"))
    assert sources.count('class="admonition warning pew-stale"') == 1
    for platform in ("facebook", "instagram"):
        html = page(site, f"platforms/{platform}.html")
        assert STALE in text_of(html[:html.index("<h2")]), platform  # before the first section
    expected = {"sources.html", "health.html", "platforms/facebook.html", "platforms/instagram.html"}
    with_notice = {p.relative_to(site).as_posix() for p in pages_of(site) if "pew-stale" in p.read_text(encoding="utf-8")}
    assert with_notice == expected
    assert "pew-stale" not in page(site, "platforms/tiktok.html")


# --- empty records and bad input -----------------------------------------------------------------

def warehouse_of(data: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    warehouse.load(con, data)
    warehouse.run_models(con)
    return con


def test_header_only_records_give_honest_empty_pages_and_an_empty_feed(tmp_path):
    data = copy_data(tmp_path)
    watch.fetches_path(data).write_text(FETCH_HEADER + "\n", encoding="utf-8")
    watch.changes_path(data).unlink()  # an absent file reads as no change, like a header-only one
    con = warehouse_of(data)
    try:
        assert warehouse.run_checks(con) == []
        ctx = Ctx(con)
        env = render.environment()
        docs = tmp_path / "docs"
        site_info = {"site_url": "", "data_date": "2026-11-24", "site_name": "Platform Enforcement Watch", "pages": {}}
        pages = changes.build(ctx) + health.build(ctx)
        for p in pages:
            render.render_markdown(p, docs, env, site_info)
        assert "**No change has been recorded yet.**" in (docs / "changes.md").read_text(encoding="utf-8")
        text = (docs / "health.md").read_text(encoding="utf-8")
        assert "**No fetch has been recorded yet**" in text and "never fetched" in text
        assert "pew-state-overdue" not in text and "pew-state-failing" not in text and "pew-state-never-fetched" in text
        assert not health.stale_notices(ctx, platform_id="facebook")
        tree = ET.fromstring(feed.write(pages, docs, site_info, "Platform Enforcement Watch").read_bytes())
        assert tree.findall(f"{ATOM}entry") == [] and tree.findtext(f"{ATOM}updated") == "2026-11-24T00:00:00+00:00"
    finally:
        con.close()


@pytest.fixture
def bad_data(tmp_path):
    return write_watch_data(copy_data(tmp_path)), tmp_path / "build"


def test_a_bad_changes_file_stops_the_build_naming_file_line_and_expected(bad_data):
    data, build_dir = bad_data
    lines = CHANGES.splitlines()
    lines[2] = lines[2].replace(",revised_figures,71,", ",new_edition,71,")
    lines[3] = lines[3].replace(",174,5,", ",N/A,5,")
    lines[4] = lines[4].replace(",315,25,", ",315,400,")
    watch.changes_path(data).write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BuildError) as err:
        build(data_dir=data, build_dir=build_dir, console=quiet())
    msg = str(err.value)
    assert "data/changes.csv | line 3 | unknown kind 'new_edition'; expected one of new_release, revised_figures" in msg
    assert "data/changes.csv | line 4 | count 'N/A' is not a whole number, 0 or more; expected a whole number, 0 or more" in msg
    assert "data/changes.csv | line 5 | child_safety '400' is not a whole number from 0 to the count 315; expected at most the count" in msg
    assert not (build_dir / "site").exists()


@pytest.mark.parametrize(("old", "new", "needle"), [
    ("2026-12-05,tiktok_cge,", "5 Dec 2026,tiktok_cge,", "line 4 | date '5 Dec 2026' is not a date; expected the night as YYYY-MM-DD"),
    ("2026-12-05,tiktok_cge,", "2026-12-05,tiktok,", "line 4 | unknown source id 'tiktok'"),
    (",source_unreachable,2,", ",source_unreachable,-2,", "line 6 | count '-2' is not a whole number, 0 or more"),
    (",https://discord.com/safety-transparency-reports", ",javascript:alert(1)", "line 5 | link 'javascript:alert(1)' is not an http"),
])
def test_each_bad_value_of_the_changes_is_named(bad_data, old, new, needle):
    data, _ = bad_data
    path = watch.changes_path(data)
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    con = warehouse_of(data)
    try:
        report = warehouse.format_failures(warehouse.run_checks(con))
    finally:
        con.close()
    assert f"data/changes.csv | {needle}" in report, report


def test_a_record_with_too_many_fields_names_its_line(bad_data):
    data, build_dir = bad_data
    path = watch.changes_path(data)
    path.write_text(path.read_text(encoding="utf-8").replace("The server answered 500", "The server, answered 500"),
                    encoding="utf-8")
    with pytest.raises(InputError) as err:
        build(data_dir=data, build_dir=build_dir, console=quiet())
    assert str(err.value).startswith("data/changes.csv, line 6: 9 fields where 8 are expected")
    assert "quote a field that contains a comma" in str(err.value)


def test_a_bad_fetch_log_stops_the_build_naming_file_line_and_expected(bad_data):
    data, build_dir = bad_data
    path = watch.fetches_path(data)
    text = path.read_text(encoding="utf-8")
    text = text.replace(",304,unchanged,,cc,10,,,text/csv,2026-08-01\n", ",304,skipped,,cc,10,,,text/csv,2026-08-01\n", 1)
    text = text.replace("2026-12-05T02:00:01Z,tiktok_cge", "2026-12-05 02:00,tiktok_cge")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BuildError) as err:
        build(data_dir=data, build_dir=build_dir, console=quiet())
    msg = str(err.value)
    assert ("data/catalog/fetches.csv | line 5 | unknown outcome 'skipped'; expected one of changed, failed, new, "
            "not_published, unchanged") in msg
    assert "data/catalog/fetches.csv | line 11 | fetched_at '2026-12-05 02:00' is not a UTC time; expected " \
           "YYYY-MM-DDTHH:MM:SSZ" in msg


def test_a_cadence_missing_from_the_map_is_named(bad_data):
    data, _ = bad_data
    path = data / "taxonomy" / "cadences.csv"
    path.write_text("".join(ln for ln in path.read_text(encoding="utf-8").splitlines(keepends=True)
                            if not ln.startswith("quarterly,")), encoding="utf-8")
    con = warehouse_of(data)
    try:
        report = warehouse.format_failures(warehouse.run_checks(con))
    finally:
        con.close()
    assert ("data/catalog/sources.yaml | source meta_cser | cadence 'quarterly' is not in data/taxonomy/cadences.csv"
            in report), report


def test_a_folder_in_the_archive_that_is_not_a_date_stops_the_build(bad_data):
    data, _ = bad_data
    (data / "archive" / "latest").mkdir()
    with pytest.raises(InputError, match=r"archive/latest: not a dated snapshot folder; expected archive/YYYY-MM-DD/"):
        watch.archive_files(data)
