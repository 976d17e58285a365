"""Adapter: Microsoft Digital Safety Content Report, downloadable .xlsx (one half-year per file).

Format (every edition 2020H1-2023H2): one sheet ``Digital Safety Content``; ``B1`` holds the
title ``Digital Safety Content Report``; then blocks of three rows, one block per topic:

* a section row: column B the period (``January - June 2020``, ``Jul - Dec 2020``,
  ``Jan - Jun 2022``, ``July - December 2021``), and from column C one or more section
  names, each spanning the columns up to the next name (merged cells):
  ``Child Sexual Exploitation & Abuse Imagery (CSEAI) - Hosted Consumer Services`` (C:F)
  and ``CSEAI - Bing Search Engine`` (G:H); ``Terrorist & Violent Extremist Content (TVEC)``;
  ``Non-Consensual Intimate Imagery (NCII)``;
* a header row with one metric per column (``Content Actioned``, ``Content Detected
  Proactively``, ``Accounts Actioned``, ``Accounts Reinstated``, ``Requests Reported``...);
* a value row: counts as numbers, shares as numbers between 0 and 1 (displayed as
  percentages), or text with a footnote marker (``15,935*`` in 2020H1, a restated figure);

followed by notes in column B (merged across the block). The CSEAI note states the
half-year's CyberTipline total (``The total NCMEC CyberTip Reports for this period is
32,622.``); that number is read as well.

Layout changes between editions: 2020H1 has a footnote row under the CSEAI note; from
2022H1 an empty spacer row separates the value row from the note; from 2023H1 shares are
stored at full precision (``0.9920180980023903``) instead of three decimals. Every
section's period must be the edition's half-year.

One output row = one number printed in a value cell, or one CyberTipline total printed in
a note. ``policy_label`` is the section name as printed (``CSEAI`` for the note total,
which covers all services), ``metric_label`` the column header as printed (``NCMEC
CyberTip Reports (from note)`` for the note total), ``value_as_published`` the cell as
stored (text as printed, footnote marker kept; numbers in their shortest exact form),
``locator`` ``<file> sheet Digital Safety Content cell D5``.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from python_calamine import CalamineWorkbook

from site_builder.errors import InputError
from site_builder.observations import Observation
from site_builder.periods import MONTH_ABBR, MONTH_NAMES, month_end, parse_period
from site_builder.quarantine import Quarantined
from site_builder.settings import GLOBAL
from site_builder.values import NegativeValue, Problems, format_number, parse_published

SOURCE_ID = "microsoft_dscr"
PLATFORM = "Microsoft"
SHEET = "Digital Safety Content"
TITLE = "Digital Safety Content Report"
NOTE_POLICY = "CSEAI"
NOTE_METRIC = "NCMEC CyberTip Reports (from note)"
NOTE_UNIT = "CyberTipline reports to NCMEC"

SECTIONS = frozenset({
    "Child Sexual Exploitation & Abuse Imagery (CSEAI) - Hosted Consumer Services",
    "CSEAI - Bing Search Engine",
    "Terrorist & Violent Extremist Content (TVEC)",
    "Non-Consensual Intimate Imagery (NCII)",
})
# Column header -> (kind of value it holds, unit to record). "share" = a number 0-1.
METRICS: dict[str, tuple[str, str]] = {
    "Content Actioned": ("count", "count"),
    "Content Detected Proactively": ("share", "share (0-1)"),
    "Accounts Actioned": ("count", "accounts"),
    "Accounts Reinstated": ("share", "share (0-1)"),
    "Requests Reported": ("count", "reports"),
    "Requests Actioned": ("count", "reports"),
    "Percentage of Requests Actioned": ("share", "share (0-1)"),
}
FOOTNOTE = re.compile(r"[*\u2020\u2021]+$")
NOTE_TOTAL = re.compile(r"total NCMEC CyberTip(?:line)? Reports for this period (?:is|was) (\d{1,3}(?:,\d{3})+|\d+)",
                        re.IGNORECASE)
_PERIOD = re.compile(r"^([A-Za-z]+)\.?\s*-\s*([A-Za-z]+)\.?\s+(\d{4})$")
_MONTHS = {name.lower(): i for i in range(1, 13)
           for name in (MONTH_NAMES[i - 1], MONTH_ABBR[i - 1])} | {"sept": 9}


def col_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def parse_half_year(text: str) -> tuple[date, date]:
    """``January - June 2020`` / ``Jul - Dec 2020`` -> (first day, last day); ValueError otherwise."""
    m = _PERIOD.match(text.strip())
    first = _MONTHS.get(m.group(1).lower()) if m else None
    last = _MONTHS.get(m.group(2).lower()) if m else None
    if not m or not first or not last or first > last:
        raise ValueError(f"unreadable period {text.strip()!r}; expected a month range such as 'January - June 2020'")
    year = int(m.group(3))
    return date(year, first, 1), month_end(year, last)


def _text(cell: object) -> str:
    return cell.strip() if isinstance(cell, str) else ""


def _empty(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


class _Reader:
    """Walks the sheet's rows; ``cell()`` names a cell for locators and errors."""

    def __init__(self, path: Path, display_path: str, edition: str, release_id: str) -> None:
        self.display_path, self.edition, self.release_id = display_path, edition, release_id
        try:
            workbook = CalamineWorkbook.from_path(str(path))
        except Exception as exc:  # calamine raises its own types for broken zips / non-xlsx
            raise InputError(display_path, f"not a readable .xlsx workbook: {exc}") from exc
        if SHEET not in workbook.sheet_names:
            raise InputError(display_path, f"no sheet {SHEET!r}", got=workbook.sheet_names,
                             expected=f"a sheet named {SHEET}")
        self.rows: list[list[object]] = workbook.get_sheet_by_name(SHEET).to_python(skip_empty_area=False)
        self.edition_period = parse_period(edition)
        self.out: list[Observation] = []
        self.negatives = Problems(display_path, "negative values (counts and shares are never negative)")

    def cell(self, row: int, col: int) -> str:
        return f"sheet {SHEET} cell {col_letter(col)}{row + 1}"

    def error(self, row: int, col: int, problem: str, **kw: object) -> InputError:
        return InputError(self.display_path, problem, cell=self.cell(row, col), **kw)  # type: ignore[arg-type]

    def at(self, row: int, col: int) -> object:
        cells = self.rows[row] if row < len(self.rows) else []
        return cells[col] if col < len(cells) else ""

    def filled(self, row: int) -> list[int]:
        return [c for c, v in enumerate(self.rows[row]) if not _empty(v)]

    def emit(self, row: int, col: int, policy: str, metric: str, value: float | None, as_published: str,
             unit: str, status: str = "") -> None:
        start, end = self.edition_period
        earlier = next((o.locator for o in self.out if (o.policy_label, o.metric_label) == (policy, metric)), None)
        if earlier:
            raise self.error(row, col, f"second value for {policy!r} / {metric!r} (also at {earlier})")
        self.out.append(Observation(
            source_id=SOURCE_ID, release_id=self.release_id, platform_label=PLATFORM, policy_label=policy,
            metric_label=metric, period_start=start, period_end=end, geography=GLOBAL,
            value_status=status or ("reported" if value is not None else "not_reported"), value=value, value_low=None,
            value_high=None, value_as_published=as_published, unit=unit,
            locator=f"{self.display_path} {self.cell(row, col)}"))

    def read(self) -> list[Observation]:
        title_cells = [(r, c) for r in range(len(self.rows)) for c in self.filled(r)][:1]
        if not title_cells or _text(self.at(*title_cells[0])) != TITLE:
            where = title_cells[0] if title_cells else (0, 1)
            raise self.error(*where, "missing title", got=self.at(*where) if title_cells else None, expected=TITLE)
        row = title_cells[0][0] + 1
        while row < len(self.rows):
            cols = self.filled(row)
            if not cols:
                row += 1
            elif cols == [1]:
                self.note(row)
                row += 1
            elif cols[0] == 1:
                self.block(row, cols[1:])
                row += 3
            else:
                raise self.error(row, cols[0], "unexpected cell outside a section block",
                                 got=self.at(row, cols[0]), expected="a section row with the period in column B")
        self.negatives.raise_if_any()
        if not self.out:
            raise InputError(self.display_path, "no values found", expected="at least one section block")
        return self.out

    def block(self, row: int, name_cols: list[int]) -> None:
        try:
            period = parse_half_year(_text(self.at(row, 1)))
        except ValueError as exc:
            raise self.error(row, 1, str(exc)) from exc
        if period != self.edition_period:
            raise self.error(row, 1, f"period does not match edition {self.edition}", got=self.at(row, 1),
                             expected=f"{self.edition_period[0]:%B} - {self.edition_period[1]:%B %Y}")
        header_cols = self.filled(row + 1) if row + 1 < len(self.rows) else []
        if not header_cols or header_cols[0] != name_cols[0]:
            raise self.error(row + 1, name_cols[0], "expected the metric headers under the section names")
        for i, name_col in enumerate(name_cols):
            section = _text(self.at(row, name_col))
            if section not in SECTIONS:
                raise self.error(row, name_col, "unknown section name", got=self.at(row, name_col),
                                 expected="one of: " + "; ".join(sorted(SECTIONS)))
            stop = name_cols[i + 1] if i + 1 < len(name_cols) else max(header_cols) + 1
            for col in (c for c in header_cols if name_col <= c < stop):
                self.value(row + 2, col, section, _text(self.at(row + 1, col)))
        stray = [c for c in (self.filled(row + 2) if row + 2 < len(self.rows) else []) if c not in header_cols]
        if stray:
            raise self.error(row + 2, stray[0], "value without a metric header above it",
                             got=self.at(row + 2, stray[0]))

    def value(self, row: int, col: int, section: str, metric: str) -> None:
        if metric not in METRICS:
            raise self.error(row - 1, col, "unknown metric header", got=self.at(row - 1, col),
                             expected="one of: " + ", ".join(METRICS))
        kind, unit = METRICS[metric]
        cell = self.at(row, col)
        if isinstance(cell, bool) or not isinstance(cell, (int, float, str)) or _empty(cell):
            raise self.error(row, col, f"no number under {metric!r}", got=cell, expected="a number")
        if isinstance(cell, str):
            as_published = cell.strip()
            try:
                parsed = parse_published(FOOTNOTE.sub("", as_published))
            except NegativeValue as exc:
                self.negatives.add(self.error(row, col, str(exc)))
                return
            except ValueError as exc:
                raise self.error(row, col, str(exc)) from exc
            if parsed.status == "range":
                raise self.error(row, col, f"{metric!r} must be a single number, not a range", got=as_published)
            number, status = parsed.value, parsed.status
            if parsed.unit_kind == "percent":
                if kind != "share":
                    raise self.error(row, col, f"{metric!r} is a count but the value is a percentage", got=as_published)
                unit = "percent"
            elif kind == "share" and parsed.unit_kind == "count":
                raise self.error(row, col, f"{metric!r} is a share but the value is a count", got=as_published)
        else:
            number, status = float(cell), "reported"
            as_published = format_number(number)
            if number < 0:
                self.negatives.add(self.error(row, col, "negative value", got=as_published,
                                              expected="a non-negative number"))
                return
            if kind == "share" and number > 1:
                raise self.error(row, col, f"{metric!r} is a share but the value is above 1", got=as_published,
                                 expected="a number between 0 and 1")
            if kind == "count" and number != int(number):
                raise self.error(row, col, f"{metric!r} is a count but the value is not whole", got=as_published)
        self.emit(row, col, section, metric, number, as_published, unit, status)

    def note(self, row: int) -> None:
        text = _text(self.at(row, 1))
        if _PERIOD.match(text):
            raise self.error(row, 1, "a period with no section names beside it", got=text,
                             expected="section names from column C on the period's row")
        match = NOTE_TOTAL.search(text)
        if match:
            printed = match.group(1)
            self.emit(row, 1, NOTE_POLICY, NOTE_METRIC, float(printed.replace(",", "")), printed, NOTE_UNIT)
        elif "total ncmec" in text.lower():
            raise self.error(row, 1, "note mentions a NCMEC total that cannot be read", got=text,
                             expected="'The total NCMEC CyberTip Reports for this period is 12,345'")


def parse(path: Path, *, release_id: str, edition: str, display_path: str,
          quarantine: list[Quarantined] | None = None) -> list[Observation]:
    """Read one half-year workbook; raise InputError at the first cell that is not in the format.
    (Microsoft's files have nothing to quarantine.)"""
    return _Reader(path, display_path, edition, release_id).read()
