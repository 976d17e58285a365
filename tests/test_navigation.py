"""Navigation that scales and revisions a reporter can filter (issue 9, items 7 and 8).

Unit tests: the sidebar built from the pages' sections, where a platform link goes, and the
check that refuses an unknown value in data/taxonomy/platforms.csv. On a full build: the All
platforms page and the shared page, every internal link and anchor of the site, NCMEC as a
source only, the rule behind 'major', the Revisions page's order and its list of checkable
sources; in headless Chromium: sorting the index and the first screen at 1280x800 and 375x700."""

from __future__ import annotations

import csv
import json
import re
import shutil
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import duckdb
import pytest

from conftest import REPO
from site_builder import warehouse
from site_builder.pages.common import OWN_PAGE_MIN_FIGURES, Page, platform_href
from site_builder.pipeline import make_nav


def page(path: str, nav: str, title: str = "") -> Page:
    return Page(path=path, title=title or path, template="t", nav=nav)


# --- unit: sidebar, links, check -------------------------------------------------------------

def test_the_sidebar_puts_the_data_pages_at_the_top_and_leaves_out_pages_not_in_a_section():
    pages = [page("index.md", "", "Home"), page("say-vs-do.md", "", "Say vs do"),
             page("topics/a.md", "Topics", "A"), page("platforms/x.md", "Platforms", "X"),
             page("platforms/small.md", "none", "Small"), page("platforms/index.md", "Platforms", "All platforms"),
             page("platforms/other-providers.md", "none", "Other providers"),
             page("revisions.md", "Revisions", "Revisions"), page("sources.md", "About the data", "Sources"),
             page("methodology.md", "About the data", "Methodology"), page("downloads.md", "About the data", "Downloads")]
    nav = make_nav(pages)
    assert nav == [{"Home": "index.md"}, {"Say vs do": "say-vs-do.md"}, {"Revisions": "revisions.md"},
                   {"Sources": "sources.md"}, {"Methodology": "methodology.md"}, {"Downloads": "downloads.md"},
                   {"Topics": [{"A": "topics/a.md"}]},
                   {"Platforms": [{"X": "platforms/x.md"}, {"All platforms": "platforms/index.md"}]}]
    assert "platforms/small.md" not in json.dumps(nav)


class FakeCtx:
    """Enough of Ctx for platform_href: the platform_places query."""

    def __init__(self, places: dict[str, int]) -> None:
        self.places = places
        self.calls = 0

    def query(self, name: str, **_: object) -> list[dict]:
        assert name == "platform_places"
        self.calls += 1
        return [{"platform_id": k, "figures": v} for k, v in sorted(self.places.items())]


def test_a_platform_link_goes_to_its_page_or_its_section_on_the_shared_page():
    ctx = FakeCtx({"facebook": 2426, "booking_com": OWN_PAGE_MIN_FIGURES - 1, "bumble": OWN_PAGE_MIN_FIGURES})
    assert platform_href(ctx, "facebook") == "platforms/facebook.html"
    assert platform_href(ctx, "facebook", "../", md=True) == "../platforms/facebook.md"
    assert platform_href(ctx, "bumble") == "platforms/bumble.html"
    assert platform_href(ctx, "booking_com", "../") == "../platforms/other-providers.html#booking-com"
    # no place: NCMEC (a clearinghouse, left out of platform_places), an aggregate, an unknown id
    assert platform_href(ctx, "ncmec") == platform_href(ctx, "aggregate") == platform_href(ctx, None) == ""
    assert ctx.calls == 1  # read once per build


def _checks(data: Path) -> list[warehouse.CheckFailure]:
    con = duckdb.connect()
    warehouse.load(con, data)
    warehouse.run_models(con)
    return warehouse.run_checks(con)


@pytest.mark.parametrize(("old", "new", "problem"), [
    (",platform,Meta,yes\n", ",platform,Meta,maybe\n", "major is 'maybe'; expected yes or no"),
    ("ncmec,NCMEC,clearinghouse,NCMEC,no\n", "ncmec,NCMEC,clearinghouse,NCMEC,yes\n",
     "major is yes for a clearinghouse; expected no"),
    (",platform,Meta,yes\n", ",website,Meta,yes\n", "kind is 'website'; expected platform, company"),
])
def test_a_bad_value_in_platforms_csv_stops_the_build_naming_file_line_and_expected(tmp_path, old, new, problem):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    path = data / "taxonomy" / "platforms.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines) if line.endswith(old))
    lines[n] = lines[n][: -len(old)] + new
    path.write_text("".join(lines), encoding="utf-8")
    rows = [r for f in _checks(data) if f.check == "platforms_valid" for r in f.rows]
    assert rows, "the check did not fail"
    file, locator, text = rows[0]
    assert file == "data/taxonomy/platforms.csv"
    assert locator.startswith(f"line {n + 1} (") and problem in text


# --- on a full build --------------------------------------------------------------------------

class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"] or "")


def parse(path: Path) -> Links:
    p = Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def html(built: Path, name: str) -> str:
    return unescape((built / "site" / name).read_text(encoding="utf-8"))


def test_every_internal_link_and_anchor_of_the_site_resolves(built_site):
    site = built_site / "site"
    pages = {p: parse(p) for p in sorted(site.rglob("*.html"))}
    broken = []
    for path, links in pages.items():
        for href in links.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
                continue
            if not parts.path:
                target = path
            elif parts.path.startswith("/"):  # 404.html links from the site root
                target = (site / unquote(parts.path).lstrip("/")).resolve()
            else:
                target = (path.parent / unquote(parts.path)).resolve()
            if not target.exists():
                broken.append(f"{path.relative_to(site)}: {href} (no such file)")
            elif parts.fragment and target.suffix == ".html" and parts.fragment not in pages[target].ids:
                broken.append(f"{path.relative_to(site)}: {href} (no such anchor)")
    assert not broken, "\n".join(broken[:50])


def _places(built: Path) -> dict[str, tuple[str, int, bool]]:
    con = duckdb.connect(str(built / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT p.platform_id, p.kind, count(s.platform_id), p.major FROM platforms AS p "
                           "LEFT JOIN series AS s ON s.platform_id = p.platform_id AND NOT s.conflict "
                           "GROUP BY ALL ORDER BY ALL").fetchall()
    finally:
        con.close()
    return {pid: (kind, n, major) for pid, kind, n, major in rows}


def test_the_index_lists_every_platform_once_linked_to_its_page_or_section(built_site):
    places = _places(built_site)
    text = (built_site / "site" / "platforms" / "index.html").read_text(encoding="utf-8")
    table = text[text.index('id="all-platforms"'):text.index("</table>", text.index('id="all-platforms"'))]
    assert "<title>All platforms" in text
    heads = re.findall(r"<th scope=\"col\"[^>]*>", table)
    assert len(heads) >= 8 and sum("aria-sort" in h for h in heads) == 1
    rows = re.findall(r'<tr id="row-([a-z0-9-]+)"><th scope="row"[^>]*><a href="([^"]+)"', table)
    expected = {pid for pid, (kind, n, _) in places.items() if kind in ("platform", "company") and n}
    assert sorted(pid for pid, _ in rows) == sorted(p.replace("_", "-") for p in expected)
    for slug, href in rows:
        href = unescape(href)  # templates write '#' as '&#35;'
        pid = slug.replace("-", "_")  # ids use underscores, never hyphens
        own = places[pid][1] >= OWN_PAGE_MIN_FIGURES
        assert href == (f"../platforms/{slug}.html" if own else f"../platforms/other-providers.html#{slug}"), (slug, href)
        assert (built_site / "site" / "platforms" / (f"{slug}.html" if own else "other-providers.html")).exists()
    # the default order: sidebar platforms first, then own pages, then the shared page; by name within
    groups = re.findall(r'<td class="pew-group" data-sort="([123])">', table)
    assert groups == sorted(groups) and groups[0] == "1" and groups[-1] == "3"


def test_small_providers_have_a_section_on_the_shared_page_not_a_page(built_site):
    site = built_site / "site"
    shared = parse(site / "platforms" / "other-providers.html")
    for pid, (kind, n, _) in _places(built_site).items():
        slug = pid.replace("_", "-")
        if kind in ("platform", "company") and 0 < n < OWN_PAGE_MIN_FIGURES:
            assert not (site / "platforms" / f"{slug}.html").exists(), pid
            assert slug in shared.ids, pid
        elif kind in ("platform", "company") and n:
            assert (site / "platforms" / f"{slug}.html").exists(), pid


def test_ncmec_is_a_source_not_a_platform(built_site):
    site = built_site / "site"
    assert not (site / "platforms" / "ncmec.html").exists()
    nav = json.loads((built_site / "last-build.json").read_text())["nav"]
    assert "platforms/ncmec.md" not in json.dumps(nav)
    assert 'id="row-ncmec"' not in (site / "platforms" / "index.html").read_text(encoding="utf-8")
    assert 'id="ncmec_esp"' in (site / "sources.html").read_text(encoding="utf-8")


def test_the_sidebar_is_short_and_lists_the_major_platforms(built_site):
    nav = json.loads((built_site / "last-build.json").read_text())["nav"]
    top = [next(iter(item)) for item in nav]
    assert top[:2] == ["Home", "Say vs do"]
    for name in ("Revisions", "Sources", "Methodology", "Downloads"):
        assert name in top, name  # top level: on the first screen, and in the phone drawer
    platforms = next(item["Platforms"] for item in nav if "Platforms" in item)
    assert platforms[-1] == {"All platforms": "platforms/index.md"}
    listed = {path for item in platforms for path in item.values()}
    majors = {f"platforms/{pid.replace('_', '-')}.md" for pid, (_, n, major) in _places(built_site).items()
              if major and n >= OWN_PAGE_MIN_FIGURES}
    assert listed - {"platforms/index.md"} == majors and 8 <= len(majors) <= 20


def test_major_follows_its_documented_rule(built_site):
    """'major': own transparency reporting (own report, or Diaphanous' compilation of its
    disclosures) gives this site 30 figures or more (taxonomy.py; the All platforms page)."""
    con = duckdb.connect(str(built_site / "warehouse.duckdb"), read_only=True)
    try:
        own = dict(con.execute(
            "SELECT s.platform_id, count(*) FROM series AS s JOIN sources AS src USING (source_id) "
            "WHERE NOT s.conflict AND (src.kind = 'platform_report' OR s.source_id = 'diaphanous') "
            "GROUP BY ALL ORDER BY ALL").fetchall())
    finally:
        con.close()
    with (REPO / "data" / "taxonomy" / "platforms.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    wrong = [(r["platform_id"], r["major"], own.get(r["platform_id"], 0)) for r in rows
             if r["kind"] in ("platform", "company") and (r["major"] == "yes") != (own.get(r["platform_id"], 0) >= 30)]
    assert not wrong, f"update the major column of data/taxonomy/platforms.csv: {wrong}"


def test_revisions_lead_with_child_safety_then_the_focus_areas(built_site):
    text = html(built_site, "revisions.html")
    order = [text.index(f'id="{a}"') for a in ("child-safety", "child-sexual-exploitation", "hate-speech",
                                                 "terrorism-violent-extremism", "bullying-harassment", "other-areas",
                                                 "which-sources-could-be-checked")]
    assert order == sorted(order)
    # each focus area: how many changed, and the largest with both editions' values linked
    for area in ("child-sexual-exploitation", "hate-speech", "terrorism-violent-extremism", "bullying-harassment"):
        section = text[text.index(f'id="{area}"'):]
        section = section[:section.index("<h3", 10)] if "<h3" in section[10:] else section
        assert re.search(r"\d[\d,]* changes?\s+to\s+\d[\d,]*\s+figures?", section), area
        table = section[section.index("Largest changes"):section.index("</table>")]
        assert len(re.findall(r'<a href="[^"]+" title="[^"]*(?:line|page)', table)) >= 2, area


def test_revisions_name_every_source_and_whether_it_could_be_checked(built_site):
    con = duckdb.connect(str(built_site / "warehouse.duckdb"), read_only=True)
    try:
        sources = dict(con.execute("SELECT source_id, title FROM sources ORDER BY 1").fetchall())
        full = dict(con.execute("SELECT source_id, count(*) FROM releases WHERE kind = 'raw' AND snapshot = 'full' "
                                "GROUP BY ALL ORDER BY ALL").fetchall())
    finally:
        con.close()
    text = html(built_site, "revisions.html")
    table = text[text.index('id="which-sources-could-be-checked"'):]
    table = table[:table.index("</table>")]
    for sid in sources:
        row = re.search(rf'<tr>\s*<th scope="row"><a href="sources.html#{sid}">[^<]*</a></th>\s*<td>(yes|no)</td>'
                        r"\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>", table)
        assert row, sid
        assert (row.group(1) == "yes") == (full.get(sid, 0) >= 2), (sid, row.groups())


# --- in the browser ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def chromium_page(browser, built_site):
    """The session's Chromium (conftest.py) and the committed data's build served on 127.0.0.1."""
    from browser_support import serve

    with serve(built_site / "site") as base:
        yield browser, base


@pytest.mark.browser
def test_the_index_sorts_by_a_header_button_and_says_so(chromium_page):
    browser, base = chromium_page
    pg = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        pg.goto(base + "platforms/index.html")
        head = pg.locator("#all-platforms thead th", has_text="Published figures")
        head.locator("button").focus()
        pg.keyboard.press("Enter")
        assert head.get_attribute("aria-sort") == "ascending"
        assert pg.locator("#all-platforms th[aria-sort]").count() == 1
        values = [int(v) for v in pg.locator("#all-platforms tbody td:nth-child(4)").evaluate_all(
            "els => els.map(e => e.dataset.sort)")]
        assert values == sorted(values)
        head.locator("button").click()
        assert head.get_attribute("aria-sort") == "descending"
        values = [int(v) for v in pg.locator("#all-platforms tbody td:nth-child(4)").evaluate_all(
            "els => els.map(e => e.dataset.sort)")]
        assert values == sorted(values, reverse=True)
        assert "Sorted by Published figures, descending" in pg.locator(".pew-sort-status").inner_text()
    finally:
        pg.close()


@pytest.mark.browser
def test_revisions_sources_methodology_and_downloads_are_on_the_first_screen(chromium_page):
    browser, base = chromium_page
    for width, height in ((1280, 800), (375, 700)):
        pg = browser.new_page(viewport={"width": width, "height": height})
        try:
            pg.goto(base + "index.html")
            if width < 1220:  # phones: Material's drawer
                pg.locator(".md-header label[for=__drawer]").click()
                pg.wait_for_timeout(400)
            for name in ("Revisions", "Sources", "Methodology", "Downloads"):
                link = pg.locator("nav.md-nav--primary > ul > li > a.md-nav__link", has_text=name).first
                box = link.bounding_box()
                assert box and link.is_visible() and box["y"] + box["height"] <= height, (width, name, box)
        finally:
            pg.close()
