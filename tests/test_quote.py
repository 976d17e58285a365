"""Numbers in prose linked to their documents, and the texts a reader copies."""

from __future__ import annotations

from decimal import Decimal

from site_builder.pages.common import SourceItem, SourceRef
from site_builder.quote import data_period, link_numbers, quote_text

ROW = {"value": 9_400_000.0, "doc_url": "https://example.org/report", "locator": "a.csv line 7",
       "release_id": "src-2024Q2", "period": "2020Q2", "period_start": "2020-04-01", "period_end": "2020-06-30"}


def test_counts_short_forms_and_percentages_are_linked():
    rows = [ROW, {**ROW, "value": 96.4, "locator": "a.csv line 8"}]  # percentages are on the 0-100 scale
    out = str(link_numbers("9,400,000 (9.4 million), 96.4% in 2020.", rows))
    assert out.count('class="pew-num"') == 3
    assert 'title="a.csv line 7"' in out and 'title="a.csv line 8"' in out
    assert ">2020<" not in out  # a year is not a value


def test_number_followed_by_a_comma_is_still_found():
    out = str(link_numbers("Google said 672,071, NCMEC counted more.", [{**ROW, "value": Decimal(672071)}]))
    assert '>672,071</a>,' in out


def test_values_listed_under_linked_each_get_their_own_document():
    row = {**ROW, "value": 1.5, "linked": ({"value": 100.0, "doc_url": "https://a.example/", "locator": "p. 3"},
                                           {"value": 250.0, "doc_url": "https://b.example/", "locator": "p. 9"})}
    out = str(link_numbers("said 100, counted 250", [row]))
    assert 'href="https://a.example/" title="p. 3"' in out and 'href="https://b.example/" title="p. 9"' in out


def test_without_a_document_link_the_number_links_to_its_release():
    out = str(link_numbers("31 of 405", [{**ROW, "value": 405.0, "doc_url": None}], root="../"))
    assert 'href="../sources.html#src-2024Q2"' in out and "no link to the document" in out
    assert "31 of" in out and ">31<" not in out  # 31 is not one of the rows' values


def test_text_is_escaped():
    out = str(link_numbers('<script>alert(1)</script> 9,400,000 <img onerror="x">', [ROW]))
    assert "<script>" not in out and "&lt;script&gt;" in out and "<img" not in out
    assert ">9,400,000</a>" in out


def test_quote_text_names_source_period_and_page():
    src = SourceRef(source="Meta", licence="", citation="",
                    items=(SourceItem("2024Q2 edition (CSV)", "https://example.org/report", "src-2024Q2"),))
    q = quote_text("Meta actioned 9.4 million.", [src], "https://site.example/p.html#f", data_period([ROW]))
    assert q == ("Meta actioned 9.4 million. Source: Meta (2024Q2 edition (CSV)). Data: 2020Q2. "
                 "Via Platform Enforcement Watch, https://site.example/p.html#f")


def test_equal_values_link_to_the_row_of_the_period_written_next_to_them():
    a = {**ROW, "value": 1.0, "period": "2021", "doc_url": "https://example.org/2021.pdf", "locator": "2021 p. 1"}
    b = {**ROW, "value": 1.0, "period": "2022", "doc_url": "https://example.org/2022.pdf", "locator": "2022 p. 1"}
    out = str(link_numbers("Canva reported 4 in 2021 against 1 in 2022.", [a, b]))
    assert 'href="https://example.org/2022.pdf" title="2022 p. 1" rel="noopener">1</a> in 2022' in out


def test_data_period_of_irregular_periods_names_one_start_and_one_end():
    rows = [{"period": "2017-01-01 to 2021-02-22", "period_start": "2017-01-01", "period_end": "2021-02-22"},
            {"period": "2023-03-01 to 2025-05-25", "period_start": "2023-03-01", "period_end": "2025-05-25"}]
    assert data_period(rows) == "2017-01-01 to 2025-05-25"
