"""The defects an independent fact-check of the built site found (issue 8), each as a rule
over the whole built site or the rule's unit, so that the same kind of defect cannot come back
on another page or with other data."""

from __future__ import annotations

import csv
import html
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest

from conftest import REPO, SHARED_RAW, need_shared
from site_builder import docref, fmt
from site_builder.findings import Fact, Writer, growth, plain_label
from site_builder.pages.claims import said_by


def _texts(site: Path) -> dict[str, str]:
    """Page -> its visible text (tags dropped, entities decoded)."""
    out = {}
    for page in sorted((site / "site").rglob("*.html")):
        if "assets" in page.parts or "search" in page.parts:
            continue
        raw = page.read_text(encoding="utf-8")
        raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
        out[str(page.relative_to(site / "site"))] = html.unescape(re.sub(r"<[^>]+>", " ", raw))
    return out


@pytest.fixture(scope="module")
def texts(built_site: Path) -> dict[str, str]:
    return _texts(built_site)


@pytest.fixture(scope="module")
def prose(built_site: Path) -> dict[str, list[str]]:
    """Page -> the sentences of its paragraphs and headings (takeaways, titles, quote texts),
    not of its tables and lists."""
    out = {}
    for page in sorted((built_site / "site").rglob("*.html")):
        if "assets" in page.parts or "search" in page.parts:
            continue
        raw = page.read_text(encoding="utf-8")
        blocks = re.findall(r"<(p|h[1-4]|figcaption)\b[^>]*>(.*?)</\1>", raw, flags=re.S)
        out[str(page.relative_to(built_site / "site"))] = [
            s for _, b in blocks for s in _sentences(html.unescape(re.sub(r"<[^>]+>", " ", b)))]
    return out


@pytest.fixture(scope="module")
def con(built_site: Path):
    c = duckdb.connect(str(built_site / "warehouse.duckdb"), read_only=True)
    yield c
    c.close()


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.;])\s+(?=[A-Z])", " ".join(text.split())) if s.strip()]


# --- A1, A2: reconciliation compares only sides known to count the same thing -------------

def test_discord_and_github_gaps_are_not_counted_as_gaps(con):
    rows = con.execute("SELECT platform_id, year, like_for_like, counted_in_total FROM reconciliation "
                       "WHERE platform_id IN ('discord', 'github') ORDER BY ALL").fetchall()
    assert rows, "Discord and GitHub disclose reports to NCMEC and are compared"
    for pid, year, like, counted in rows:
        if pid == "discord" or year >= 2023:
            assert not like and not counted, (pid, year)


def test_no_largest_gap_names_a_row_that_is_not_like_for_like(con, texts):
    not_like = {name for (name,) in con.execute(
        "SELECT DISTINCT p.name FROM reconciliation r JOIN platforms p USING (platform_id) WHERE NOT r.like_for_like").fetchall()}
    for page, text in texts.items():
        for m in re.finditer(r"The largest gaps?: ([^.]*)\.", text):
            for name in not_like:
                assert f"{name} said it sent" not in m.group(1), (page, m.group(0))


def test_the_cross_check_says_what_diaphanous_is():
    src = (REPO / "site_builder" / "pages" / "ncmec.py").read_text(encoding="utf-8")
    assert "Diaphanous matched" not in src  # Diaphanous copies NCMEC's lines; it did not match anything


def test_the_diaphanous_repository_is_labelled_a_secondary_compilation():
    ref = docref.resolve("https://github.com/apparebit/diaphanous", title="Diaphanous v0.1")
    assert ref.kind == "compilation" and "secondary" in ref.label
    ref = docref.resolve("https://youtube.googleblog.com/2018/", title="YouTube Official Blog")
    assert ref.kind == "landing" and not ref.number_url


def test_a_blog_year_archive_is_never_a_number_link(texts, built_site):
    for page in (built_site / "site").rglob("*.html"):
        assert 'class="pew-num" href="https://youtube.googleblog.com/2018/"' not in page.read_text(encoding="utf-8")


# --- A3: a series is one series --------------------------------------------------------------

def test_the_longest_series_is_counted_once_per_period(texts, con):
    found = False
    for text in texts.values():
        for m in re.finditer(r"The longest is (.+?)'s '(.+?)' series, (\d+) periods", text):
            found = True
            who, label, n = m.group(1), m.group(2), int(m.group(3))
            rows = con.execute("SELECT period_start, period_end, count(*) FROM series WHERE platform_label = ? AND "
                               "policy_label = ? AND metric_id = 'content_actioned' AND value IS NOT NULL "
                               "GROUP BY ALL", [who, label]).fetchall()
            assert rows, m.group(0)
            assert all(c == 1 for *_, c in rows), m.group(0)  # one value per period: one series
            assert len(rows) == n, (m.group(0), len(rows))
    assert found


def test_the_longest_series_sentence_does_not_name_a_doubled_series(texts):
    page = texts["topics/child-sexual-exploitation.html"]
    assert "Microsoft's 'CSAM' series" not in page


# --- A4: a country's figure says it is the country's ------------------------------------------

def test_every_snapchat_country_figure_in_a_sentence_names_its_country(prose):
    path = REPO / "data" / "observations" / "curated" / "snap_transparency.csv"
    with path.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["geography"] in ("US", "CA") and r["value"]]
    numbers = {fmt.count(float(r["value"])) for r in rows if float(r["value"]) >= 1000}
    checked = 0
    for page, sentences in prose.items():
        for s in sentences:
            if "Snapchat" not in s:
                continue
            hits = [n for n in numbers if re.search(rf"(?<![\d,]){re.escape(n)}(?![\d,])", s)]
            if hits and ("reports" in s or "accounts" in s):
                checked += 1
                assert "Canada" in s or "United States" in s, (page, s)
    assert checked


# --- A5: one period per sentence, one bound word per number -----------------------------------

def test_no_number_carries_its_bound_twice(texts):
    for page, text in texts.items():
        assert not re.search(r"more than [\d,.]+(?: million)? [^.]{0,60}\(more than\)", text), page


def test_plain_label_drops_the_bound_note():
    assert plain_label("videos removed (more than)") == "videos removed"
    assert plain_label("removal rate (approx.)") == "removal rate"
    assert plain_label("accounts actioned") == "accounts actioned"


def test_a_snapshot_title_names_the_period_of_its_bars(prose):
    for s in prose["platforms/youtube.html"]:
        assert not re.search(r"2021Q2[^.]{0,80}120,000", s), s


# --- A6, B11: home page sentences stand alone and count what they say -------------------------

def test_home_counts_changes_and_figures_apart(texts, con):
    n, figures = con.execute(
        "SELECT count(*), count(DISTINCT (platform_label, policy_key, metric_key, period_start, period_end, geo_code)) "
        "FROM revisions WHERE source_id = 'meta_cser'").fetchone()
    assert n > figures
    assert f"Meta made {n:,} changes to {figures:,} figures" in " ".join(texts["index.html"].split())


def test_home_headlines_have_no_dangling_reference(texts):
    home = " ".join(texts["index.html"].split())
    assert "In the same study" not in home
    # the unit is in the sentence and the platform heads its card (issue 9: contrast cards)
    assert re.search(r"X \(formerly Twitter\) · Child sexual exploitation Says: .{0,300}Test found: 22 of 128 accounts", home)


# --- B7: NCMEC's two 2023 lines for X ----------------------------------------------------------

def test_x_ncmec_growth_across_the_two_line_year_is_not_stated_bare(prose, texts):
    for page, sentences in prose.items():
        for s in sentences:
            if "98,050" in s and "870,503" in s:
                assert "X Corp" in s, (page, s)
    assert "ninefold from 98,050" not in texts["platforms/x.html"]


# --- B8: a human-moderation rate is named as one -----------------------------------------------

def test_tiktok_human_moderation_series_are_named_so(texts):
    checked = 0
    for page, text in texts.items():
        for m in re.finditer(r"TikTok: ([^:;.]+): \d+ periods from [^;]+; highest [\d.]+% \(human moderation\)", text):
            checked += 1
            assert "human moderation" in m.group(1), (page, m.group(0))
    assert checked


# --- B9: no rate across units -------------------------------------------------------------------

def test_no_sentence_ranks_actions_per_report(texts):
    for page, text in texts.items():
        assert "for the reports received" not in text, page
        assert not re.search(r"\bThe fewest [^.]* for the reports", text), page


# --- B10: a trend states the latest movement -----------------------------------------------------

def _facts(values: list[float]) -> list[Fact]:
    out = []
    for i, v in enumerate(values):
        y, q = 2024 + (i // 4), i % 4 + 1
        out.append(Fact(value=v, unit="pieces of content", period=f"{y}Q{q}", end=date(y, q * 3, 28)))
    return out


def test_a_series_rising_from_a_low_after_a_peak_says_both():
    w = Writer()
    f = w.trend("Content actioned", _facts([30.1e6, 12e6, 4.6e6, 6.0e6, 9.9e6]))
    text = w.write(f).text
    assert text.startswith("Content actioned rose to 9.9 million in 2025Q1 from a low of 4.6 million in 2024Q3")
    assert "peak of 30.1 million in 2024Q1" in text


def test_a_trend_never_ends_before_the_latest_value():
    from site_builder.findings import Break
    b = Break("b", date(2025, 1, 1), None, ("*",), ("*",), ("*",), "the break", "the caveat")
    w = Writer([b])
    assert w.trend("Reports", _facts([1, 2, 3, 4, 5])) is None  # the stretch after the break has one value


def test_growth_words():
    assert growth(21) == "21-fold" and growth(8.88) == "nearly ninefold"


# --- B12, B13: no date more precise than the source ---------------------------------------------

def test_approximate_windows_are_written_to_the_month():
    assert fmt.period(date(2023, 3, 1), date(2023, 6, 7), approximate=True) == "March 2023 to June 2023 (approximate dates)"
    assert fmt.APPROXIMATE.search("study window approximate")
    assert fmt.PUBLICATION_DATE.search("1st evaluation; period = publication month (Dec 2016, per source)")


def test_no_approximate_window_is_shown_to_the_day(texts):
    for page, text in texts.items():
        assert "1 March 2023 to 7 June 2023" not in text, page


def test_a_publication_date_is_not_shown_as_a_monitoring_period(texts):
    page = " ".join(texts["topics/hate-speech.html"].split())
    for m in re.finditer(r"28% \(in the EU\) in December 2016(.{0,25})", page):
        assert m.group(1).startswith(" (date of publication)"), m.group(0)


# --- B14: a summary's words are the summary's -------------------------------------------------

def test_a_secondary_summary_is_attributed_to_its_publication():
    assert said_by("eSafety Commissioner (as summarised by newsweek.nyc)") == (
        "newsweek.nyc, summarising eSafety Commissioner", True)
    assert said_by("Stanford Internet Observatory") == ("Stanford Internet Observatory", False)


def test_no_quote_is_put_in_the_mouth_of_the_body_summarised(texts):
    for page, text in texts.items():
        assert not re.search(r"\(as summarised by [^)]+\), [A-Z][a-z]+ \d{4}: “", text), page


# --- B15: a sum of rounded figures is about right ---------------------------------------------

def test_a_sum_of_rounded_figures_says_about(texts):
    for page, text in texts.items():
        assert "said it sent 11.6 million" not in text, page
    assert "Meta said it sent about 11.6 million" in texts["platforms/meta.html"]


# --- C: grammar, quote periods -------------------------------------------------------------------

def test_one_is_singular(texts):
    assert Fact(value=1, unit="CyberTipline reports").full() == "1 CyberTipline report"
    assert Fact(value=1, unit="pieces of content").full() == "1 piece of content"
    for page, text in texts.items():
        assert not re.search(r"(?<![\d,.])1 CyberTipline reports\b", text), page


def test_the_round_trip_quote_names_the_figure_and_its_editions(texts):
    page = " ".join(texts["revisions.html"].split())
    assert re.search(r"Data: \d{4}Q\d, as printed in the \d{4}Q\d to \d{4}Q\d editions\.", page)


# --- C: NCMEC locators are the line numbers a reader counts ---------------------------------------

@pytest.mark.parametrize("year", [2021, 2022, 2023])
def test_ncmec_page_one_locators_point_at_their_line(year):
    import pdfplumber
    pdf = need_shared(SHARED_RAW / "ncmec" / f"ncmec-by-esp-{year}.pdf")
    with pdfplumber.open(pdf) as doc:
        page1 = doc.pages[0].extract_text().split("\n")
    with (REPO / "data" / "observations" / "ncmec_esp.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["locator"].startswith(f"ncmec/ncmec-by-esp-{year}.pdf p. 1 line ")]
    assert rows
    for r in rows:
        line = int(r["locator"].rsplit(" ", 1)[1])
        assert page1[line - 1].startswith(r["platform_label"].split(" ")[0]), (r["platform_label"], page1[line - 1])
