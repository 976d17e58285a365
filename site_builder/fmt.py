"""How numbers, periods and labels are written on the site (one place, so prose, tables
and chart descriptions agree)."""

from __future__ import annotations

import calendar
import math
import re
from datetime import date

from site_builder.periods import month_end, period_label

MONTH_NAMES = list(calendar.month_name)


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
    if text in ("0", "-0") and value:  # 0.0001% is not 0%
        text = f"{value:.2g}" if abs(value) >= 1e-4 else f"{value:.6f}".rstrip("0")
    return f"{text}%"


QUALIFIER_WORDS = {"upper_bound": "at most", "lower_bound": "at least", "approx": "about"}


def value(v: float | None, unit_kind: str | None, *, status: str = "reported",
          low: float | None = None, high: float | None = None, qualifier: str = "",
          word: str | None = None, style: str = "count", published: str = "") -> str:
    """A value as a sentence would write it, honouring ranges, N/A and bounds. ``word`` is
    the qualifier the source printed ('more than', 'about', 'less than'; a row's
    ``qualifier_word``); without it the metric's ``qualifier`` gives 'at most', 'at least' or
    'about'. ``style`` 'short' writes counts as '5.4 million'. A value that is not a number as
    published ('approximately 4%') is written as published, and says so."""
    if status == "not_reported":
        return "not reported (N/A)"
    if status == "not_numeric":
        return f"{published or 'not a number'} (as published)"
    num = percent if unit_kind == "percent" else short if style == "short" else count
    if status == "range":
        if word == "less than" and not low:  # published as '<0.0001%'
            return f"less than {num(high)}"
        return f"{num(low)} to {num(high)}"
    word = QUALIFIER_WORDS.get(qualifier, "") if word is None else word
    return f"{word} {num(v)}" if word else num(v)


def figure(row: dict, style: str = "count") -> str:
    """A row's value (series point, evidence or table row) as prose writes it, with the
    qualifier its source printed: 'more than 5.4 million', 'about 60%', 'at most 0.05%'.
    Sentence builders call this rather than count()/short()/percent() on row['value']."""
    return value(row.get("value"), row.get("unit_kind"), status=row.get("value_status") or "reported",
                 low=row.get("value_low"), high=row.get("value_high"), qualifier=row.get("qualifier") or "",
                 word=row.get("qualifier_word"), style=style, published=row.get("value_as_published") or "")


APPROXIMATE = re.compile(r"\b(?:window|dates?|period|start date|end date)\s+(?:is\s+|are\s+)?approximate\b", re.I)


# a curator's note that the dates are when the study was published, not when it ran
PUBLICATION_DATE = re.compile(r"\bperiod\s*=\s*publication (?:month|date)\b", re.I)


def period(start: date, end: date, approximate: bool = False) -> str:
    """A period as the site writes it: 2021Q2, 2020H1 and 2023 as publishers write them;
    otherwise in words, never more precise than the dates: 'December 2016', '1 June 2017',
    'February 2022 to March 2022', '2018 to 2020', '1 March 2021 to 14 April 2021'. A window
    its source gives only roughly is written to the month and says so: 'March 2023 to June
    2023 (approximate dates)'."""
    if approximate:
        first, last = date_text(start, "month"), date_text(end, "month")
        return (first if first == last else f"{first} to {last}") + " (approximate dates)"
    label = period_label(start, end)
    if " to " not in label and not re.fullmatch(r"[A-Z][a-z]{2} \d{4}", label):
        return label
    if start == end:
        return date_text(start, "day")
    whole_months = start.day == 1 and end == month_end(end.year, end.month)
    if whole_months and start.month == 1 and end.month == 12:
        return f"{start.year} to {end.year}"
    if whole_months:
        first, last = date_text(start, "month"), date_text(end, "month")
        return first if first == last else f"{first} to {last}"
    return f"{date_text(start, 'day')} to {date_text(end, 'day')}"


def date_text(value: date | str | None, precision: str | None = "day") -> str:
    """A date with no more precision than is known: day '7 January 2025', month 'April 2022',
    quarter '2021Q2', half '2024H1', year '2022'; '' for no date."""
    if value is None or value == "":
        return ""
    d = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    precision = precision or "day"
    if precision == "year":
        return str(d.year)
    if precision == "half":
        return f"{d.year}H{1 if d.month <= 6 else 2}"
    if precision == "quarter":
        return f"{d.year}Q{(d.month - 1) // 3 + 1}"
    if precision == "month":
        return f"{MONTH_NAMES[d.month]} {d.year}"
    return f"{d.day} {MONTH_NAMES[d.month]} {d.year}"


_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?:/(\d{2}))?\b")
_ISO_MONTH = re.compile(r"\b(\d{4})-(\d{2})(?:/(\d{2}))?\b(?!-)")
_OTA = re.compile(r"\bOTA (record|records)\b( \d)?")


def dates_in_words(text: str | None) -> str:
    """A date text as a source gives it, with its ISO dates written out at the precision they
    have ('2022-04 (Guardian report)' -> 'April 2022 (Guardian report)', '2022-04-16/17' ->
    '16–17 April 2022', '2017-06/07' -> 'June–July 2017'), and Open Terms Archive records named
    for what they are: the day the text was captured, not the day it was published."""
    if not text:
        return ""

    def day(m: re.Match[str]) -> str:
        y, mo, d, d2 = int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)
        if not 1 <= mo <= 12:
            return m.group(0)
        return f"{d}–{int(d2)} {MONTH_NAMES[mo]} {y}" if d2 else f"{d} {MONTH_NAMES[mo]} {y}"

    def month(m: re.Match[str]) -> str:
        y, mo, mo2 = int(m.group(1)), int(m.group(2)), m.group(3)
        if not 1 <= mo <= 12 or (mo2 and not 1 <= int(mo2) <= 12):
            return m.group(0)
        return f"{MONTH_NAMES[mo]}–{MONTH_NAMES[int(mo2)]} {y}" if mo2 else f"{MONTH_NAMES[mo]} {y}"

    out = _ISO_MONTH.sub(month, _ISO_DAY.sub(day, text))
    out = re.sub(r"(\(|^)OTA record (\d)", r"\1text as captured by Open Terms Archive on \2", out)
    return _OTA.sub(lambda m: "Open Terms Archive capture" + ("s" if m.group(1) == "records" else "")
                    + (" of" + m.group(2) if m.group(2) else ""), out)


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


def change(row: dict) -> str:
    """A revised figure's change: in percentage points for a percentage ('-1.1 percentage
    points'), else relative ('+5.3%'); a row of mart revisions (values already in the unit's
    display scale, so a share of 0.989 is 98.9)."""
    value, prev = row.get("value"), row.get("prev_value")
    if row.get("unit_kind") == "percent" and value is not None and prev is not None:
        points = value - prev
        return f"{points:+.1f} percentage points" if abs(points) >= 0.05 else f"{points:+.2f} percentage points"
    return change_ratio(row.get("change_ratio"))


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 measure', '2 measures', '1,204 figures' ('many' for irregular plurals)."""
    return f"{n:,} {word if n == 1 else many or word + 's'}"
