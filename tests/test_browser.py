"""The built site in headless Chromium (Debian's /usr/bin/chromium driven by Playwright), served
from 127.0.0.1: every page loads without console errors or off-site requests, charts and tables
show, axe-core finds nothing serious or critical in the light and the dark scheme, nothing scrolls
sideways at 375 px, search works offline, and text from sources stays inert text.

Locally these tests skip when Chromium is missing; with CI=true they fail instead. Artefacts
(axe JSON, screenshots) go to test-artifacts/browser/."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from browser_support import (
    CHART_WIDTHS,
    COLOUR_RULES,
    DESKTOP,
    FIGURES_JS,
    OVERFLOW_JS,
    PHONE,
    SVG_TEXT_JS,
    Events,
    artifact_dir,
    axe_failures,
    axe_script,
    block_off_site,
    describe_violation,
    group_by_rule,
    serve,
    site_pages,
    sweep,
)
from conftest import REPO, quiet

pytestmark = pytest.mark.browser


def listing(problems: dict[str, list[str]] | list[str], limit: int = 200) -> str:
    """Problems as indented lines; a dict maps one problem to every page that has it."""
    if isinstance(problems, dict):
        return "\n".join(f"  {key}\n    on {len(pages)} page(s): {', '.join(pages)}" for key, pages in problems.items())
    return "\n".join(f"  {p}" for p in problems[:limit]) + (f"\n  (+{len(problems) - limit} more)" if len(problems) > limit else "")


# --- fixtures ---------------------------------------------------------------------------------

# `browser` (one headless Chromium for the whole session) is in conftest.py: Playwright's sync
# API allows one instance per process, and tests/test_navigation.py uses it too.


@pytest.fixture(scope="session")
def site(browser, request):
    """(base URL, pages) of the committed data's build, served on 127.0.0.1. PEW_BROWSER_SITE=dir
    points the tests at an existing site instead (quicker when working on CSS locally)."""
    existing = os.environ.get("PEW_BROWSER_SITE")
    root = Path(existing) if existing else request.getfixturevalue("built_site") / "site"
    with serve(root) as base:
        yield base, site_pages(root)


def new_context(browser, **kw):
    """A browser context that aborts and records every request that would leave 127.0.0.1."""
    ctx = browser.new_context(**{"viewport": DESKTOP, **kw})
    ctx.offsite = []
    block_off_site(ctx, ctx.offsite)
    return ctx


@pytest.fixture(scope="session")
def swept(browser, site):
    """Every page visited once; see browser_support.sweep."""
    base, pages = site
    axe_dir = artifact_dir("axe")
    for old in axe_dir.glob("*.json"):
        old.unlink()
    ctx = new_context(browser, color_scheme="light")
    try:
        reports = sweep(ctx, base, pages, axe_dir)
    finally:
        ctx.close()
    assert reports, "no pages found in the built site"
    return reports


# --- every page -------------------------------------------------------------------------------

def test_every_page_was_checked(swept, site):
    _, pages = site
    assert {"index.html", "sources.html", "methodology.html", "revisions.html", "coverage.html"} <= set(pages)
    assert any(p.startswith("topics/") for p in pages) and any(p.startswith("platforms/") for p in pages)
    broken = [f"{p}: {r.error}" for p, r in swept.items() if r.error]
    assert not broken, "the sweep could not finish these pages:\n" + listing(broken)


def test_pages_load_without_console_errors_or_off_site_requests(swept):
    bad = [f"{page}: {kind}: " + " | ".join(items[:5]) + (f" (+{len(items) - 5} more)" if len(items) > 5 else "")
           for page, r in swept.items() for kind, items in r.events.items()]
    assert not bad, "pages with problems while loading:\n" + listing(bad)


def test_charts_load_and_tables_are_visible(swept):
    bad = []
    charts = tables = 0
    for page, r in swept.items():
        f = r.figures
        for c in f.get("charts", []):
            charts += 1
            if c["naturalWidth"] <= 0:
                bad.append(f"{page}: chart {c['src']} did not load (naturalWidth 0)")
            elif not c["visible"]:
                bad.append(f"{page}: chart {c['src']} is not visible")
            if not c["alt"].strip():
                bad.append(f"{page}: chart {c['src']} has no alt text")
        for fig in f.get("figures", []):
            if not fig["table"]:
                bad.append(f"{page}: figure #{fig['id']} has no data table")
            elif not fig["tableVisible"]:
                bad.append(f"{page}: the data table of figure #{fig['id']} is not visible")
        for t in f.get("tables", []):
            tables += 1
            if not t["visible"]:
                bad.append(f"{page}: table {t['index']} ({'figure #' + t['figure'] if t['figure'] else 'in text'}) is not visible")
    assert not bad, "charts or tables that do not show:\n" + listing(bad)
    assert charts >= 20 and tables >= charts, (charts, tables)


def test_no_serious_or_critical_accessibility_violations(swept):
    """axe-core's default rules on every page in the light scheme; its colour rules on every page
    that shows a text style no earlier page showed (PEW_AXE_ALL=1: on every page). Full results
    in test-artifacts/browser/axe/."""
    failing = group_by_rule(swept, "light")
    missing = [p for p, r in swept.items() if "light" not in r.axe and not r.error]
    assert not missing, "axe did not run on:\n" + listing(missing)
    assert "index.html" in swept and "light" in swept["index.html"].colour_checked
    assert not failing, ("axe-core violations of impact serious/critical (light scheme; results in "
                         "test-artifacts/browser/axe/):\n" + listing(failing))


def test_colours_pass_contrast_in_dark_mode(swept):
    """The pages in Material's 'slate' scheme (what the palette toggle switches to). axe's colour
    rules run on every page that shows a text style (colour, background, size, weight, link
    styling) that no earlier page showed, which covers every style on the site."""
    same_bg = [p for p, r in swept.items() if "dark" in r.scheme_bg and r.scheme_bg["dark"] == r.scheme_bg.get("light")]
    assert not same_bg, "switching to slate did not change the background on:\n" + listing(same_bg)
    missing = [p for p, r in swept.items() if r.new_styles.get("dark") and "dark" not in r.axe and not r.error]
    assert not missing, "axe (dark) did not run on:\n" + listing(missing)
    assert sum("dark" in r.axe for r in swept.values()) >= 3
    failing = group_by_rule(swept, "dark")
    assert not failing, f"{'/'.join(COLOUR_RULES)} violations in dark mode:\n" + listing(failing)


def test_nothing_scrolls_sideways_at_375px(swept):
    bad = []
    for page, r in swept.items():
        ph = r.phone
        if not ph:
            continue
        vw = ph["viewport"]
        if ph["html"] > vw or ph["body"] > vw:
            bad.append(f"{page}: page is {ph['html']} px (body {ph['body']} px) wide at {vw} px; sticking out: "
                       + ", ".join(ph["sticking"][:5]))
        for i, w in enumerate(ph["wraps"]):
            if w["overflowX"] not in ("auto", "scroll"):
                bad.append(f"{page}: .pew-table-wrap #{i} has overflow-x {w['overflowX']}, not auto")
            if w["right"] > vw + 1:
                bad.append(f"{page}: .pew-table-wrap #{i} ends at {w['right']:.0f} px, beyond the {vw} px viewport")
        for t in ph["tables"]:
            if not t["container"] or (t["containerRight"] or 0) > vw + 1:
                bad.append(f"{page}: wide {t['table']} is not inside a scroll container that fits ({t})")
    assert not bad, f"sideways scrolling at {PHONE['width']} px:\n" + listing(bad)


def chart_fit_problems(page: str, fit: dict, label: str) -> list[str]:
    """What is wrong with the charts measured by CHART_FIT_JS at one width: a chart not shown
    exactly once, not loaded, beyond its column or the viewport, squashed, or a page that scrolls
    sideways."""
    bad, vw = [], fit["viewport"]
    if fit["html"] > vw or fit["body"] > vw:
        bad.append(f"{page} at {label}: the page is {fit['html']} px wide (viewport {vw} px)")
    for c in fit["charts"]:
        where = f"{page} at {label}: chart #{c['figure']}"
        if c["shown"] != 1:
            bad.append(f"{where}: {c['shown']} renditions shown, not 1")
            continue
        if not c["naturalWidth"] or not c["naturalHeight"]:
            bad.append(f"{where}: {c['src']} did not load")
            continue
        if c["right"] > c["colRight"] + 0.5 or c["left"] < c["colLeft"] - 0.5 or c["right"] > vw:
            bad.append(f"{where}: {c['src']} spans {c['left']:.0f}..{c['right']:.0f} px, its column "
                       f"{c['colLeft']:.0f}..{c['colRight']:.0f} px (viewport {vw} px)")
        natural, shown = c["naturalWidth"] / c["naturalHeight"], c["width"] / max(c["height"], 1)
        if abs(shown / natural - 1) > 0.02:
            bad.append(f"{where}: {c['src']} drawn {c['width']:.0f}x{c['height']:.0f}, its aspect is "
                       f"{c['naturalWidth']}x{c['naturalHeight']}")
        if c["width"] < min(c["naturalWidth"], c["colRight"] - c["colLeft"]) - 1:
            bad.append(f"{where}: {c['src']} drawn {c['width']:.0f} px wide, narrower than it can be")
    return bad


def test_charts_fit_their_column_at_every_width(swept):
    """Every chart on every page, at 375, 768, 1280 and 1440 px (and at 1280 px in the dark
    scheme): shown once (the rendition of the scheme and width), loaded, inside its content
    column and the viewport, at its natural aspect, and as wide as it can be; no page scrolls
    sideways. Chart widths per viewport go to test-artifacts/browser/chart-widths.json."""
    bad, widths = [], {}
    for page, r in swept.items():
        for width, fit in r.chart_fit.items():
            bad += chart_fit_problems(page, fit, f"{width} px")
            for c in fit["charts"]:
                widths.setdefault(str(width), []).append(round(c["width"]))
        if r.chart_fit_dark:
            bad += chart_fit_problems(page, r.chart_fit_dark, "1280 px (dark)")
            bad += [f"{page}: dark chart #{c['figure']} is the light rendition ({c['src']})"
                    for c in r.chart_fit_dark["charts"] if c["src"] and ".dark." not in c["src"]]
    measured = sum(len(f["charts"]) for r in swept.values() for f in r.chart_fit.values())
    assert measured >= 20 * len(CHART_WIDTHS), measured
    summary = {w: {"charts": len(v), "min": min(v), "max": max(v)} for w, v in widths.items() if v}
    (artifact_dir() / "chart-widths.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    assert not bad, "charts that do not fit or read:\n" + listing(bad)


def test_no_chart_text_is_clipped(browser, site, swept):
    """Every chart file a figure shows or offers (both schemes, wide and narrow, the download SVG):
    no text element reaches outside the SVG's viewBox (measured with the browser's text layout),
    and the charts shown on pages carry no title of their own (the caption is the title)."""
    base, _ = site
    title_of = {u: t for r in swept.values() for f in r.chart_fit.values() for u, t in f["files"].items()}
    files = sorted(title_of)
    assert len(files) >= 100, len(files)
    shown = {u for u in files if re.search(r"\.(light|dark|narrow-light|narrow-dark)\.svg$", u)}
    ctx = new_context(browser)
    try:
        page = ctx.new_page()
        page.goto(base + "index.html")
        clipped, titles = {}, {}
        for i in range(0, len(files), 60):
            got = page.evaluate(SVG_TEXT_JS, files[i:i + 60])
            clipped.update(got["clipped"])
            titles.update(got["titles"])
    finally:
        ctx.close()
    # a rendition on the page lacks the title its download carries (the chart function's title,
    # which may differ from the figure's caption) and the caption's; panel headings stay
    download = {u: re.sub(r"\.(light|dark|narrow-light|narrow-dark)\.svg$", ".svg", u) for u in shown}
    titled = [u for u in shown if title_of[u].strip() in titles[u]
              or (download[u] in titles and not set(titles[download[u]]) - set(titles[u]))]
    untitled = [u for u in set(files) - shown if not titles.get(u)]
    assert not untitled, "download SVGs without a title:\n" + listing(untitled)
    assert not titled, "charts shown on pages with a title of their own:\n" + listing(titled)
    bad = [f"{u.removeprefix(base)}: {'; '.join(t[:3])}" for u, t in clipped.items()]
    assert not bad, "chart text outside the SVG:\n" + listing(bad)


# --- dark scheme, search, focus, screenshots -----------------------------------------------------

def test_system_dark_mode_and_the_toggle_select_the_slate_scheme(browser, site):
    base, _ = site
    ctx = new_context(browser, color_scheme="dark")
    try:
        page = ctx.new_page()
        ev = Events().attach(page)
        page.goto(base + "index.html")
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
        axe = axe_script()
        page.evaluate(axe)
        res = page.evaluate("o => axe.run(document, o)", {"runOnly": {"type": "rule", "values": COLOUR_RULES}})
        assert not axe_failures(res), [describe_violation(v) for v in axe_failures(res)]
        # the header toggle switches back to light and forth to dark
        page.locator("label.md-header__button[for^='__palette']:visible").first.click()
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "default"
        page.locator("label.md-header__button[for^='__palette']:visible").first.click()
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
        assert not ev.take() and not ctx.offsite
    finally:
        ctx.close()


def search(ctx, base: str, query: str):
    """Open the home page in a new tab of ``ctx``, type ``query`` into Material's search box and
    wait for the first result; returns the tab, its recorded events and the result items."""
    page = ctx.new_page()
    ev = Events().attach(page)
    page.goto(base + "index.html")
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query, delay=20)
    items = page.locator(".md-search-result__item")
    items.first.wait_for(state="visible", timeout=30_000)
    return page, ev, items


def test_search_finds_pages_without_the_network(browser, site):
    base, _ = site
    ctx = new_context(browser)
    try:
        page, ev, items = search(ctx, base, "revisions")
        meta = page.locator(".md-search-result__meta").inner_text()
        assert re.search(r"\d+ matching document", meta), meta
        hrefs = items.locator("a").evaluate_all("els => els.map(a => a.href)")
        assert hrefs and all(h.startswith(base) for h in hrefs), hrefs
        assert any("revisions.html" in h for h in hrefs), hrefs
        page.screenshot(path=str(artifact_dir("screenshots") / "search-results-1280.png"))
        items.first.locator("a").first.click()
        page.wait_for_load_state("load")
        assert page.url.startswith(base)
        events = ev.take()
        assert not events and not ctx.offsite, (events, ctx.offsite)
    finally:
        ctx.close()


def test_keyboard_focus_is_visible(browser, site):
    """Tabbing through a topic page: every focused element shows an outline or a shadow."""
    base, pages = site
    topic = next(p for p in pages if p.startswith("topics/"))
    ctx = new_context(browser)
    try:
        page = ctx.new_page()
        page.goto(base + topic)
        seen, invisible, in_content = set(), [], 0
        for _ in range(150):
            page.keyboard.press("Tab")
            info = page.evaluate("""() => { const el = document.activeElement; if (!el || el === document.body) return null;
                // a visually hidden radio (Material's palette toggle) shows its focus on the next label
                const next = el.nextElementSibling;
                const shown = el.matches('input.md-option') && next && next.tagName === 'LABEL' ? next : el;
                const s = getComputedStyle(shown); return {el: el.outerHTML.slice(0, 120), outline: s.outlineStyle,
                width: parseFloat(s.outlineWidth), shadow: s.boxShadow, content: !!el.closest('.md-content')}; }""")
            if not info or info["el"] in seen:
                continue
            seen.add(info["el"])
            in_content += info["content"]
            if (info["outline"] == "none" or info["width"] == 0) and info["shadow"] in ("none", ""):
                invisible.append(info["el"])
            if in_content >= 40:
                break
        wrap = page.locator(".pew-table-wrap").first
        wrap.evaluate("el => { const d = el.closest('details'); if (d) d.open = true; }")  # a folded data table
        wrap.focus()
        outline = wrap.evaluate("el => [getComputedStyle(el).outlineStyle, getComputedStyle(el).outlineWidth]")
        assert outline[0] != "none" and outline[1] != "0px", outline
        assert in_content >= 10, f"only {in_content} focusable elements reached in the content"
        assert not invisible, f"{topic}: focused elements without a visible focus indicator:\n" + listing(invisible)
    finally:
        ctx.close()


SHOTS = [("index.html", "home"), ("topics/child-sexual-exploitation.html", "topic"), ("platforms/facebook.html", "platform")]


@pytest.mark.parametrize("width", [DESKTOP["width"], PHONE["width"]])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots(browser, site, width, scheme):
    """Screenshots for a person to look at (test-artifacts/browser/screenshots/); also re-checks,
    on a fresh load at this width, that nothing scrolls sideways and the first chart shows."""
    base, pages = site
    out = artifact_dir("screenshots")
    ctx = new_context(browser, viewport={"width": width, "height": 900 if width > 600 else 812}, color_scheme=scheme)
    problems = []
    try:
        for page_path, name in SHOTS:
            if page_path not in pages:
                continue
            page = ctx.new_page()
            ev = Events().attach(page)
            page.goto(base + page_path)
            page.screenshot(path=str(out / f"{name}-{width}-{scheme}.png"))
            page.evaluate(FIGURES_JS)
            fig = page.locator("figure.pew-figure:has(img.pew-chart)").first
            if fig.count():
                fig.evaluate("el => { el.scrollIntoView({block: 'start'}); window.scrollBy(0, -64); }")  # below the header
                page.wait_for_timeout(600)  # let Material's header finish swapping in the page title
                page.screenshot(path=str(out / f"{name}-{width}-{scheme}-figure.png"))
            ph = page.evaluate(OVERFLOW_JS)
            if ph["html"] > ph["viewport"] or ph["body"] > ph["viewport"]:
                problems.append(f"{page_path}: {ph['html']} px wide at {ph['viewport']} px: {ph['sticking'][:5]}")
            events = ev.take()
            if events:
                problems.append(f"{page_path}: {events}")
            page.close()
        assert not problems and not ctx.offsite, (problems, ctx.offsite)
    finally:
        ctx.close()


# --- text from sources stays text -------------------------------------------------------------

SCRIPT_TITLE = 'CCDH <script>alert(1)</script> <img src=x onerror="alert(2)">'
LABEL = "antisemitic hate (reported via in-platform user reporting tools)"


@pytest.fixture(scope="module")
def injected_site(built_site, tmp_path_factory):
    """A build of a copy of the committed data in which a curated observation's source title and
    policy label carry markup (as in test_bad_input.py::test_script_in_source_text_is_inert)."""
    from site_builder.pipeline import build

    tmp = tmp_path_factory.mktemp("injected")
    data = tmp / "data"
    shutil.copytree(REPO / "data", data)
    build_dir = tmp / "build"
    shutil.copytree(built_site, build_dir)  # reuse the chart cache
    obs = data / "observations" / "curated" / "independent_tests.csv"
    text = obs.read_text(encoding="utf-8")
    old = 'CCDH, ""Failure to Protect"" (antisemitism)'
    assert old in text
    text = text.replace(old, SCRIPT_TITLE.replace('"', '""'), 200)
    assert f",{LABEL}," in text
    text = text.replace(f",{LABEL},", f",<b>{LABEL}</b>,", 200)
    obs.write_text(text, encoding="utf-8")
    labels = data / "taxonomy" / "policy_labels" / "independent_tests.csv"
    labels.write_text(labels.read_text(encoding="utf-8") + f"<b>{LABEL}</b>,antisemitic_hate,hate_speech\n", encoding="utf-8")
    return build(data_dir=data, build_dir=build_dir, console=quiet())


INERT_JS = """([title, label]) => {
  const visibleText = needle => { const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let n, found = 0, visible = 0;
    while ((n = w.nextNode())) { if (n.nodeValue.includes(needle)) { found++;
      const el = n.parentElement, r = el.getBoundingClientRect();
      if (r.width > 0 && r.height > 0 && el.checkVisibility({visibilityProperty: true})) visible++; } }
    return {found, visible}; };
  return {
    img: document.querySelectorAll('img[src="x"], img[onerror]').length,
    onerror: document.querySelectorAll('[onerror]').length,
    scripts: [...document.scripts].filter(s => s.textContent.includes('alert(')).length,
    bold: [...document.querySelectorAll('b')].filter(b => b.textContent.includes('antisemitic')).length,
    title: visibleText(title), label: visibleText('<b>' + label + '</b>'),
  };
}"""


def test_markup_in_source_text_renders_as_inert_text(browser, injected_site):
    pages = [p.relative_to(injected_site).as_posix() for p in sorted(injected_site.rglob("*.html"))
             if "&lt;script&gt;alert(1)" in p.read_text(encoding="utf-8")]
    assert pages, "the injected source title appears on no page"
    with serve(injected_site) as base:
        ctx = new_context(browser)
        try:
            bad, label_shown = [], False
            for path in pages:
                page = ctx.new_page()
                ev = Events().attach(page)
                page.goto(base + path)
                page.evaluate(FIGURES_JS)  # scroll through the page so lazy content loads
                page.wait_for_timeout(200)
                got = page.evaluate(INERT_JS, [SCRIPT_TITLE, LABEL])
                events = ev.take()
                if events.get("dialogs"):
                    bad.append(f"{path}: a dialog fired: {events['dialogs']}")
                if got["img"] or got["onerror"] or got["scripts"] or got["bold"]:
                    bad.append(f"{path}: injected markup became elements: {got}")
                if not got["title"]["visible"]:
                    bad.append(f"{path}: the source title is not visible as text: {got['title']}")
                label_shown |= got["label"]["visible"] > 0
                if path == pages[0]:
                    page.screenshot(path=str(artifact_dir("screenshots") / "injected-source-text.png"))
                    page.get_by_text("CCDH <script>", exact=False).first.evaluate("el => el.scrollIntoView({block: 'center'})")
                    page.wait_for_timeout(600)
                    page.screenshot(path=str(artifact_dir("screenshots") / "injected-source-text-in-view.png"))
                page.close()
            assert label_shown, "the injected policy label is not visible as text on any page"
            # Material's search renders results from the index, which holds the same text
            page, ev, _ = search(ctx, base, "CCDH")
            page.wait_for_timeout(500)
            got = page.evaluate(INERT_JS, [SCRIPT_TITLE, LABEL])
            if ev.take().get("dialogs") or got["img"] or got["onerror"] or got["scripts"]:
                bad.append(f"search results for CCDH: injected markup became elements: {got}")
            assert not ctx.offsite, ctx.offsite
            assert not bad, "\n".join(bad)
        finally:
            ctx.close()
