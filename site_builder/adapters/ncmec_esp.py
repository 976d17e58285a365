"""Adapter: NCMEC "CyberTipline Reports by Electronic Service Providers (ESP)", one PDF a year.

Layout (every edition 2019-2023, US Letter, one column of providers in alphabetical order):

* page 1: the title ("2019 CyberTipline Reports by / Electronic Service Providers (ESP)"),
  a few paragraphs of prose and, in 2019-2020, the footnote "*Report totals for related
  platforms and companies have been combined."; later pages start with a running title
  ("2020 Reports by ESP 3", the number being the page).
* every page: the column header, "ESP" on the left and the count column's name on the
  right: "Number of Reports" (2019-2021) or "Reports" (2022-2023).
* below it one line per provider: its name on the left, the count right-aligned under the
  header, with thousands separators ("15,884,511"). A long name wraps over two lines; the
  count then stands on the first line (2019-2020) or between the two halves (2021); from
  2022 long names are printed on one line. 2019-2020 mark combined companies with an
  asterisk ("Facebook*" covers Facebook, Instagram and WhatsApp).
* after the last provider the total of the column: "Totals: 16,836,694" (2019-2020),
  "Total: 29,157,083" (2021), "Total 31,802,525" (2022-2023), then the address
  "MissingKids.org/CyberTiplineData" and, on every page, a copyright footer.

One output row = one printed provider line (a wrapped name joined with one space), or
the printed total (label "Totals"/"Total" without its colon): the reports NCMEC received
from that provider in the calendar year, worldwide. The provider lines must add up to the
printed total exactly. The locator names the page and the first text line of the entry,
counting every text line of the page from the top ("ncmec/ncmec-by-esp-2020.pdf p. 3 line 12").

:func:`read_lines` is the only part that uses pdfplumber (words -> positioned text lines);
:func:`parse_lines` is a pure function of those lines, so tests can feed it lines directly.
"""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pdfplumber
from pdfplumber.utils.exceptions import PdfminerException

from site_builder.errors import InputError
from site_builder.observations import Observation
from site_builder.quarantine import Quarantined
from site_builder.settings import GLOBAL
from site_builder.values import parse_published

SOURCE_ID = "ncmec_esp"
POLICY_LABEL = "CyberTipline reports by ESP"
UNIT = "reports"

LINE_TOLERANCE = 3.0  # points: words whose tops differ by less are on one text line (pdfplumber's own
# y_tolerance, so a line number here is the line number of the page's extract_text())
CELL_GAP = 15.0  # points: a wider horizontal gap between two words starts a new cell
WRAP_FACTOR = 0.9  # lines closer than this share of the usual row pitch belong to one entry

HEADER_NAME = "ESP"
HEADER_COUNT = re.compile(r"^(?:Number of )?Reports$")
TITLE = re.compile(r"^(\d{4}) (?:CyberTipline )?Reports by\b")
TOTAL = re.compile(r"^(Totals?):?$")
FOOTER = re.compile(r"^Copyright\b|CyberTiplineData$")


@dataclass(frozen=True)
class Cell:
    """A run of words on one text line with no wide gap inside (x in points from the left)."""

    x0: float
    x1: float
    text: str


@dataclass(frozen=True)
class TextLine:
    """One text line of a page: ``number`` counts the page's lines from the top (1-based);
    ``top``/``bottom`` are in points from the top of the page."""

    page: int
    number: int
    top: float
    bottom: float
    cells: tuple[Cell, ...]

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.cells)


@dataclass(frozen=True)
class Entry:
    """A provider line (or the total): the name and count as printed, and where."""

    name: str
    count: str
    value: int
    page: int
    line: int

    @property
    def where(self) -> str:
        return f"p. {self.page} line {self.line}"


@dataclass(frozen=True)
class Table:
    metric_label: str  # the count column's header as printed
    entries: tuple[Entry, ...]
    total: Entry
    footnote: str  # the asterisk footnote as printed, or ""


def read_lines(path: Path, display_path: str) -> list[TextLine]:
    """Every text line of every page, words grouped into cells (pdfplumber)."""
    out: list[TextLine] = []
    try:
        with pdfplumber.open(path) as pdf:
            for page_no, page in enumerate(pdf.pages, start=1):
                words = sorted(page.extract_words(), key=lambda w: (w["top"], w["x0"]))
                rows: list[list[dict]] = []
                for w in words:
                    if rows and w["top"] - rows[-1][0]["top"] < LINE_TOLERANCE:
                        rows[-1].append(w)
                    else:
                        rows.append([w])
                for number, row in enumerate(rows, start=1):
                    row.sort(key=lambda w: w["x0"])
                    cells: list[list[dict]] = []
                    for w in row:
                        if cells and w["x0"] - cells[-1][-1]["x1"] <= CELL_GAP:
                            cells[-1].append(w)
                        else:
                            cells.append([w])
                    out.append(TextLine(
                        page=page_no, number=number, top=min(w["top"] for w in row),
                        bottom=max(w["bottom"] for w in row),
                        cells=tuple(Cell(c[0]["x0"], c[-1]["x1"], " ".join(w["text"] for w in c)) for c in cells)))
    except PdfminerException as exc:
        raise InputError(display_path, f"not a readable PDF: {exc}") from exc
    return out


def _pages(lines: list[TextLine]) -> dict[int, list[TextLine]]:
    pages: dict[int, list[TextLine]] = {}
    for line in lines:
        pages.setdefault(line.page, []).append(line)
    return pages


def _is_header(line: TextLine) -> bool:
    return (len(line.cells) == 2 and line.cells[0].text == HEADER_NAME
            and HEADER_COUNT.match(line.cells[1].text) is not None)


def _blocks(body: list[TextLine], pitch: float) -> list[list[TextLine]]:
    """Group a page's table lines into entries: a wrapped name (and a count printed beside
    either half or between them) sits closer than the usual distance between two rows."""
    blocks: list[list[TextLine]] = []
    for line in body:
        if blocks and line.top - blocks[-1][-1].top < WRAP_FACTOR * pitch:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return blocks


def _entry(block: list[TextLine], split_x: float, display_path: str) -> Entry:
    first = block[0]
    where = f"p. {first.page} line {first.number}" + (f"-{block[-1].number}" if len(block) > 1 else "")
    names = [c.text for line in block for c in line.cells if c.x0 < split_x]
    counts = [c.text for line in block for c in line.cells if c.x0 >= split_x]
    name = " ".join(" ".join(names).split())
    printed = " ".join(" | ".join(line.text for line in block).split())
    if not name:
        raise InputError(display_path, "a count with no provider name", cell=where, got=printed,
                         expected="a provider name left of its count")
    if len(counts) != 1:
        problem = f"provider {name!r} has no count" if not counts else f"{len(counts)} counts for one entry"
        raise InputError(display_path, problem, cell=where, got=printed,
                         expected="one count in the report column for each provider")
    count = counts[0]
    try:
        parsed = parse_published(count)
    except ValueError:
        parsed = None
    if parsed is None or parsed.status != "reported" or parsed.unit_kind != "count":
        raise InputError(display_path, f"unreadable count for {name!r}", cell=where, got=count,
                         expected="a whole number of reports such as 1,380")
    return Entry(name=name, count=count, value=int(parsed.value or 0), page=first.page, line=first.number)


def parse_lines(lines: list[TextLine], *, display_path: str, edition: str) -> Table:
    """Read the provider lines and the total from a PDF's text lines; check the sum."""
    metric_label = ""
    footnote = ""
    entries: list[Entry] = []
    total: Entry | None = None
    pages = _pages(lines)
    if not pages:
        raise InputError(display_path, "no text", expected="NCMEC's list of reports by ESP")
    bodies: dict[int, tuple[list[TextLine], float]] = {}
    for page_no, page_lines in pages.items():
        head = next((i for i, line in enumerate(page_lines) if _is_header(line)), None)
        if head is None:
            raise InputError(display_path, "no column header", cell=f"p. {page_no}",
                             expected="'ESP' and 'Number of Reports' (or 'Reports') above the providers")
        for line in page_lines[:head]:
            if (m := TITLE.match(line.text)) and m.group(1) != edition:
                raise InputError(display_path, f"the title names {m.group(1)}, not edition {edition}",
                                 cell=f"p. {page_no} line {line.number}", got=line.text)
            if line.text.startswith("*") and not footnote:
                footnote = line.text
        header = page_lines[head]
        label = header.cells[1].text
        if metric_label and label != metric_label:
            raise InputError(display_path, "the count column's header changes", cell=f"p. {page_no} line {header.number}",
                             got=label, expected=repr(metric_label))
        metric_label = label
        split_x = (header.cells[0].x1 + header.cells[1].x0) / 2
        body = [line for line in page_lines[head + 1:] if not FOOTER.search(line.text)]
        bodies[page_no] = (body, split_x)
    steps = [b.top - a.top for body, _ in bodies.values() for a, b in itertools.pairwise(body)]
    pitch = statistics.median(steps) if steps else 0.0
    for page_no, (body, split_x) in bodies.items():
        for block in _blocks(body, pitch):
            if total is not None:
                if any(c.x0 >= split_x for line in block for c in line.cells):
                    raise InputError(display_path, "a line with a count after the printed total",
                                     cell=f"p. {page_no} line {block[0].number}", got=block[0].text,
                                     expected="the total as the last line of the list")
                continue
            entry = _entry(block, split_x, display_path)
            if m := TOTAL.match(entry.name):
                total = Entry(m.group(1), entry.count, entry.value, entry.page, entry.line)
            else:
                entries.append(entry)
    if total is None:
        raise InputError(display_path, "no totals line",
                         expected="a last line 'Totals:', 'Total:' or 'Total' with the sum of the provider lines")
    if not entries:
        raise InputError(display_path, "no provider lines", expected="one line per electronic service provider")
    seen: dict[str, Entry] = {}
    for e in entries:  # two printed lines, one key: stop rather than drop or rename one
        if e.name in seen:
            raise InputError(display_path, f"provider {e.name!r} is printed twice (also at {seen[e.name].where})",
                             cell=e.where, expected="each provider name once a year (the key of a row)")
        seen[e.name] = e
    lines_sum = sum(e.value for e in entries)
    if lines_sum != total.value:
        raise InputError(display_path, f"the {len(entries)} provider lines sum to {lines_sum:,} but the printed total "
                         f"is {total.value:,} (difference {lines_sum - total.value:+,})", cell=total.where,
                         expected="provider lines that add up exactly to the printed total")
    return Table(metric_label, tuple(entries), total, footnote)


def parse(path: Path, *, release_id: str, edition: str, display_path: str,
          quarantine: list[Quarantined] | None = None) -> list[Observation]:
    """One NCMEC reports-by-ESP PDF -> one row per provider line plus the total.
    (Nothing is set aside: a line that cannot be read stops ingest.)"""
    if not re.fullmatch(r"\d{4}", edition):
        raise InputError(display_path, "unexpected edition", got=edition, expected="a year such as 2020")
    table = parse_lines(read_lines(path, display_path), display_path=display_path, edition=edition)
    year = int(edition)
    start, end = date(year, 1, 1), date(year, 12, 31)

    def row(e: Entry, note: str) -> Observation:
        return Observation(
            source_id=SOURCE_ID, release_id=release_id, platform_label=e.name, policy_label=POLICY_LABEL,
            metric_label=table.metric_label, period_start=start, period_end=end, geography=GLOBAL,
            value_status="reported", value=float(e.value), value_low=None, value_high=None,
            value_as_published=e.count, unit=UNIT, locator=f"{display_path} {e.where}", note=note)

    rows = [row(e, table.footnote if e.name.endswith("*") else "") for e in table.entries]
    rows.append(row(table.total, f"printed total of the {len(table.entries)} provider lines (reports from "
                                 "electronic service providers only); the lines add up to it"))
    return rows
