"""Adapter: Discord transparency report data files (CSV, one period per file).

Two layouts:

* **2020H2-2022Q3**: one small table of reports to NCMEC. A header ``Month,Media reports,
  Escalations`` (2020H2), ``...,Grooming or endangerment escalations`` (2021H1), ``Media
  Reports,Grooming or Endangerment Escalations`` (2021H2 on, counts without thousands
  separators in 2021H2), ``...,Total by month`` (2022Q3); one row per month; then, from
  2022Q1, a blank line and a totals row labelled ``SUM`` (2022Q1) or left blank (2022Q2,
  2022Q3). 2022Q2 starts with a title line ``Q2 NCMEC Reports``; 2022Q3 adds a last row
  ``Total,14,366`` whose single number (under ``Media Reports``) is the sum of the column
  totals above it. No trailing newline before 2022Q4.
* **2022Q4 on**: stacked tables padded with commas to the file's width, each a title line
  (``Warns``, ``Accounts Disabled``, ``NCMEC``, ``Servers Removed``, ``Appeals``), a blank
  line, a header line (``Warns,Individual Accounts Warned,Servers Warned,Server Member
  Warnings``), one row per policy (``Child Safety``, ``Hateful Conduct``...) or month, a
  blank line and a totals row (``Total:``, ``Sum:``, ``Total``). ``--`` marks a figure not
  reported. The Appeals table loses its ``% Accounts Unbanned`` column in 2023Q3.

One output row = one number printed in a cell (``--`` kept as ``not_reported``).
``policy_label`` is the row's policy as printed (the totals row keeps its printed label,
``Total:`` / ``Sum:``), or ``NCMEC reports`` for the reports-to-NCMEC tables, whose rows
are months (monthly periods in the edition's year) and totals (the edition's period).
``metric_label`` is the column header as printed; a header that also heads another table
is prefixed with its table's title (``Appeals: Accounts Disabled``). ``locator`` is
``<file> line N column C``.

An unknown table title or column header, an unreadable value, a title quarter or month
outside the edition stop with an InputError naming the file, line and column. Two known
publisher errors (``ERRATA``) are set aside in the quarantine instead, with the reason.
"""

from __future__ import annotations

import calendar
import csv
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from site_builder.errors import InputError
from site_builder.observations import Observation
from site_builder.periods import month_end, parse_period
from site_builder.quarantine import Quarantined
from site_builder.settings import GLOBAL
from site_builder.values import parse_published

SOURCE_ID = "discord_transparency"
PLATFORM = "Discord"
NCMEC_POLICY = "NCMEC reports"
NCMEC_UNIT = "CyberTipline reports to NCMEC"
NOT_REPORTED = frozenset({"--"})
TOTAL_LABELS = frozenset({"Total", "Total:", "Sum:", "SUM"})
MONTHS = {calendar.month_name[i]: i for i in range(1, 13)}
QUARTER_TITLE = re.compile(r"^Q([1-4]) NCMEC Reports$")


@dataclass(frozen=True)
class Table:
    """A known table: its header line's first cell, its columns (header -> unit), whether
    its rows are months (reports to NCMEC) or policies, and headers needing a prefix."""

    first_header: str
    columns: dict[str, str]
    months: bool = False
    prefixed: frozenset[str] = field(default_factory=frozenset)


NCMEC = Table("Month", dict.fromkeys([
    "Media reports", "Media Reports", "Escalations", "Grooming or endangerment escalations",
    "Grooming or Endangerment Escalations", "Total by month", "Month Total"], NCMEC_UNIT), months=True)
NCMEC_TOTAL_COLUMNS = frozenset({"Total by month", "Month Total"})
TABLES: dict[str, Table] = {
    "Warns": Table("Warns", {"Individual Accounts Warned": "accounts", "Servers Warned": "servers",
                             "Server Member Warnings": "count"}),
    "Accounts Disabled": Table("Accounts Disabled Category", {"Accounts Disabled": "accounts"}),
    "NCMEC": NCMEC,
    "Servers Removed": Table("Servers Removed Category", dict.fromkeys(
        ["Servers Removed Proactive", "Servers Removed Reactive", "Total Servers Removed"], "servers")),
    "Appeals": Table("Appeal Category", {
        "Accounts Disabled": "accounts", "Appeals": "accounts", "% Accounts Who Submitted an Appeal": "percent",
        "Appeals Granted": "accounts", "% Account Appeals Granted": "percent", "% Accounts Unbanned": "percent"},
        prefixed=frozenset({"Accounts Disabled"})),
}
# Known publisher errors, by (edition, table title): the lines concerned are quarantined
# with this reason instead of stopping ingest. Each applies only while its symptom is there.
ERRATA: dict[tuple[str, str], str] = {
    ("2022Q4", "NCMEC"): "month name outside the edition's quarter: the 2022Q4 file labels its monthly rows "
                         "January-March although they sum to the October-December total it prints",
    ("2023Q3", "Accounts Disabled"): "table shifted one row down: the first policy's value cell repeats the "
                                     "header 'Accounts Disabled', so every figure sits beside the wrong policy "
                                     "(the Appeals table gives the same figures correctly aligned)",
}


def _cells(line: str) -> list[str]:
    """One CSV line -> cells stripped, trailing padding cells dropped."""
    record = next(csv.reader([line], strict=True), [])
    cells = [c.strip() for c in record]
    while cells and not cells[-1]:
        cells.pop()
    return cells


class _Parser:
    def __init__(self, lines: list[str], display_path: str, release_id: str, edition: str,
                 quarantine: list[Quarantined]) -> None:
        self.raw, self.path, self.release_id, self.edition = lines, display_path, release_id, edition
        self.quarantine = quarantine
        self.start, self.end = parse_period(edition)
        self.out: list[Observation] = []
        self.keys: dict[tuple, str] = {}
        self.cells: list[list[str]] = []
        for n, line in enumerate(lines, start=1):
            try:
                self.cells.append(_cells(line))
            except csv.Error as exc:
                raise InputError(display_path, f"malformed CSV: {exc}", line=n, got=line) from exc

    def error(self, n: int, problem: str, col: int | None = None, **kw: object) -> InputError:
        return InputError(self.path, problem, line=n, cell=f"column {col}" if col else None, **kw)  # type: ignore[arg-type]

    def set_aside(self, n: int, reason: str) -> None:
        self.quarantine.append(Quarantined(SOURCE_ID, self.release_id, f"{self.path} line {n}", reason, self.raw[n - 1]))

    def blank(self, n: int) -> bool:
        return n > len(self.cells) or not self.cells[n - 1]

    def parse(self) -> list[Observation]:
        n = 1
        while n <= len(self.cells):
            cells = self.cells[n - 1]
            if not cells:
                n += 1
            elif n == self._first_filled() and cells[0] == NCMEC.first_header:
                n = self.table("NCMEC", NCMEC, n)  # 2020H2-2022Q3: no title
            elif len(cells) == 1:
                n = self.titled(cells[0], n)
            else:
                raise self.error(n, "expected a table title line", 1, got=",".join(cells),
                                 expected="one of: " + ", ".join(TABLES))
        if not self.out:
            raise InputError(self.path, "no data rows", expected="at least one table with figures")
        return self.out

    def _first_filled(self) -> int:
        return next(i for i, c in enumerate(self.cells, start=1) if c)

    def titled(self, title: str, n: int) -> int:
        m = QUARTER_TITLE.match(title)
        if m:
            if self.edition != f"{self.start.year}Q{m.group(1)}":
                raise self.error(n, f"title quarter does not match edition {self.edition}", 1, got=title)
            return self.table("NCMEC", NCMEC, n + 1)
        if title not in TABLES:
            raise self.error(n, "unknown table title (or a row with no values)", 1, got=title,
                             expected="one of: " + ", ".join(TABLES))
        return self.table(title, TABLES[title], n + 1)

    def is_title(self, n: int) -> bool:
        cells = self.cells[n - 1]
        return len(cells) == 1 and (cells[0] in TABLES or bool(QUARTER_TITLE.match(cells[0])) or self.blank(n + 1))

    def table(self, title: str, spec: Table, n: int) -> int:
        """Read one table from its header line (after blank lines at ``n``); return the
        line after its end (the next title line, or the end of the file)."""
        while self.blank(n) and n <= len(self.cells):
            n += 1
        header = self.cells[n - 1] if n <= len(self.cells) else []
        if not header or header[0] != spec.first_header:
            raise self.error(n, f"expected the header line of table {title!r}", 1, got=",".join(header),
                             expected=f"a line starting with {spec.first_header!r}")
        for col, name in enumerate(header[1:], start=2):
            if name not in spec.columns:
                raise self.error(n, f"unknown column header in table {title!r}", col, got=name,
                                 expected="one of: " + ", ".join(spec.columns))
        columns = header[1:]
        erratum = ERRATA.get((self.edition, title))
        end = n + 1
        while end <= len(self.cells) and not (self.cells[end - 1] and self.is_title(end)):
            end += 1
        body = [i for i in range(n + 1, end) if self.cells[i - 1]]
        if erratum and not spec.months:
            if not any(v in columns for i in body for v in self.cells[i - 1][1:]):
                raise self.error(n, f"known error {erratum!r} no longer shows; remove it from ERRATA")
            for i in body:
                self.set_aside(i, erratum)
            return end
        totals: dict[str, float] = {}
        for i in body:
            totals = self.row(i, title, spec, columns, totals, erratum)
        return end

    def row(self, n: int, title: str, spec: Table, columns: list[str], totals: dict[str, float],
            erratum: str | None) -> dict[str, float]:
        label, values = self.cells[n - 1][0], self.cells[n - 1][1:]
        if len(values) > len(columns):
            raise self.error(n, f"more values than column headers in table {title!r}", len(columns) + 2,
                             got=values[len(columns)])
        is_total = label in TOTAL_LABELS or (spec.months and not label)
        if spec.months and is_total and totals:
            return self.grand_total(n, label, values, columns, totals)
        if is_total:
            policy, start, end = (NCMEC_POLICY if spec.months else label), self.start, self.end
        elif spec.months:
            if label not in MONTHS:
                raise self.error(n, "unreadable month", 1, got=label, expected="a month name such as July, or Total")
            policy = NCMEC_POLICY
            start = date(self.start.year, MONTHS[label], 1)
            end = month_end(start.year, start.month)
            if not (self.start <= start and end <= self.end):
                if erratum:
                    self.set_aside(n, erratum)
                    return totals
                raise self.error(n, f"month {label} {start.year} is outside edition {self.edition}", 1, got=label)
        elif not label:
            raise self.error(n, f"row without a policy label in table {title!r}", 1, got=",".join(values))
        else:
            policy, start, end = label, self.start, self.end
        found: dict[str, float] = {}
        for col, (name, text) in enumerate(zip(columns, values + [""] * len(columns)), start=2):
            if not text:
                if is_total:
                    continue  # a totals row may leave a column blank: nothing printed there
                raise self.error(n, f"missing value under {name!r}", col)
            metric = f"{title}: {name}" if name in spec.prefixed else name
            value = self.emit(n, col, policy, metric, start, end, text, spec.columns[name])
            if value is not None:
                found[name] = value
        return found if is_total else totals

    def grand_total(self, n: int, label: str, values: list[str], columns: list[str],
                    totals: dict[str, float]) -> dict[str, float]:
        """A second totals row (2022Q3 ``Total,14,366``): one number, the sum of the column totals."""
        if not label or len([v for v in values if v]) != 1 or not values[0]:
            raise self.error(n, "a second totals row must hold one number in the first column", 1,
                             got=",".join([label, *values]))
        value = self.emit(n, 2, NCMEC_POLICY, label, self.start, self.end, values[0], NCMEC_UNIT)
        parts = sum(v for k, v in totals.items() if k not in NCMEC_TOTAL_COLUMNS)
        if value != parts:
            raise self.error(n, f"grand total is not the sum of the column totals ({parts:g})", 2, got=values[0])
        return totals

    def emit(self, n: int, col: int, policy: str, metric: str, start: date, end: date, text: str,
             unit: str) -> float | None:
        if text in NOT_REPORTED:
            status, value = "not_reported", None
        else:
            try:
                parsed = parse_published(text)
            except ValueError as exc:
                raise self.error(n, str(exc), col) from exc
            want = "percent" if unit == "percent" else "count"
            if parsed.unit_kind != want or parsed.status != "reported":
                raise self.error(n, f"{metric!r} needs a {want} but the value is not one", col, got=text)
            status, value = "reported", parsed.value
        locator = f"{self.path} line {n} column {col}"
        key = (policy, metric, start, end)
        if key in self.keys:
            raise self.error(n, f"second value for {policy!r} / {metric!r} / {start}-{end} (also at {self.keys[key]})", col)
        self.keys[key] = locator
        self.out.append(Observation(
            source_id=SOURCE_ID, release_id=self.release_id, platform_label=PLATFORM, policy_label=policy,
            metric_label=metric, period_start=start, period_end=end, geography=GLOBAL, value_status=status,
            value=value, value_low=None, value_high=None, value_as_published=text, unit=unit, locator=locator))
        return value


def parse(path: Path, *, release_id: str, edition: str, display_path: str,
          quarantine: list[Quarantined] | None = None) -> list[Observation]:
    """Read one Discord data file; raise InputError at the first line that is not in a known layout."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(display_path, f"not UTF-8 text: {exc}") from exc
    sink = quarantine if quarantine is not None else []
    return _Parser(text.splitlines(), display_path, release_id, edition, sink).parse()
