"""No invented precision (issue 8, item 5): a date known to the month is written as the
month, a count published as "more than" or "about" keeps the word."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from site_builder import fmt
from site_builder.adapters.claims import dated
from site_builder.adapters.curated import published_string

# --- dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "iso", "precision"), [
    ("2022-04 (Guardian report)", "2022-04-01", "month"),
    ("policy page dated May 2024", "2024-05-01", "month"),
    ("2025 (article date not in excerpt)", "2025-01-01", "year"),
    ("2023-04-25 (obligations from ~2023-08-25)", "2023-04-25", "day"),
    ("date not captured", "", ""),
])
def test_a_statement_date_keeps_its_precision(text: str, iso: str, precision: str) -> None:
    assert dated(text) == (iso, precision)


@pytest.mark.parametrize(("value", "precision", "text"), [
    (date(2022, 4, 1), "month", "April 2022"),
    (date(2022, 1, 1), "year", "2022"),
    ("2025-01-07", "day", "7 January 2025"),
    (date(2021, 4, 1), "quarter", "2021Q2"),
    (date(2024, 1, 1), "half", "2024H1"),
    (None, "day", ""),
])
def test_date_text(value, precision: str, text: str) -> None:
    assert fmt.date_text(value, precision) == text


@pytest.mark.parametrize(("start", "end", "text"), [
    (date(2016, 12, 1), date(2016, 12, 31), "December 2016"),  # 'period = publication month'
    (date(2017, 6, 1), date(2017, 6, 1), "1 June 2017"),
    (date(2018, 1, 1), date(2020, 12, 31), "2018 to 2020"),
    (date(2022, 2, 1), date(2022, 3, 31), "February 2022 to March 2022"),
    (date(2021, 3, 1), date(2021, 4, 14), "1 March 2021 to 14 April 2021"),
    (date(2021, 4, 1), date(2021, 6, 30), "2021Q2"),
    (date(2023, 1, 1), date(2023, 12, 31), "2023"),
])
def test_periods_in_words_never_more_precise_than_their_dates(start: date, end: date, text: str) -> None:
    assert fmt.period(start, end) == text
    assert fmt.span(text, text) == (text.split(" to ")[0], text.split(" to ")[-1])


@pytest.mark.parametrize(("raw", "shown"), [
    ("2022-04 (Guardian report)", "April 2022 (Guardian report)"),
    ("2022-04-16/17", "16–17 April 2022"),
    ("2017-06/07", "June–July 2017"),
    ("current (OTA record 2026-07-23)", "current (text as captured by Open Terms Archive on 23 July 2026)"),
    ("April 2023 (OTA record 2023-04-08)", "April 2023 (text as captured by Open Terms Archive on 8 April 2023)"),
    ("removed between 2023-02-28 and 2023-04-08 (OTA records)",
     "removed between 28 February 2023 and 8 April 2023 (Open Terms Archive captures)"),
])
def test_statement_dates_in_words_and_captures_named_as_captures(raw: str, shown: str) -> None:
    assert fmt.dates_in_words(raw) == shown


class _Text(HTMLParser):
    """The visible text of a page (no scripts, styles, code or attributes)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.skip += tag in ("script", "style", "code", "pre")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("script", "style", "code", "pre")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def visible_text(page: Path) -> str:
    p = _Text()
    p.feed(page.read_text(encoding="utf-8"))
    return " ".join(p.parts)


def test_no_iso_date_is_shown_to_readers(built_site: Path) -> None:
    """Dates on pages are words at their known precision: '2022-04-01' for April 2022 (or a
    capture date written as if published) never reaches a reader."""
    site = built_site / "site"
    found = {}
    for page in site.rglob("*.html"):
        if page.parts[-2:] == ("search", "search_index.html"):
            continue
        for m in re.finditer(r"\b(19|20)\d\d-\d\d(-\d\d)?\b", visible_text(page)):
            found.setdefault(str(page.relative_to(site)), m.group(0))
    assert not found, f"ISO dates shown on {len(found)} pages, e.g. {sorted(found.items())[:8]}"


def test_month_known_statements_are_shown_as_months(built_site: Path) -> None:
    con = duckdb.connect(str(built_site / "warehouse.duckdb"), read_only=True)
    try:
        months = con.execute("SELECT date FROM stg_claims WHERE date_precision = 'month'").fetchall()
    finally:
        con.close()
    assert months, "the say side has statements dated to the month"
    text = visible_text(built_site / "site" / "say-vs-do.html")
    assert "April 2022" in text  # the Guardian report
    assert not re.search(r"\b1 April 2022\b", text)


# --- qualifiers -----------------------------------------------------------------------


@pytest.mark.parametrize(("note", "value", "published"), [
    ('"10.8+ million"; 42.7 million possible images detected', 10_800_000, "10.8+ million"),
    ('"over 6.7 million takedown notices"; 126 billion images processed', 6_700_000, "over 6.7 million"),
    ('"more than 40"; reported to NCMEC in April', 40, "more than 40"),
    ('published as text "approximately 4%" - non-numeric value in CSV', 4, "approximately 4%"),
    ('country-level (Canada); published as "<1"', 1, "<1"),
    ('secondary source, rounded; total videos removed "over 5.8 million"', 16, ""),  # another number
])
def test_the_published_string_is_read_from_the_note(note: str, value: float, published: str) -> None:
    assert published_string(note, value) == published


@pytest.mark.parametrize(("row", "text"), [
    ({"value": 5_400_000, "unit_kind": "count", "qualifier": "lower_bound", "qualifier_word": "more than"},
     "more than 5,400,000"),
    ({"value": 4, "unit_kind": "percent", "qualifier": "", "qualifier_word": "approximately"}, "approximately 4%"),
    ({"value": 1, "unit_kind": "count", "qualifier": "upper_bound", "qualifier_word": "less than"}, "less than 1"),
    ({"value": 0.05, "unit_kind": "percent", "qualifier": "upper_bound"}, "at most 0.05%"),
    ({"value": None, "value_status": "range", "value_low": 0, "value_high": 0.0001, "unit_kind": "percent",
      "qualifier_word": "less than"}, "less than 0.0001%"),
])
def test_value_keeps_the_qualifier(row: dict, text: str) -> None:
    assert fmt.figure(row) == text


QUALIFIED = re.compile(r"more than|\bover \d|about|approx|at least|\d\+|^<|~\d", re.I)


class _Links(HTMLParser):
    """Every <a> with its title, its text and the text just before it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []
        self.before, self.open = "", None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "a":
            self.open = [dict(attrs).get("title") or "", "", self.before[-30:]]
        elif tag in ("td", "li", "p"):
            self.before = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.open:
            self.links.append(tuple(self.open))
            self.open = None

    def handle_data(self, data: str) -> None:
        if self.open:
            self.open[1] += data
        self.before = (self.before + data)[-60:]


def test_a_qualified_figure_is_never_printed_bare(built_site: Path) -> None:
    """A figure published as 'more than 5.4 million', 'about', '10.8+ million' or '<1' keeps its
    word wherever a page links the number to its source (tables, takeaways, evidence lists)."""
    con = duckdb.connect(str(built_site / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT locator, value, value_as_published, note, qualifier_word FROM series "
                           "WHERE value IS NOT NULL").fetchall()
    finally:
        con.close()
    qualified = {loc: (v, word) for loc, v, vap, note, word in rows
                 if QUALIFIED.search(vap or "") or QUALIFIED.search(published_string(note or "", v))}
    assert qualified, "the data has figures published with 'more than' or 'about'"
    assert all(word for _, word in qualified.values()), "every qualified figure has its word"
    bare, seen = [], 0
    for page in (built_site / "site").rglob("*.html"):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for title, text, before in parser.links:
            locator = title.split(" – ")[0].split(" (")[0]
            if locator in qualified and re.search(r"\d", text):
                seen += 1
                word = qualified[locator][1]
                if word not in f"{before} {text}":
                    bare.append((page.name, locator, text, word))
    assert seen, "qualified figures are shown somewhere"
    assert not bare, f"{len(bare)} qualified figures printed without their word, e.g. {bare[:10]}"
