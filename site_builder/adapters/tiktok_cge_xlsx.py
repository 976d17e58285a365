"""TikTok Community Guidelines Enforcement Report, xlsx editions (2021Q3-2022Q3).

Each workbook is a set of small tables, one per sheet, and the set changes by edition
(2021Q3-Q4: five sheets; 2022Q1-Q3: eleven). Layouts, by sheet name:

* dated tables, column A ``Date`` holding quarter ends (2020-09-30 = Jul-Sep 2020):
  - columns are measures, with no policy breakdown (policy label ``All``): 'Historical
    video removals', 'Total removals and removal rate', 'Published removal pct', 'Ads',
    'Fake Engagement', 'Spam';
  - columns are policies and the sheet is the measure: 'Account removals' (accounts
    removed per ban reason, and the total), 'Video removals by policy' (each policy's
    share of all videos removed);
* 'Removal rates by policy': cell A1 names the quarter (``Jul-Sep 2021 removal policy``),
  then one row per policy and one column per rate;
* 'Top 30 Countries' / 'Top 50 Countries': one row per country (code optional, name as
  published), for the workbook's latest quarter;
* 'Sub Policy - Non Automated' / 'Sub Policy': one row per (issue policy, sub-policy) for
  the workbook's latest quarter. The later CSV editions republish these figures as
  ``task_type: human moderation`` rows, so the measure keeps the sheet name as a suffix:
  ``Proactive removal rate (Sub Policy)``.

:func:`read_workbook` returns one :class:`Cell` per table cell under a header (empty cells
included; the caller skips them). A sheet or a measure header this module cannot place
raises InputError naming the sheet and cell: nothing is skipped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from python_calamine import CalamineWorkbook

from site_builder.errors import InputError
from site_builder.periods import parse_period, quarter
from site_builder.settings import GLOBAL

SHARE = "share (0-1)"
ALL = "All"  # policy label of figures without a policy breakdown (the CSVs' Issue 'All')

# Dated sheets whose columns are measures: header -> unit.
MEASURE_SHEETS: dict[str, dict[str, str]] = {
    "Historical video removals": {
        "Total videos removed": "videos", "Videos removed by automation": "videos", "Videos restored": "videos"},
    "Total removals and removal rate": {
        "Total video removal": "videos", "% Proactive Removal": SHARE, "% Removal before any views": SHARE,
        "% Removal within 24 hours": SHARE, "Proactive removal": SHARE, "Removal before any views": SHARE,
        "Removal within 24 hours": SHARE},
    "Published removal pct": {"Removal rate of published": SHARE},
    "Ads": {"Ad removals": "ads", "Ads removed due to account actions": "ads"},
    "Fake Engagement": {
        "Fake likes prevented": "likes", "Fake follow requests prevented": "follow requests",
        "Fake followers removed": "followers", "Fake likes removed": "likes"},
    "Spam": {"Blocked spam account creation": "accounts", "Video removal by spam account removal": "videos"},
}
# Dated sheets whose columns are policies: the sheet name is the measure; its unit.
POLICY_SHEETS: dict[str, str] = {"Account removals": "accounts", "Video removals by policy": SHARE}
RATES_SHEET = "Removal rates by policy"
RATE_UNITS = {name: SHARE for name in (
    "Proactive removal rate", "Removal rate before any views", "Removal rate within 24 hours",
    "Proactive removal", "Removal before any views", "Removal within 24 hours")}
COUNTRY_SHEET = re.compile(r"^Top \d+ Countries$")
COUNTRY_UNITS = {"Total videos removed": "videos", "Proactive removal rate": SHARE, "Proactive removal": SHARE,
                 "Removals before any views": SHARE, "Removals before 24 hours": SHARE}
SUB_POLICY_SHEETS = ("Sub Policy - Non Automated", "Sub Policy")
SUB_POLICY_UNITS = {"Category Share": SHARE, "Proactive removal rate": SHARE,
                    "Removal rate before any views": SHARE, "Removal rate within 24 hours": SHARE}
KNOWN_SHEETS = [*POLICY_SHEETS, *MEASURE_SHEETS, RATES_SHEET, "Top 30 Countries", "Top 50 Countries",
                *SUB_POLICY_SHEETS]

Grid = list[list[object]]


@dataclass(frozen=True)
class Cell:
    """One table cell: its labels, unit, period and place, the value as read, and where it is."""

    policy: str
    metric: str
    unit: str
    start: date
    end: date
    geography: str
    raw: object
    locator: str
    where: str  # "sheet S row R column C", for error messages


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Sheet:
    """One sheet's grid (padded from A1) with helpers that name cells in errors."""

    def __init__(self, display_path: str, name: str, grid: Grid) -> None:
        self.display_path, self.name, self.grid = display_path, name, grid

    def where(self, r: int, c: int) -> str:
        return f"sheet {self.name} row {r + 1} column {column_letter(c)}"

    def error(self, problem: str, r: int, c: int, **kw: object) -> InputError:
        return InputError(self.display_path, problem, cell=self.where(r, c), **kw)  # type: ignore[arg-type]

    def header(self, units: dict[str, str], first: int) -> dict[int, str]:
        """Columns from ``first`` on: index -> measure header; refuse unknown headers and
        values under a blank header."""
        out: dict[int, str] = {}
        head = self.grid[0]
        for c in range(first, len(head)):
            name = _text(head[c])
            if not name:
                for r in range(1, len(self.grid)):
                    if c < len(self.grid[r]) and not _blank(self.grid[r][c]):
                        raise self.error("value in a column without a header", r, c, got=self.grid[r][c])
                continue
            if name not in units:
                raise self.error(f"unknown column {name!r} in sheet {self.name!r}", 0, c,
                                 expected="one of " + ", ".join(repr(u) for u in units))
            out[c] = name
        if not out:
            raise self.error("no value columns", 0, first, expected="one of " + ", ".join(repr(u) for u in units))
        return out

    def body(self, label_cols: int) -> list[tuple[int, list[object]]]:
        """Data rows (index, cells), skipping blank rows; a row with values needs its labels."""
        rows = []
        for r in range(1, len(self.grid)):
            row = self.grid[r]
            if all(_blank(v) for v in row):
                continue
            for c in range(label_cols):
                if c >= len(row) or _blank(row[c]):
                    raise self.error("row has values but no label", r, c, expected="a label in every label column")
            rows.append((r, row))
        return rows

    def label(self, r: int, c: int) -> str:
        value = self.grid[r][c]
        if not isinstance(value, str) or not value.strip():
            raise self.error("label is not text", r, c, got=value, expected="a policy or country name")
        return value.strip()

    def quarter_end(self, r: int) -> tuple[date, date]:
        value = self.grid[r][0]
        day = value.date() if isinstance(value, datetime) else value
        if not isinstance(day, date) or (day.month, day.day) not in ((3, 31), (6, 30), (9, 30), (12, 31)):
            raise self.error("not a quarter-end date", r, 0, got=value, expected="a date such as 2021-09-30")
        return quarter(day.year, day.month // 3)


def read_workbook(path: Path, display_path: str) -> list[Cell]:
    """Every table cell of every sheet; sheets without dates get the latest dated quarter."""
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = [_Sheet(display_path, n, book.get_sheet_by_name(n).to_python(skip_empty_area=False))
                  for n in book.sheet_names]
    except InputError:
        raise
    except Exception as exc:  # calamine reports broken files with its own exception types
        raise InputError(display_path, f"not a readable xlsx workbook: {exc}") from exc
    cells: list[Cell] = []
    undated: list[_Sheet] = []
    for sheet in sheets:
        if not sheet.grid or all(_blank(v) for row in sheet.grid for v in row):
            raise InputError(display_path, f"sheet {sheet.name!r} is empty", expected="a table")
        if sheet.name in MEASURE_SHEETS or sheet.name in POLICY_SHEETS:
            cells += _dated(sheet)
        elif sheet.name == RATES_SHEET:
            cells += _rates(sheet)
        elif COUNTRY_SHEET.match(sheet.name) or sheet.name in SUB_POLICY_SHEETS:
            undated.append(sheet)
        else:
            raise InputError(display_path, f"unknown sheet {sheet.name!r}",
                             expected="the sheets of TikTok's 2021Q3-2022Q3 workbooks: " + ", ".join(KNOWN_SHEETS))
    if undated:
        if not cells:
            raise InputError(display_path, "no dated sheet to take the latest quarter from",
                             expected="a sheet with a Date column")
        latest = max(c.end for c in cells)
        period = quarter(latest.year, (latest.month - 1) // 3 + 1)
        for sheet in undated:
            cells += _countries(sheet, period) if COUNTRY_SHEET.match(sheet.name) else _sub_policies(sheet, period)
    return cells


def _cell(sheet: _Sheet, r: int, c: int, row: list[object], *, policy: str, metric: str, unit: str,
          period: tuple[date, date], geography: str = GLOBAL) -> Cell:
    where = sheet.where(r, c)
    return Cell(policy=policy, metric=metric, unit=unit, start=period[0], end=period[1], geography=geography,
                raw=row[c] if c < len(row) else None, locator=f"{sheet.display_path} {where}", where=where)


def _dated(sheet: _Sheet) -> list[Cell]:
    if _text(sheet.grid[0][0]) != "Date":
        raise sheet.error("first column must be 'Date'", 0, 0, got=sheet.grid[0][0])
    by_policy = sheet.name in POLICY_SHEETS
    if by_policy:
        head = {c: _text(v) for c, v in enumerate(sheet.grid[0]) if c > 0 and _text(v)}
        sheet.header(dict.fromkeys(head.values(), POLICY_SHEETS[sheet.name]), 1)  # blank-header columns
    else:
        head = sheet.header(MEASURE_SHEETS[sheet.name], 1)
    out = []
    for r, row in sheet.body(1):
        period = sheet.quarter_end(r)
        for c, name in head.items():
            if by_policy:
                out.append(_cell(sheet, r, c, row, policy=name, metric=sheet.name,
                                 unit=POLICY_SHEETS[sheet.name], period=period))
            else:
                out.append(_cell(sheet, r, c, row, policy=ALL, metric=name,
                                 unit=MEASURE_SHEETS[sheet.name][name], period=period))
    return out


def _rates(sheet: _Sheet) -> list[Cell]:
    m = re.match(r"^(.*?)\s+removal policy$", _text(sheet.grid[0][0]))
    try:
        if not m:
            raise ValueError("no period")
        period = parse_period(m.group(1))
    except ValueError as exc:
        raise sheet.error("cell A1 must name the quarter", 0, 0, got=sheet.grid[0][0],
                          expected="'<Mon>-<Mon> <year> removal policy', e.g. 'Jul-Sep 2021 removal policy'") from exc
    head = sheet.header(RATE_UNITS, 1)
    return [_cell(sheet, r, c, row, policy=sheet.label(r, 0), metric=name, unit=RATE_UNITS[name], period=period)
            for r, row in sheet.body(1) for c, name in head.items()]


def _countries(sheet: _Sheet, period: tuple[date, date]) -> list[Cell]:
    first = [_text(v) for v in sheet.grid[0][:2]]
    if first[:1] == ["Country Name"]:
        name_col = 0
    elif first == ["Country Code", "Country Name"]:
        name_col = 1
    else:
        raise sheet.error("unexpected country columns", 0, 0, got=first,
                          expected="'Country Name', or 'Country Code' then 'Country Name'")
    head = sheet.header(COUNTRY_UNITS, name_col + 1)
    return [_cell(sheet, r, c, row, policy=ALL, metric=name, unit=COUNTRY_UNITS[name], period=period,
                  geography=sheet.label(r, name_col))
            for r, row in sheet.body(name_col + 1) for c, name in head.items()]


def _sub_policies(sheet: _Sheet, period: tuple[date, date]) -> list[Cell]:
    first = [_text(v) for v in sheet.grid[0][:2]]
    if first != ["Issue policy", "Sub-policy"]:
        raise sheet.error("unexpected policy columns", 0, 0, got=first, expected="'Issue policy', 'Sub-policy'")
    head = sheet.header(SUB_POLICY_UNITS, 2)
    return [_cell(sheet, r, c, row, policy=sheet.label(r, 1), metric=f"{name} ({sheet.name})",
                  unit=SUB_POLICY_UNITS[name], period=period)
            for r, row in sheet.body(2) for c, name in head.items()]
