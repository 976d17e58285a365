"""Adapter: Discord transparency report data files (CSV, one period per file).

Two layouts:

* **2020H2-2022Q3**: one small table of reports to NCMEC. A header ``Month,Media reports,
  Escalations`` (2020H2), ``...,Grooming or endangerment escalations`` (2021H1), ``Media
  Reports,Grooming or Endangerment Escalations`` (2021H2 on; counts without thousands
  separators in 2021H2), ``...,Total by month`` (2022Q3); one row per month; from 2022Q1 a
  blank line and a totals row labelled ``SUM`` (2022Q1) or left blank (2022Q2, 2022Q3).
  2022Q2 starts with a title line ``Q2 NCMEC Reports``; 2022Q3 ends with ``Total,14,366``,
  one number (under ``Media Reports``) that is the sum of the column totals above it.
* **2022Q4 on**: stacked tables padded with commas to the file's width, each a title line,
  a blank line, a header line (``Warns,Individual Accounts Warned,Servers Warned,Server
  Member Warnings``), rows and a totals row (``Total:``, ``Sum:``, ``Total``). Rows are
  policies (``Child Safety``, ``Hateful Conduct``...: Warns, Accounts Disabled, Servers
  Removed, Appeals, Reports / Online Reports / In-App Reports), months (NCMEC), request
  types (Legal, United States Government Information Requests) or countries
  (International Government Information Requests, Preservation Requests, Emergency
  Requests). ``--`` marks a figure not reported. Changes: 2022Q4-2023Q1 ``Reports`` and
  ``Legal`` (with a second, untitled ``Request Type,Requests,Complied`` header for
  preservation requests); 2023Q2 ``Online Reports`` + ``In-App Reports`` and government
  requests by country; 2023Q3 drops ``Online Reports`` and the Appeals column ``%
  Accounts Unbanned``; 2023Q4 adds ``Emergency Requests`` (its title quoted with an
  embedded line break) and a header with a footnote mark (``Information Produced*``).

One output row = one number printed in a cell (``--`` kept as ``not_reported``).
``policy_label``: the row's policy or request type as printed (a totals row keeps its
label, ``Total:`` / ``Sum:``); ``NCMEC reports`` for the reports-to-NCMEC tables (months
get monthly periods in the edition's year, totals the edition's period); the table title
for tables by country, whose country goes to ``geography`` (totals: ``global``).
``metric_label``: the column header as printed, prefixed with the table title where the
header heads several tables (``Appeals: Accounts Disabled``). ``locator``: ``<file> line N
column C`` (the line where the CSV record starts).

An unknown table title or column header, an unreadable value, a title quarter or month
outside the edition raise InputError naming the file, line and column. Known publisher
errors (``ERRATA``) are set aside in the quarantine instead, with the reason. A table known
to be shifted one row down (``REALIGNED``: 2023Q3 Accounts Disabled) is read from the table of
the same file that prints the same figures aligned (the Appeals table's Accounts Disabled
column): each figure keeps the shifted table's policy and metric, its locator points at the
aligned cell and ``note`` says so; it is read only if the shifted cells are exactly the aligned
figures one row down, and set aside otherwise.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from site_builder.errors import InputError
from site_builder.observations import Observation
from site_builder.periods import MONTH_NAMES, month_end, parse_period
from site_builder.quarantine import Quarantined
from site_builder.settings import GLOBAL
from site_builder.textfile import read_text
from site_builder.values import NegativeValue, Problems, parse_published

SOURCE_ID = "discord_transparency"
PLATFORM = "Discord"
NCMEC_POLICY = "NCMEC reports"
NCMEC_UNIT = "CyberTipline reports to NCMEC"
NOT_REPORTED = frozenset({"--"})
TOTAL_LABELS = frozenset({"Total", "Total:", "Sum:", "SUM"})
MONTHS = {name: i for i, name in enumerate(MONTH_NAMES, start=1)}
QUARTER_TITLE = re.compile(r"^Q([1-4]) NCMEC Reports$")


@dataclass(frozen=True)
class Table:
    """A known table: the first cell of its header line, its columns (header -> unit) and
    what its rows are: ``policy``, ``month``, ``request`` (request type) or ``country``."""

    first_header: str
    columns: dict[str, str]
    rows: str = "policy"


_REPORTS = {"Reports Received": "reports", "Reports Actioned": "reports", "% of Reports Actioned": "percent"}
_LEGAL = {"Requests": "count", "Information Produced": "count", "Information Produced*": "count", "Complied": "count"}
NCMEC = Table("Month", dict.fromkeys([
    "Media reports", "Media Reports", "Escalations", "Grooming or endangerment escalations",
    "Grooming or Endangerment Escalations", "Total by month", "Month Total"], NCMEC_UNIT), "month")
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
        "Appeals Granted": "accounts", "% Account Appeals Granted": "percent", "% Accounts Unbanned": "percent"}),
    "Reports": Table("Report Category", _REPORTS),
    "Online Reports": Table("Report Category", _REPORTS),
    "In-App Reports": Table("Report Category", {"Reports Received": "reports"}),
    "Legal": Table("Request Type", _LEGAL, "request"),
    "United States Government Information Requests": Table("Request Type", _LEGAL, "request"),
    "International Government Information Requests": Table("Country", _LEGAL, "country"),
    "Preservation Requests": Table("Country", _LEGAL, "country"),
    "Emergency Requests": Table("Country", _LEGAL, "country"),
}
# A header (footnote mark aside) that heads more than one table is prefixed with the
# table's title, so that (policy, metric) keys stay unique within a file and across files.
_HEADS: dict[str, int] = {}
for _spec in TABLES.values():
    for _name in {h.rstrip("*") for h in _spec.columns}:
        _HEADS[_name] = _HEADS.get(_name, 0) + 1
# Known publisher errors, by (edition, table title): the lines concerned are quarantined
# with this reason instead of stopping ingest. Each applies only while its symptom shows.
ERRATA: dict[tuple[str, str], str] = {
    ("2022Q4", "NCMEC"): "month name outside the edition's quarter: the 2022Q4 file labels its monthly rows "
                         "January-March although they sum to the October-December total it prints",
}


@dataclass(frozen=True)
class Realigned:
    """A table printed one row down (its first value cell repeats the column header, every
    figure sits beside the policy above its own) whose figures table ``aligned`` of the same
    file prints, correctly aligned, in column ``column``."""

    reason: str
    aligned: str
    column: str


REALIGNED: dict[tuple[str, str], Realigned] = {
    ("2023Q3", "Accounts Disabled"): Realigned(
        "table shifted one row down: the first policy's value cell repeats the header 'Accounts Disabled', so "
        "every figure sits beside the wrong policy", aligned="Appeals", column="Accounts Disabled"),
}


def metric_label(title: str, header: str) -> str:
    base = header.rstrip("*")
    return f"{title}: {header}" if _HEADS.get(base, 0) > 1 and base != title else header


@dataclass(frozen=True)
class Record:
    """One CSV record: first and last physical line, cells stripped, padding dropped."""

    line: int
    last: int
    cells: list[str]


def read_records(text: str, display_path: str) -> list[Record]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    out: list[Record] = []
    try:
        for record in reader:
            cells = [c.strip() for c in record]
            while cells and not cells[-1]:
                cells.pop()
            out.append(Record(out[-1].last + 1 if out else 1, reader.line_num, cells))
    except csv.Error as exc:
        raise InputError(display_path, f"malformed CSV: {exc}", line=(out[-1].last + 1 if out else 1)) from exc
    return out


class _Parser:
    def __init__(self, text: str, display_path: str, release_id: str, edition: str,
                 quarantine: list[Quarantined]) -> None:
        self.path, self.release_id, self.edition, self.quarantine = display_path, release_id, edition, quarantine
        self.lines = text.splitlines()
        self.recs = read_records(text, display_path)
        self.start, self.end = parse_period(edition)
        self.out: list[Observation] = []
        self.keys: dict[tuple, str] = {}
        self.negatives = Problems(display_path, "negative values (counts are never negative)")
        self.shifted: list[tuple[str, Table, list[str], list[Record], Realigned]] = []

    def error(self, rec: Record, problem: str, col: int | None = None, **kw: object) -> InputError:
        cell = f"column {col}" if col else None
        return InputError(self.path, problem, line=rec.line, cell=cell, **kw)  # type: ignore[arg-type]

    def set_aside(self, rec: Record, reason: str) -> None:
        content = "\n".join(self.lines[rec.line - 1:rec.last])
        self.quarantine.append(Quarantined(SOURCE_ID, self.release_id, f"{self.path} line {rec.line}", reason, content))

    def is_title(self, i: int) -> bool:
        """A one-cell record that names a known table, or that a blank record follows."""
        cells = self.recs[i].cells
        if len(cells) != 1:
            return False
        after_blank = i + 1 >= len(self.recs) or not self.recs[i + 1].cells
        return cells[0] in TABLES or bool(QUARTER_TITLE.match(cells[0])) or after_blank

    def parse(self) -> list[Observation]:
        filled = [i for i, r in enumerate(self.recs) if r.cells]
        i = filled[0] if filled else len(self.recs)
        if i < len(self.recs) and self.recs[i].cells[0] == NCMEC.first_header:
            i = self.table("NCMEC", NCMEC, i)  # 2020H2-2022Q3: no title
        while i < len(self.recs):
            rec = self.recs[i]
            if not rec.cells:
                i += 1
            elif self.is_title(i):
                i = self.titled(rec, i)
            else:
                raise self.error(rec, "expected a table title line", 1, got=",".join(rec.cells),
                                 expected="one of: " + ", ".join(TABLES))
        self.negatives.raise_if_any()
        for shifted in self.shifted:
            self.realign(*shifted)
        if not self.out:
            raise InputError(self.path, "no data rows", expected="at least one table with figures")
        return self.out

    def titled(self, rec: Record, i: int) -> int:
        title = rec.cells[0]
        m = QUARTER_TITLE.match(title)
        if m:
            if self.edition != f"{self.start.year}Q{m.group(1)}":
                raise self.error(rec, f"title quarter does not match edition {self.edition}", 1, got=title)
            return self.table("NCMEC", NCMEC, i + 1)
        if title not in TABLES:
            raise self.error(rec, "unknown table title (or a row with no values)", 1, got=title,
                             expected="one of: " + ", ".join(TABLES))
        return self.table(title, TABLES[title], i + 1)

    def header(self, rec: Record | None, title: str, spec: Table) -> list[str]:
        if rec is None or not rec.cells or rec.cells[0] != spec.first_header:
            raise self.error(rec or self.recs[-1], f"expected the header line of table {title!r}", 1,
                             got=",".join(rec.cells) if rec else None,
                             expected=f"a line starting with {spec.first_header!r}")
        for col, name in enumerate(rec.cells[1:], start=2):
            if name not in spec.columns:
                raise self.error(rec, f"unknown column header in table {title!r}", col, got=name,
                                 expected="one of: " + ", ".join(spec.columns))
        return rec.cells[1:]

    def table(self, title: str, spec: Table, i: int) -> int:
        """Read one table from its header (blank records first are skipped); return the index
        of the record after it (the next title, or the end of the file)."""
        while i < len(self.recs) and not self.recs[i].cells:
            i += 1
        columns = self.header(self.recs[i] if i < len(self.recs) else None, title, spec)
        end = i + 1
        while end < len(self.recs) and not (self.recs[end].cells and self.is_title(end)):
            end += 1
        body = [r for r in self.recs[i + 1:end] if r.cells]
        fix = REALIGNED.get((self.edition, title))
        if fix:
            if not (body and body[0].cells[1:2] == columns[:1]):
                raise self.error(self.recs[i], f"known error no longer shows; remove it from REALIGNED: {fix.reason}")
            self.shifted.append((title, spec, columns, body, fix))  # read once the aligned table is read
            return end
        erratum = ERRATA.get((self.edition, title))
        if erratum and spec.rows != "month":
            if not any(v in columns for r in body for v in r.cells[1:]):
                raise self.error(self.recs[i], f"known error no longer shows; remove it from ERRATA: {erratum}")
            for r in body:
                self.set_aside(r, erratum)
            return end
        totals: dict[str, float] = {}
        set_aside = len(self.quarantine)
        for rec in body:
            if rec.cells[0] == spec.first_header:  # a second header within the table (2022Q4 Legal)
                columns, totals = self.header(rec, title, spec), {}
            else:
                totals = self.row(rec, title, spec, columns, totals, erratum)
        if erratum and len(self.quarantine) == set_aside:
            raise self.error(self.recs[i], f"known error no longer shows; remove it from ERRATA: {erratum}")
        return end

    def realign(self, title: str, spec: Table, columns: list[str], body: list[Record], fix: Realigned) -> None:
        """Read a table printed one row down from the aligned copy of its figures: its value
        cells (the first, a repeated header, aside) must be the aligned table's figures for its
        policies, in order, then its total; otherwise none can be read and the lines are set aside."""
        source = metric_label(fix.aligned, fix.column)
        aligned = {o.policy_label: o for o in self.out if o.metric_label == source}
        labels = [r.cells[0] for r in body if r.cells[0]]
        names = [x for x in labels if x not in TOTAL_LABELS] + [x for x in labels if x in TOTAL_LABELS][:1]
        totals = [o for o in aligned.values() if o.policy_label in TOTAL_LABELS]
        want = [aligned.get(x) if x not in TOTAL_LABELS else (totals[0] if len(totals) == 1 else None) for x in names]
        shifted = [r.cells[1] for r in body[1:] if len(r.cells) > 1 and r.cells[1]]
        if None in want or [o.value_as_published for o in want if o] != shifted:
            for r in body:
                self.set_aside(r, f"{fix.reason}; the {fix.aligned} table does not print the same figures, so "
                                  "none can be read")
            return
        note = (f"the {title} table (lines {body[0].line}-{body[-1].last}) is printed one row down; this figure is "
                f"read from the {fix.aligned} table's {fix.column} column, which prints the same figures aligned")
        for name, o in zip(names, want):
            metric = metric_label(title, columns[0])
            key = (name, metric, o.period_start, o.period_end, o.geography)
            if key in self.keys:
                raise self.error(body[0], f"second value for {' / '.join(map(str, key))} (also at {self.keys[key]})", 2)
            self.keys[key] = o.locator
            self.out.append(replace(o, policy_label=name, metric_label=metric, unit=spec.columns[columns[0]], note=note))

    def row(self, rec: Record, title: str, spec: Table, columns: list[str], totals: dict[str, float],
            erratum: str | None) -> dict[str, float]:
        label, values = rec.cells[0], rec.cells[1:]
        if len(values) > len(columns):
            raise self.error(rec, f"more values than column headers in table {title!r}", len(columns) + 2,
                             got=values[len(columns)])
        is_total = label in TOTAL_LABELS or (spec.rows == "month" and not label)
        start, end, geography = self.start, self.end, GLOBAL
        if spec.rows == "month" and is_total and totals:
            return self.grand_total(rec, label, values, totals)
        if not label and not is_total:
            raise self.error(rec, f"row without a label in table {title!r}", 1, got=",".join(values))
        if spec.rows == "month":
            policy = NCMEC_POLICY
            if not is_total:
                if label not in MONTHS:
                    raise self.error(rec, "unreadable month", 1, got=label,
                                     expected="a month name such as July, or Total")
                start = date(self.start.year, MONTHS[label], 1)
                end = month_end(start.year, start.month)
                if not (self.start <= start and end <= self.end):
                    if erratum:
                        self.set_aside(rec, erratum)
                        return totals
                    raise self.error(rec, f"month {label} {start.year} is outside edition {self.edition}", 1, got=label)
        elif spec.rows == "country":
            policy, geography = title, (GLOBAL if is_total else label)
        else:
            policy = label
        found: dict[str, float] = {}
        for col, (name, text) in enumerate(zip(columns, values + [""] * len(columns)), start=2):
            if not text:
                if is_total:
                    continue  # a totals row may leave a column blank: nothing is printed there
                raise self.error(rec, f"missing value under {name!r}", col)
            value = self.emit(rec, col, policy, metric_label(title, name), start, end, geography, text,
                              spec.columns[name])
            if value is not None:
                found[name] = value
        return found if is_total else totals

    def grand_total(self, rec: Record, label: str, values: list[str], totals: dict[str, float]) -> dict[str, float]:
        """A second totals row (2022Q3 ``Total,14,366``): one number, the sum of the column totals."""
        if not label or len([v for v in values if v]) != 1 or not values[0]:
            raise self.error(rec, "a second totals row must hold one number in the first column", 1,
                             got=",".join([label, *values]))
        value = self.emit(rec, 2, NCMEC_POLICY, label, self.start, self.end, GLOBAL, values[0], NCMEC_UNIT)
        parts = sum(v for k, v in totals.items() if k not in NCMEC_TOTAL_COLUMNS)
        if value != parts:
            raise self.error(rec, f"grand total is not the sum of the column totals ({parts:g})", 2, got=values[0])
        return totals

    def emit(self, rec: Record, col: int, policy: str, metric: str, start: date, end: date, geography: str,
             text: str, unit: str) -> float | None:
        if text in NOT_REPORTED:
            status, value = "not_reported", None
        else:
            try:
                parsed = parse_published(text)
            except NegativeValue as exc:
                # reported with the others at the end; the number still counts in the totals checks
                self.negatives.add(self.error(rec, str(exc), col))
                return -(parse_published(text.strip().lstrip("-").strip()).value or 0.0)
            except ValueError as exc:
                raise self.error(rec, str(exc), col) from exc
            want = "percent" if unit == "percent" else "count"
            if parsed.unit_kind != want or parsed.status != "reported":
                raise self.error(rec, f"{metric!r} needs a {want} but the value is not one", col, got=text)
            status, value = "reported", parsed.value
        locator = f"{self.path} line {rec.line} column {col}"
        key = (policy, metric, start, end, geography)
        if key in self.keys:
            raise self.error(rec, f"second value for {' / '.join(map(str, key))} (also at {self.keys[key]})", col)
        self.keys[key] = locator
        self.out.append(Observation(
            source_id=SOURCE_ID, release_id=self.release_id, platform_label=PLATFORM, policy_label=policy,
            metric_label=metric, period_start=start, period_end=end, geography=geography, value_status=status,
            value=value, value_low=None, value_high=None, value_as_published=text, unit=unit, locator=locator))
        return value


def parse(path: Path, *, release_id: str, edition: str, display_path: str,
          quarantine: list[Quarantined] | None = None) -> list[Observation]:
    """Read one Discord data file; raise InputError at the first line that is not in a known layout."""
    text = read_text(path, display_path)
    sink = quarantine if quarantine is not None else []
    return _Parser(text, display_path, release_id, edition, sink).parse()
