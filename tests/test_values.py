import pytest

from site_builder.periods import parse_period, period_label
from site_builder.values import parse_plain_number, parse_published


@pytest.mark.parametrize("text, status, value, unit", [
    ("20,800,000", "reported", 20_800_000, "count"),
    ("9", "reported", 9, "count"),
    ("99.99%", "reported", 99.99, "percent"),
    ("0.01%", "reported", 0.01, "percent"),
    ("N/A", "not_reported", None, None),
])
def test_published_values(text, status, value, unit):
    p = parse_published(text)
    assert (p.status, p.value, p.unit_kind) == (status, value, unit)


def test_range_is_kept_as_range_never_one_number():
    p = parse_published("4%-5%")
    assert p.status == "range" and p.value is None and (p.low, p.high) == (4, 5)


def test_not_reported_is_never_zero():
    assert parse_published("N/A").value is None


@pytest.mark.parametrize("bad", ["-5", "1,23", "n.a.", "<0.1%", "", "5%-4%", "12 345", "1.000.000"])
def test_unreadable_values_are_refused_with_what_was_expected(bad):
    with pytest.raises(ValueError, match="expected|range"):
        parse_published(bad)


def test_plain_numbers_keep_sign_for_the_checks():
    assert parse_plain_number("-3") == -3
    assert parse_plain_number("0.938") == 0.938
    with pytest.raises(ValueError, match="expected a plain number"):
        parse_plain_number("1,234")


@pytest.mark.parametrize("text, start, end, label", [
    ("2021Q2", "2021-04-01", "2021-06-30", "2021Q2"),
    ("2020H2", "2020-07-01", "2020-12-31", "2020H2"),
    ("2023", "2023-01-01", "2023-12-31", "2023"),
    ("Apr-Jun 2024", "2024-04-01", "2024-06-30", "2024Q2"),
])
def test_periods(text, start, end, label):
    s, e = parse_period(text)
    assert (s.isoformat(), e.isoformat(), period_label(s, e)) == (start, end, label)


def test_bad_period_names_accepted_forms():
    with pytest.raises(ValueError, match="expected 2021Q2"):
        parse_period("Q2 2021")


def test_a_compilation_row_links_to_the_document_of_its_year():
    from site_builder.pages.common import first_url
    urls = ("https://www.missingkids.org/pdfs/2019-reports-by-esp.pdf | "
            "https://www.missingkids.org/pdfs/2020-reports-by-esp.pdf | https://www.missingkids.org/pdfs/2021-reports-by-esp.pdf")
    assert first_url(urls, year=2020) == "https://www.missingkids.org/pdfs/2020-reports-by-esp.pdf"
    assert first_url(urls, year=2031) == ""  # no address names 2031: never the first one
    assert first_url("javascript:alert(1)", year=2020) == ""
