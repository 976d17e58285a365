"""Adapter: the EU's harmonised DSA transparency reports (Implementing Regulation (EU) 2024/2835).

A report is published as one CSV per table of the template (Annex I). This adapter reads the
tables of one report together: table 1 (report identification: ``Applicability,Service,
Indicator,Value``, one row per indicator) gives the provider, the publication dates and the
reporting period; table 4 (notices under Article 16: one row per category or keyword of
illegal content, 10 figures and a "Contextual information on ..." column for each) gives the
numbers. Tables 5-8 plug in the same way: a test in :func:`table_of` that knows the table by its
header, and a reader ``(path, display, ident, release_id, quarantine) -> observations`` in
:data:`TABLE_READERS`.

One report = one release: service x reporting period x publication date (from table 1, never
from a file name). One output row = one figure cell of table 4: the policy label is the row's
code as published (``TOTAL``, ``STATEMENT_CATEGORY_...``, or ``<category> / KEYWORD_...`` for a
keyword row, so that the ``KEYWORD_OTHER`` of each category stays apart; a keyword repeated
under one category gets ``(row 2)``); the metric label is the column header without its
trailing spaces; the locator names the file, the line the row starts on and the column header
exactly as published. An empty cell is ``not_reported`` (never 0). The row's contextual
information for that figure and its "Other" description become the number's note.

What the real files do and this adapter handles: numbers quoted with thousands separators
(``"353,997"``), CRLF and LF line endings, header cells with trailing spaces, quoted notes
over several lines, an extra ``Category label`` column (TikTok), trailing empty columns in
table 1, rows the template does not define (kept as published; marked in SQL through
``data/taxonomy/dsa_template.csv``). A row holding a template placeholder (``YYYY-MM-DD``,
``{{...}}``, ``[...]``) is set aside in the quarantine. Anything else that is not a number
(``N/A`` is ``not_reported``; ``4%-5%``, ``about 10``) stops the ingest with the file, line and
column, as do a renamed column, an unknown table, and a period or service that differs from
table 1.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from site_builder.errors import InputError
from site_builder.observations import Observation
from site_builder.periods import period_label
from site_builder.quarantine import Quarantined
from site_builder.textfile import csv_lines, read_text

SOURCE_ID = "dsa_reports"
GEOGRAPHY = "EU"  # the reports cover the service in the European Union

# Table 1: indicator as published -> field of ReportId
IDENTIFICATION = {
    "Name of the service provider": "provider",
    "Date of the publication of the report": "published",
    "Date of the publication of the latest previous report": "previous",
    "Starting date of reporting period": "start",
    "Ending date of reporting period": "end",
}
TABLE1_HEADER = ["Applicability", "Service", "Indicator", "Value"]

# Table 4: the row columns, then (figure column, unit kind) in the template's order.
ROW_COLUMNS = ["Applicability", "Service", "Reporting period", "Category of illegal content",
               'Description of the sub-category "Other"']
OPTIONAL_ROW_COLUMNS = ["Category label"]  # TikTok numbers its rows ("Category 9b")
FIGURES = [
    ("Number of notices received", "notices"),
    ("Number of notices received from Trusted flaggers", "notices"),
    ("Number of specific items of information included in the total number of notices", "items of information"),
    ("Number of specific items of information included in the total number of notices by Trusted Flaggers "
     "(Trusted Flagger notices)", "items of information"),
    ("Median time to take action", "time"),
    ("Median time to take action (Trusted Flagger notices)", "time"),
    ("Number of actions taken on the basis of the law", "actions"),
    ("Number of actions taken on the basis of the law (Trusted Flagger notices)", "actions"),
    ("Number of actions taken on the basis of the terms and conditions of the service", "actions"),
    ("Number of actions taken on the basis of the terms and conditions of the service (Trusted Flagger notices)",
     "actions"),
]
CONTEXT = "Contextual information on "
TABLE4_HEADER = ROW_COLUMNS + [f for f, _ in FIGURES] + [CONTEXT + f for f, _ in FIGURES]
TIME_UNSTATED = "time (unit not stated)"
TIME_IN_HOURS = re.compile(r"\btime in hours\b|\bin hours\b", re.IGNORECASE)

_NUMBER = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_PLACEHOLDER = re.compile(r"^(?:\{\{.*\}\}|\[.*\]|Y{2,4}-M{2}-D{2}|X{2,}|N{2,}|#+)$", re.IGNORECASE)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PERIOD = re.compile(r"^(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class ReportId:
    """Table 1 of one report: who published it, when, and for which period; ``lines`` gives the
    line of each indicator (for locators)."""

    provider: str
    service: str
    published: date
    previous: date | None
    start: date
    end: date
    file: str
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def period(self) -> str:
        return period_label(self.start, self.end)

    @property
    def release_key(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", self.service.lower()).strip("-")
        return f"{slug}-{self.period}-published-{self.published.isoformat()}"

    @property
    def edition(self) -> str:
        return f"{self.period} (published {self.published.isoformat()})"


@dataclass
class Report:
    """One report as read: its identification and the observations of its tables."""

    ident: ReportId
    observations: list[Observation]
    files: list[str]


def table_of(header: list[str]) -> str:
    """Which template table a file holds, known by its header (cells stripped)."""
    cells = [c.strip() for c in header]
    if cells[:4] == TABLE1_HEADER and not any(cells[4:]):
        return "1"
    # table 4 by its figure and contextual columns (most of them), so that a renamed column is
    # reported by read_notices as such rather than as an unknown table; table 5 shares the row
    # columns but none of these
    if "Category of illegal content" in cells and len(set(cells) & set(TABLE4_HEADER[len(ROW_COLUMNS):])) >= len(FIGURES):
        return "4"
    raise InputError("", "unknown table: the header is neither table 1 (Applicability,Service,Indicator,Value) "
                     "nor table 4 (notices)", line=1, got=",".join(cells[:6]))


def _records(text: str, display: str):
    """(first line, record) for every CSV record of ``text``; a quoted note over several lines
    counts from the line it starts on."""
    reader = csv.reader(csv_lines(text), strict=True)
    end = 0
    try:
        for record in reader:
            start, end = end + 1, reader.line_num
            yield start, record
    except csv.Error as exc:
        raise InputError(display, f"malformed CSV: {exc}", line=reader.line_num) from exc


def _date(text: str, display: str, line: int, what: str) -> date:
    raw = text.strip()
    if not _ISO_DATE.match(raw):
        raise InputError(display, f"{what}: not a date", line=line, cell="column Value", got=raw,
                         expected="a date such as 2026-02-28")
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise InputError(display, f"{what}: {exc}", line=line, cell="column Value", got=raw) from exc


def read_identification(path: Path, display: str) -> ReportId:
    """Table 1 of a report."""
    text = read_text(path, display)
    rows = list(_records(text, display))
    if not rows:
        raise InputError(display, "no header", line=1, expected=",".join(TABLE1_HEADER))
    _, header = rows[0]
    if [c.strip() for c in header[:4]] != TABLE1_HEADER or any(c.strip() for c in header[4:]):
        raise InputError(display, "unexpected header of table 1", line=1, got=",".join(header),
                         expected=",".join(TABLE1_HEADER))
    found: dict[str, str] = {}
    lines: dict[str, int] = {}
    services: dict[str, int] = {}  # service as published -> first line naming it
    for line, record in rows[1:]:
        if not any(c.strip() for c in record):
            continue
        if any(c.strip() for c in record[4:]):
            raise InputError(display, "a value beyond the fourth column", line=line, got=",".join(record))
        _, service, indicator, value = (record + ["", "", "", ""])[:4]
        indicator = indicator.strip()
        if indicator not in IDENTIFICATION:
            raise InputError(display, "unknown indicator", line=line, cell="column Indicator", got=indicator,
                             expected="one of " + "; ".join(IDENTIFICATION))
        key = IDENTIFICATION[indicator]
        if key in found:
            raise InputError(display, f"indicator {indicator!r} given twice (lines {lines[key]} and {line})", line=line)
        found[key], lines[key] = value.strip(), line
        services.setdefault(service.strip(), line)
    missing = [i for i, k in IDENTIFICATION.items() if k not in found and k != "previous"]
    if missing:
        raise InputError(display, "missing indicator" + ("s " if len(missing) > 1 else " ") + "; ".join(missing))
    if len(services) != 1:
        first, *others = services
        raise InputError(display, f"the rows name different services (line {services[first]}: {first!r})",
                         line=services[others[0]], cell="column Service", got=others[0])
    for key in ("published", "previous", "start", "end"):
        if key in found and _PLACEHOLDER.match(found[key]):
            raise InputError(display, "a template placeholder instead of a date", line=lines[key],
                             cell="column Value", got=found[key], expected="a date such as 2026-02-28")
    start = _date(found["start"], display, lines["start"], "Starting date of reporting period")
    end = _date(found["end"], display, lines["end"], "Ending date of reporting period")
    if end < start:
        raise InputError(display, "the reporting period ends before it starts", line=lines["end"], got=f"{start} to {end}")
    previous = found.get("previous", "")
    return ReportId(
        provider=found["provider"], service=next(iter(services)), file=display, lines=lines,
        published=_date(found["published"], display, lines["published"], "Date of the publication of the report"),
        previous=_date(previous, display, lines["previous"], "Date of the publication of the latest previous report")
        if previous else None,
        start=start, end=end,
    )


def _value(text: str, display: str, line: int, header: str) -> tuple[str, float | None]:
    """(status, value) of a figure cell: a count or a decimal (thousands separators allowed);
    empty or N/A -> not reported."""
    raw = text.strip()
    if raw in ("", "N/A"):
        return "not_reported", None
    if _NUMBER.match(raw):
        return "reported", float(Decimal(raw.replace(",", "")))
    if raw.startswith("-") and _NUMBER.match(raw[1:].strip()):
        raise InputError(display, "a negative value (counts and times are never negative)", line=line,
                         cell=f"column {header!r}", got=raw)
    raise InputError(display, "not a number", line=line, cell=f"column {header!r}", got=raw,
                     expected="a count such as 353,997 or 1756, a time such as 48.18, N/A or an empty cell")


def _period_of(text: str) -> tuple[date, date] | None:
    """(start, end) of a ``2025-07-01/2025-12-31`` reporting period; None if it is not one."""
    m = _PERIOD.match(text)
    try:
        return (date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))) if m else None
    except ValueError:  # 2025-13-01: the shape of a date, not a date
        return None


def read_notices(path: Path, display: str, ident: ReportId, release_id: str,
                 quarantine: list[Quarantined]) -> list[Observation]:
    """Table 4 of a report: one observation per figure cell (see the module docstring)."""
    text = read_text(path, display)
    records = _records(text, display)
    _, header = next(records, (1, []))
    cells = [c.strip() for c in header]
    expected = TABLE4_HEADER
    optional = [c for c in OPTIONAL_ROW_COLUMNS if c in cells]
    missing = [c for c in expected if c not in cells]
    unknown = [c for c in cells if c not in expected and c not in optional]
    if missing or unknown or len(set(cells)) != len(cells):
        problem = "; ".join(p for p in (
            ("missing column" + ("s " if len(missing) > 1 else " ") + " | ".join(missing)) if missing else "",
            ("unknown column" + ("s " if len(unknown) > 1 else " ") + " | ".join(unknown or ["(empty name)"]))
            if unknown else "",
            "a column given twice" if len(set(cells)) != len(cells) else "") if p)
        raise InputError(display, f"unexpected header of table 4: {problem}", line=1,
                         expected="the template's 25 columns (" + ", ".join(ROW_COLUMNS[:4]) + ", ...)")
    col = {c: i for i, c in enumerate(cells)}
    time_unit = TIME_UNSTATED
    rows: list[tuple[int, list[str]]] = []
    for line, record in records:
        if not any(c.strip() for c in record):
            continue
        if len(record) != len(cells):
            raise InputError(display, f"row has {len(record)} fields, the header {len(cells)}", line=line)
        rows.append((line, record))
        for name, kind in FIGURES:
            if kind == "time" and TIME_IN_HOURS.search(record[col[CONTEXT + name]]):
                time_unit = "hours"  # the provider's note on the column says the unit
    out: list[Observation] = []
    set_aside = len(quarantine)  # the list is shared by every report of an ingest
    category = ""
    seen: dict[str, int] = {}
    for line, record in rows:
        service = record[col["Service"]].strip()
        if service.lower() != ident.service.lower():
            raise InputError(display, f"service {service!r} differs from table 1 ({ident.service!r}, {ident.file})",
                             line=line, cell="column Service")
        period = record[col["Reporting period"]].strip()
        if _period_of(period) != (ident.start, ident.end):
            raise InputError(display, f"reporting period differs from table 1 ({ident.start}/{ident.end}, {ident.file})",
                             line=line, cell="column Reporting period", got=period)
        code = record[col["Category of illegal content"]].strip()
        if code == "TOTAL":
            label = "TOTAL"
        elif code.startswith("STATEMENT_CATEGORY_"):
            category = label = code
        elif code.startswith("KEYWORD_"):
            if not category:
                raise InputError(display, "a keyword row before any category row", line=line,
                                 cell="column Category of illegal content", got=code)
            label = f"{category} / {code}"
        else:
            raise InputError(display, "unknown row code", line=line, cell="column Category of illegal content",
                             got=code, expected="TOTAL, a STATEMENT_CATEGORY_... or a KEYWORD_... code")
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label} (row {seen[label]})"
        placeholders = [(name, record[col[name]]) for name, _ in FIGURES if _PLACEHOLDER.match(record[col[name]].strip())]
        if placeholders:
            quarantine.append(Quarantined(
                source_id=SOURCE_ID, release_id=release_id, locator=f"{display} line {line}",
                reason="template placeholder " + ", ".join(f"{v.strip()!r} in column {n!r}" for n, v in placeholders)
                + " instead of a number", content=",".join(record)))
            continue
        other = record[col['Description of the sub-category "Other"']].strip()
        tiktok_label = record[col["Category label"]].strip() if "Category label" in col else ""
        for name, kind in FIGURES:
            published_header = header[col[name]]
            status, value = _value(record[col[name]], display, line, published_header)
            notes = [n for n in (
                f'Description of the sub-category "Other": {other}' if other else "",
                f"Row labelled {tiktok_label!r} in the report" if tiktok_label else "",
                record[col[CONTEXT + name]].strip()) if n]
            out.append(Observation(
                source_id=SOURCE_ID, release_id=release_id, platform_label=service, policy_label=label,
                metric_label=name, period_start=ident.start, period_end=ident.end, geography=GEOGRAPHY,
                value_status=status, value=value, value_low=None, value_high=None,
                value_as_published=record[col[name]], unit=time_unit if kind == "time" else kind,
                locator=f"{display} line {line} column '{published_header}'", note="\n\n".join(notes)))
    if not out and len(quarantine) == set_aside:
        raise InputError(display, "no data rows", expected="one row per category and keyword")
    return out


# table number -> its reader (table 1 is read first, by read_identification, for every report)
TABLE_READERS = {"4": read_notices}


def parse_report(files: list[tuple[Path, str]], *, release_prefix: str = SOURCE_ID,
                 quarantine: list[Quarantined]) -> Report:
    """Read the tables of one report (``(path, display path)`` each; exactly one table 1)."""
    by_table: dict[str, list[tuple[Path, str]]] = {}
    for path, display in sorted(files, key=lambda f: f[1]):
        try:
            table = table_of(next(_records(read_text(path, display), display), (1, []))[1])
        except InputError as exc:
            if exc.path:
                raise
            raise InputError(display, exc.problem, line=1, got=exc.got) from None
        by_table.setdefault(table, []).append((path, display))
    ones = by_table.get("1", [])
    if len(ones) != 1:
        names = ", ".join(d for _, d in files)
        raise InputError(names, f"a report needs exactly one table 1 (report identification), found {len(ones)}")
    ident = read_identification(*ones[0])
    release_id = f"{release_prefix}-{ident.release_key}"
    observations: list[Observation] = []
    for table, reader in TABLE_READERS.items():
        for path, display in by_table.get(table, []):
            observations.extend(reader(path, display, ident, release_id, quarantine))
    return Report(ident, observations, [d for _, d in sorted(files, key=lambda f: f[1])])

