"""Turn a number as a publisher printed it into a typed value, or refuse it.

A published value is one of:

* a count, ``20,800,000`` or ``9`` -> status ``reported``, unit kind ``count``;
* a percentage, ``99.99%`` -> status ``reported``, unit kind ``percent`` (value 99.99);
* a range of percentages, ``4%-5%`` -> status ``range`` with ``low``/``high`` and no
  single value (never silently collapsed to one number);
* ``N/A`` -> status ``not_reported`` (never 0);
* a number with words that qualify it, ``approximately 4%``, ``about 9,500``, ``<0.1%``,
  ``over 2 million``, ``1,000+`` -> status ``not_numeric``: kept exactly as published
  (``value_as_published``), with no value, so that it is shown as published and never
  drawn, summed or compared as if it were the number it mentions. The words are the closed
  list in :data:`QUALIFIERS_BEFORE` / :data:`QUALIFIERS_AFTER`.

A negative number (``-5``) raises :class:`NegativeValue`, so that an adapter can collect
every negative value of a file and report them together (:class:`Problems`). Anything
else (``1,23``, ``n.a.``, ``high``) raises :class:`ValueError` with a sentence saying what
was expected; adapters wrap it in an ``InputError`` that names the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from site_builder.errors import InputError

NOT_REPORTED_TOKENS = frozenset({"N/A"})
# Words and signs that make a printed number an approximation or a bound (case ignored).
QUALIFIERS_BEFORE = ("approximately", "approx.", "approx", "about", "around", "roughly", "nearly", "almost",
                     "circa", "ca.", "some", "over", "under", "more than", "less than", "fewer than", "up to",
                     "at least", "at most", "below", "above", "<=", ">=", "<", ">", "~", "≈", "≤", "≥")
QUALIFIERS_AFTER = ("+", "or more", "or less", "or fewer", "plus", "thousand", "million", "billion",
                    "(approx.)", "(approximately)", "(estimated)", "(est.)")

_COUNT = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)$")
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)%$")
_PERCENT_RANGE = re.compile(r"^(\d+(?:\.\d+)?)%\s*-\s*(\d+(?:\.\d+)?)%$")
_NUMBER_TEXT = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?"
_NEGATIVE = re.compile(rf"^-\s*{_NUMBER_TEXT}$")


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_QUALIFIED = re.compile(rf"^(?:(?P<before>{_alternatives(QUALIFIERS_BEFORE)})\s*)?(?P<number>{_NUMBER_TEXT})"
                        rf"(?:\s*(?P<after>{_alternatives(QUALIFIERS_AFTER)}))?$", re.IGNORECASE)

EXPECTED = (
    "a non-negative count such as 1,234, a percentage such as 12.5%, "
    "a range such as 4%-5%, N/A, or a number with a qualifier such as 'about 1,200'"
)


class NegativeValue(ValueError):
    """A published value is a negative number (counts, shares and durations never are)."""


@dataclass(frozen=True)
class Parsed:
    """One parsed value. ``value`` is None unless ``status == 'reported'``; ``not_numeric``
    (a qualified number, kept as published) has neither value nor range ends, but the unit
    kind of the number it mentions."""

    status: str  # reported | not_reported | range | not_numeric
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
    if _NEGATIVE.match(raw):
        raise NegativeValue(f"negative value {raw!r}; counts, shares and durations are never negative")
    qualified = not_numeric(raw)
    if qualified:
        return qualified
    raise ValueError(f"unreadable value {raw!r}; expected {EXPECTED}")


def not_numeric(text: str) -> Parsed | None:
    """``Parsed('not_numeric', ...)`` if ``text`` is a number with qualifying words
    (``approximately 4%``), else None."""
    m = _QUALIFIED.match(" ".join(text.split()))
    if not m or not (m.group("before") or m.group("after")):
        return None
    return Parsed("not_numeric", None, None, None, "percent" if m.group("number").endswith("%") else "count")


def parse_plain_number(text: str) -> float:
    """Parse a machine-written number (curated tables: ``1234``, ``0.938``, ``-1``).

    Sign is kept: the caller collects negative values (every one of a file is reported
    together), and the SQL data checks report every negative row of the committed data.
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


@dataclass
class Problems:
    """Errors of one kind collected through a whole file and raised together, so that one
    run names every offending line (every negative value, not only the first)."""

    path: str
    what: str
    errors: list[InputError] = field(default_factory=list)

    def add(self, error: InputError) -> None:
        self.errors.append(error)

    def raise_if_any(self) -> None:
        """Raise the one error, or one error listing them all (each with its file, line or cell)."""
        if not self.errors:
            return
        if len(self.errors) == 1:
            raise self.errors[0]
        listed = "\n  ".join(str(e) for e in self.errors)
        raise InputError(self.path, f"{len(self.errors)} {self.what}:\n  {listed}")
