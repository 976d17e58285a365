"""Reporting periods as publishers write them, turned into start and end dates."""

from __future__ import annotations

import calendar
import re
from datetime import date

_QUARTER = re.compile(r"^(\d{4})\s*Q([1-4])$")
_HALF = re.compile(r"^(\d{4})\s*H([12])$")
_YEAR = re.compile(r"^(\d{4})$")
# English month abbreviations, fixed (calendar.month_abbr and strftime("%b") follow the locale)
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")
_MONTHS = {m.lower(): i for i, m in enumerate(MONTH_ABBR, start=1)}
_MONTH_RANGE = re.compile(r"^([A-Za-z]{3})\s*-\s*([A-Za-z]{3})\s+(\d{4})$")


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def quarter(year: int, q: int) -> tuple[date, date]:
    first = 3 * (q - 1) + 1
    return date(year, first, 1), month_end(year, first + 2)


def parse_period(text: str) -> tuple[date, date]:
    """``2021Q2``, ``2020H1``, ``2023``, ``Apr-Jun 2024`` -> (first day, last day).

    Raises ValueError naming the accepted forms for anything else.
    """
    raw = text.strip()
    if m := _QUARTER.match(raw):
        return quarter(int(m.group(1)), int(m.group(2)))
    if m := _HALF.match(raw):
        year, half = int(m.group(1)), int(m.group(2))
        return (date(year, 1, 1), date(year, 6, 30)) if half == 1 else (date(year, 7, 1), date(year, 12, 31))
    if m := _YEAR.match(raw):
        year = int(m.group(1))
        return date(year, 1, 1), date(year, 12, 31)
    if m := _MONTH_RANGE.match(raw):
        first = _MONTHS.get(m.group(1).lower())
        last = _MONTHS.get(m.group(2).lower())
        year = int(m.group(3))
        if first and last and first <= last:
            return date(year, first, 1), month_end(year, last)
    raise ValueError(
        f"unreadable period {raw!r}; expected 2021Q2, 2020H1, 2023 or a month range like Apr-Jun 2024"
    )


def period_label(start: date, end: date) -> str:
    """Short human label: 2021Q2, 2020H1, 2023, or 'Mar 2021–Apr 2021'."""
    if start.day == 1 and end == month_end(end.year, end.month) and start.year == end.year:
        months = end.month - start.month + 1
        if months == 3 and start.month in (1, 4, 7, 10):
            return f"{start.year}Q{(start.month - 1) // 3 + 1}"
        if months == 6 and start.month in (1, 7):
            return f"{start.year}H{1 if start.month == 1 else 2}"
        if months == 12:
            return str(start.year)
        if months == 1:
            return f"{MONTH_ABBR[start.month - 1]} {start.year}"
    return f"{start.isoformat()} to {end.isoformat()}"
