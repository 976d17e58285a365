"""How numbers, periods and labels are written on the site (one place, so prose, tables
and chart descriptions agree)."""

from __future__ import annotations

import math
from datetime import date

from site_builder.periods import period_label


def count(value: float | None) -> str:
    """9400000 -> '9,400,000'; non-integers keep up to 2 decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not reported"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def short(value: float | None) -> str:
    """9400000 -> '9.4 million'; 2800 -> '2,800'."""
    if value is None:
        return "not reported"
    v = abs(value)
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if v >= size:
            text = f"{value / size:.2f}".rstrip("0").rstrip(".")
            return f"{text} {word}"
    return count(value)


def percent(value: float | None, digits: int = 2) -> str:
    """96.4 -> '96.4%' (value already on the 0-100 scale)."""
    if value is None:
        return "not reported"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return f"{text}%"


def value(v: float | None, unit_kind: str | None, *, status: str = "reported",
          low: float | None = None, high: float | None = None, qualifier: str = "", published: str = "") -> str:
    """A value as a sentence would write it, honouring ranges, N/A and bounds; a value that is
    not a number as published ('approximately 4%') is written as published, and says so."""
    if status == "not_reported":
        return "not reported (N/A)"
    if status == "not_numeric":
        return f"{published or 'not a number'} (as published)"
    if status == "range":
        return f"{percent(low)} to {percent(high)}" if unit_kind == "percent" else f"{count(low)} to {count(high)}"
    text = percent(v) if unit_kind == "percent" else count(v)
    prefix = {"upper_bound": "at most ", "lower_bound": "at least ", "approx": "about "}.get(qualifier, "")
    return prefix + text


def period(start: date, end: date) -> str:
    return period_label(start, end)


def span(first: str, last: str) -> tuple[str, str]:
    """The ends of a run of periods from the labels of its first and last period: an irregular
    period ('2017-01-01 to 2021-02-22') gives its start date first and its end date last."""
    return first.split(" to ")[0], last.split(" to ")[-1]


def span_text(first: str, last: str) -> str:
    """'2017Q4 to 2025Q4', or the one period when the run has one."""
    if first == last:
        return first
    a, b = span(first, last)
    return f"{a} to {b}"


def period_iso(start: str, end: str) -> str:
    """period() for ISO date strings."""
    return period_label(date.fromisoformat(start), date.fromisoformat(end))


def change_ratio(ratio: float | None) -> str:
    if ratio is None:
        return "n/a"
    return f"{ratio * 100:+.1f}%"
