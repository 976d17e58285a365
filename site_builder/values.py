"""Turn a number as a publisher printed it into a typed value, or refuse it.

A published value is one of:

* a count, ``20,800,000`` or ``9`` -> status ``reported``, unit kind ``count``;
* a percentage, ``99.99%`` -> status ``reported``, unit kind ``percent`` (value 99.99);
* a range of percentages, ``4%-5%`` -> status ``range`` with ``low``/``high`` and no
  single value (never silently collapsed to one number);
* ``N/A`` -> status ``not_reported`` (never 0).

Anything else (``-5``, ``1,23``, ``n.a.``, ``<0.1%``) raises :class:`ValueError` with a
sentence saying what was expected; adapters wrap it in an ``InputError`` that names the
file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

NOT_REPORTED_TOKENS = frozenset({"N/A"})

_COUNT = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)$")
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)%$")
_PERCENT_RANGE = re.compile(r"^(\d+(?:\.\d+)?)%\s*-\s*(\d+(?:\.\d+)?)%$")

EXPECTED = (
    "a non-negative count such as 1,234, a percentage such as 12.5%, "
    "a range such as 4%-5%, or N/A"
)


@dataclass(frozen=True)
class Parsed:
    """One parsed value. ``value`` is None unless ``status == 'reported'``."""

    status: str  # reported | not_reported | range
    value: float | None
    low: float | None
    high: float | None
    unit_kind: str | None  # count | percent | None (not reported)


def _num(text: str) -> float:
    try:
        return float(Decimal(text))
    except InvalidOperation as exc:  # pragma: no cover - regexes only pass numbers
        raise ValueError(f"not a number: {text!r}") from exc


def parse_published(text: str) -> Parsed:
    """Parse a value string exactly as printed in a publisher's file."""
    raw = text.strip()
    if raw in NOT_REPORTED_TOKENS:
        return Parsed("not_reported", None, None, None, None)
    if _COUNT.match(raw):
        return Parsed("reported", _num(raw.replace(",", "")), None, None, "count")
    m = _PERCENT.match(raw)
    if m:
        return Parsed("reported", _num(m.group(1)), None, None, "percent")
    m = _PERCENT_RANGE.match(raw)
    if m:
        low, high = _num(m.group(1)), _num(m.group(2))
        if low > high:
            raise ValueError(f"range {raw!r} has its low end above its high end")
        return Parsed("range", None, low, high, "percent")
    if raw.startswith("-"):
        raise ValueError(f"negative value {raw!r}; expected {EXPECTED}")
    raise ValueError(f"unreadable value {raw!r}; expected {EXPECTED}")


def parse_plain_number(text: str) -> float:
    """Parse a machine-written number (curated tables: ``1234``, ``0.938``, ``-1``).

    Sign is kept: negative counts are caught by the SQL data checks, which report
    every offending row at once.
    """
    raw = text.strip()
    if not re.match(r"^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$", raw):
        raise ValueError(f"unreadable number {raw!r}; expected a plain number such as 1234 or 0.938")
    return _num(raw)


def format_number(value: float) -> str:
    """Write a value for the committed CSVs: integers without '.0', others as short as exact."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))
