"""Adapter: X Global Transparency Report (PDF), first published for H1 2024 (15 pages).

Figures sit in ruled tables and boxes. p. 4: box USER REPORTS, table POLICY AREA / TOTAL
REPORTS / % OF TOTAL REPORTS (the title says both exclude Platform Manipulation & Spam). p. 5:
three boxed totals, table POLICY AREA / ACCOUNT SUSPENSIONS / POSTS REMOVED OR LABELED / POST
VIOLATION RATE (rates may be '<0.0001%'). pp. 7-11: under each policy heading (CHILD SAFETY,
...) a table TOTAL ACTIONS / AUTOMATED / HUMAN, rows NCMEC Reports, Accounts Suspended, Content
Removed, User Informed Labels; small raised digits mark footnotes. p. 13: information and
removal requests (TOTAL row, then countries). p. 14: copyright and trademark notices. Only
:func:`read_words` uses pdfplumber; the rest works on :class:`Word` lists: lines cut into
cells at wide gaps, tables known by their header words (:data:`TABLES`), boxes by label.

One output row = one number printed in a table cell or box: policy as printed (headings in
title case), metric label from the column (and row), locator "file p. N table T row R" or
"file p. N box LABEL", a footnote in ``note``; '<0.0001%' is a range from 0 to 0.0001. A
missing table or box, an unknown table, figures outside any table, a short row or an
unreadable cell raise InputError naming the page, table and row.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from site_builder.errors import InputError
from site_builder.observations import Observation
from site_builder.periods import parse_period
from site_builder.quarantine import Quarantined
from site_builder.settings import GLOBAL
from site_builder.values import NegativeValue, Parsed, Problems, parse_published

SOURCE_ID = "x_gtr"
PLATFORM = "X"
ALL_POLICIES = "ALL (excl. Platform Manipulation & Spam)"  # policy of the boxed totals
SCOPE_WORDS = "EXCLUDING PLATFORM MANIPULATION & SPAM"  # ... as the user reports page says


# A column: header as printed, metric label (in an automated/human table the suffix of the
# row's measure) and unit ('' there: the row's measure has the unit).
Column = tuple[str, str, str]


class TableSpec(NamedTuple):
    name: str
    signature: str  # header words that identify the table
    rows: str  # policy: the row label is the policy | measure: the heading above is | place
    columns: tuple[Column, ...]
    policy: str = ""  # the policy label of a 'place' table (its rows are countries)


TABLES = (
    TableSpec("user reports", "POLICY AREA % REPORTS", "policy", (("TOTAL REPORTS", "user reports", "reports"),
              ("% OF TOTAL REPORTS", "share of user reports", "percent"))),
    TableSpec("enforcement", "POLICY AREA SUSPENSIONS LABELED VIOLATION", "policy", (
        ("ACCOUNT SUSPENSIONS", "account suspensions", "accounts"),
        ("POSTS REMOVED OR LABELED", "posts removed or labeled", "posts"),
        ("POST VIOLATION RATE", "post violation rate", "percent of all posts"))),
    TableSpec("automated/human", "TOTAL ACTIONS AUTOMATED HUMAN", "measure", (
        ("TOTAL ACTIONS", "(total)", ""), ("AUTOMATED", "(automated)", ""), ("HUMAN", "(human)", ""))),
    TableSpec("information requests", "REQUESTS DISCLOSED DISCLOSURE", "place", (
        ("TOTAL NUMBER OF REQUESTS", "total number of requests", "count"),
        ("CASES DISCLOSED", "cases disclosed", "count"), ("DISCLOSURE RATE", "disclosure rate", "percent")),
        "Information Requests"),
    TableSpec("removal requests", "REQUESTS ACTIONED ACTION", "place", (
        ("TOTAL NUMBER OF REQUESTS", "total number of requests", "count"),
        ("CASES ACTIONED", "cases actioned", "count"), ("ACTION RATE", "action rate", "percent")),
        "Removal Requests"),
    TableSpec("notices", "NOTICES WITHHELD RESTORATION", "policy", (
        ("TOTAL NOTICES", "total notices", "notices"),
        ("NOTICES ACTIONED OR WITHHELD", "notices actioned or withheld", "notices"),
        ("TOTAL URLS ACTIONED OR WITHHELD", "total URLs actioned or withheld", "URLs"),
        ("WITHHOLDING/RESTORATION RATE", "withholding/restoration rate", "percent"))),
)
# Row labels of the automated/human tables -> measure (start of the metric label) and unit.
MEASURES = {"NCMEC Reports": ("NCMEC reports", "reports"), "Accounts Suspended": ("accounts suspended", "accounts"),
            "Content Removed": ("content removed", "posts"), "User Informed Labels": ("user informed labels", "labels")}
# Boxed totals: printed label -> metric label, unit; the table printed on the same page.
BOXES = {"USER REPORTS": ("user reports", "reports", "user reports"),
         "TOTAL ACCOUNT SUSPENSIONS": ("account suspensions", "accounts", "enforcement"),
         "TOTAL POSTS REMOVED OR LABELED": ("posts removed or labeled", "posts", "enforcement"),
         "OVERALL POSTS VIOLATION RATE": ("post violation rate", "percent of all posts", "enforcement")}
# Section headings that the report's own tables (and the curated transcription) name otherwise.
HEADING_LABELS = {"ABUSE, HARASSMENT, & HATEFUL CONDUCT": "Abuse, Harassment & Hateful Conduct",
                  "NON-CONSENSUAL NUDITY POLICY": "Non-Consensual Nudity"}
SMALL_WORDS = {"a", "and", "for", "of", "or", "the", "to"}

HEADING_SIZE = 30.0  # section headings are set in 42 pt, table text in 17-23 pt
LINE_TOLERANCE = 5.0  # words whose vertical middles are this close (points) share a line
_VALUE_LIKE = re.compile(r"^[<>]?\d[\d,.]*%?$")
_BELOW = re.compile(r"^<\s*(\d+(?:\.\d+)?)%$")
_FOOTNOTE = re.compile(r"^(\d+)\.$")


class Word(NamedTuple):
    """A word (or a cell: words joined) on a page; points from the page's top-left corner."""
    x0: float
    x1: float
    top: float
    bottom: float
    text: str
    size: float

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2


class Row(NamedTuple):
    """One line cut into cells; ``markers``: footnote number and the cell index it follows."""
    cells: tuple[Word, ...]
    markers: tuple[tuple[str, int], ...]
    text: str
    top: float
    bottom: float
    size: float


class Figure(NamedTuple):
    """One printed number before typing: where it is, what it counts, the cell's text."""
    where: str  # "p. 7 table 1 row 3" or "p. 5 box TOTAL ACCOUNT SUSPENSIONS"
    policy: str
    metric: str
    unit: str
    text: str
    geography: str = GLOBAL
    note: str = ""


def _value_like(cell: Word) -> bool:
    return bool(_VALUE_LIKE.match(cell.text))


def _is_upper(text: str) -> bool:
    return text.upper() == text and any(ch.isalpha() for ch in text)


def group_lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped into lines by their vertical middle, top to bottom, left to right."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.mid, w.x0)):
        if lines and abs(w.mid - lines[-1][0].mid) <= LINE_TOLERANCE:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def split_row(line: list[Word]) -> Row:
    """Cut a line into cells at gaps wider than 0.8 of the type size; digits set much smaller
    than the rest of the line are footnote markers."""
    big = max(w.size for w in line)
    cells: list[Word] = []
    markers: list[tuple[str, int]] = []
    for w in line:
        if w.text.isdigit() and w.size < 0.75 * big:
            markers.append((w.text, max(len(cells) - 1, 0)))
        elif cells and w.x0 - cells[-1].x1 <= 0.8 * max(w.size, cells[-1].size):
            c = cells[-1]
            cells[-1] = Word(c.x0, w.x1, min(c.top, w.top), max(c.bottom, w.bottom), f"{c.text} {w.text}",
                             max(c.size, w.size))
        else:
            cells.append(w)
    return Row(tuple(cells), tuple(markers), " ".join(c.text for c in cells), min(c.top for c in cells),
               max(c.bottom for c in cells), big)


def _is_data_row(row: Row) -> bool:
    return len(row.cells) >= 2 and not _value_like(row.cells[0]) and any(map(_value_like, row.cells[1:]))


def _header_band(rows: list[Row], first: int) -> list[Row]:
    """The lines of capitals right above row ``first`` that stand over its figures: a header."""
    band: list[Row] = []
    below = rows[first]
    for row in reversed(rows[:first]):
        if (not _is_upper(row.text) or row.size >= HEADING_SIZE or row.markers or any(map(_value_like, row.cells))
                or below.top - row.bottom > 4 * row.size):
            break
        band.insert(0, row)
        below = row
    over = any(h.x0 < v.x1 and v.x0 < h.x1 for r in band for h in r.cells for v in rows[first].cells[1:])
    return band if over else []


def _continues(row: Row, prev: Row, first: Row) -> bool:
    """Whether ``row`` continues the table begun by ``first``: figures in its type size, close below."""
    return (len(row.cells) >= 2 and any(map(_value_like, row.cells))
            and 0.8 * first.size <= row.size < HEADING_SIZE and row.top - prev.bottom < 6 * first.size)


def heading_label(heading: str) -> str:
    """'ILLEGAL OR REGULATED GOODS/SERVICES' -> 'Illegal or Regulated Goods/Services'."""
    if heading in HEADING_LABELS:
        return HEADING_LABELS[heading]
    words = [w.lower() for w in heading.split()]
    return " ".join(w if i and w in SMALL_WORDS else re.sub(r"[a-z]+", lambda m: m.group(0).capitalize(), w)
                    for i, w in enumerate(words))


def _headings(rows: list[Row]) -> list[tuple[float, str]]:
    """Section headings (large capitals, possibly wrapped onto a second line), with their top."""
    out: list[tuple[float, str]] = []
    last_bottom = -1e9
    for row in rows:
        if row.size >= HEADING_SIZE and _is_upper(row.text):
            if out and row.top - last_bottom < row.size:
                out[-1] = (out[-1][0], f"{out[-1][1]} {row.text}")
            else:
                out.append((row.top, row.text))
            last_bottom = row.bottom
    return out


def page_tables(page: int, words: list[Word], path: str) -> tuple[list[Figure], set[str], list[Word]]:
    """The tables of one page: their figures, their names, and the words not in any table."""
    lines = group_lines(words)
    rows = [split_row(line) for line in lines]
    notes = {m.group(1): rest for r in rows for first, _, rest in [r.text.partition(" ")]
             if (m := _FOOTNOTE.match(first)) and rest}
    headings = _headings(rows)
    figures: list[Figure] = []
    found: set[str] = set()
    used: set[int] = set()
    owners: list[str] = []
    i = table_no = 0
    while i < len(rows):
        band = _header_band(rows, i) if _is_data_row(rows[i]) else []
        if not band:
            i += 1
            continue
        table_no += 1
        where = f"p. {page} table {table_no}"
        header = {w for r in band for w in r.text.split()}
        specs = [s for s in TABLES if set(s.signature.split()) <= header]
        if len(specs) != 1:
            raise InputError(path, "a table with an unknown header", cell=where, got=" ".join(r.text for r in band),
                             expected="one of: " + "; ".join(" / ".join(c[0] for c in s.columns) for s in TABLES))
        spec = specs[0]
        found.add(spec.name)
        policy = spec.policy
        if spec.rows == "measure":
            above = [h for top, h in headings if top < rows[i].top]
            if not above or above[-1] in owners:
                raise InputError(path, "no policy heading of its own above the table", cell=where,
                                 expected="a section heading such as CHILD SAFETY above each table")
            owners.append(above[-1])
            policy = heading_label(above[-1])
        first, row_no = rows[i], 0
        while i < len(rows) and (row_no == 0 or _continues(rows[i], rows[i - 1], first)):
            row_no += 1
            figures += _row_figures(spec, rows[i], f"{where} row {row_no}", policy, notes, path)
            used.add(i)
            i += 1
    missing = [h for _, h in headings if h not in owners]
    if owners and missing:
        raise InputError(path, f"section {missing[0]!r} has no TOTAL ACTIONS / AUTOMATED / HUMAN table",
                         cell=f"p. {page}", expected="one such table under each policy heading of the page")
    return figures, found, [w for n, line in enumerate(lines) if n not in used for w in line]


def _row_figures(spec: TableSpec, row: Row, where: str, policy: str, notes: dict[str, str],
                 path: str) -> list[Figure]:
    label, *values = row.cells
    if len(values) != len(spec.columns) or _value_like(label):
        raise InputError(path, f"row has {len(row.cells)} cells", cell=where, got=" | ".join(c.text for c in row.cells),
                         expected=f"a label and {len(spec.columns)} values: " + ", ".join(c[0] for c in spec.columns))
    if spec.rows == "measure" and label.text not in MEASURES:
        raise InputError(path, "unknown measure in an automated/human table", cell=where, got=label.text,
                         expected=", ".join(MEASURES))
    geography = label.text if spec.rows == "place" and not label.text.startswith("TOTAL ") else GLOBAL
    out = []
    for n, ((_, metric, unit), cell) in enumerate(zip(spec.columns, values, strict=True), start=1):
        if spec.rows == "measure":
            measure, unit = MEASURES[label.text]
            metric = f"{measure} {metric}"
        note = "; ".join(f"footnote {m}: {notes.get(m, '(not found on the page)')}"
                         for m, at in row.markers if at in (0, n))
        out.append(Figure(where, label.text if spec.rows == "policy" else policy, metric, unit, cell.text,
                          geography, note))
    return out


def find_box(words: list[Word], label: str) -> tuple[list[Word], Word] | None:
    """A printed label (on one line or wrapped onto the next) and the figure beside it."""
    first, *parts = label.split()
    for start in (w for w in words if w.text == first):
        found = [start]
        for part in parts:  # the next word on the line, or the first of the next line
            p = found[-1]
            found += [w for w in words if w.text == part and (
                (abs(w.mid - p.mid) <= LINE_TOLERANCE and 0 <= w.x0 - p.x1 <= w.size)
                or (p.top < w.top <= p.bottom + 0.8 * w.size and abs(w.x0 - start.x0) <= w.size))][:1]
        top, bottom, right = min(w.top for w in found), max(w.bottom for w in found), max(w.x1 for w in found)
        values = [w for w in words if _value_like(w) and w.x0 > right and top <= w.mid <= bottom]
        if len(found) == len(parts) + 1 and values:
            return found, min(values, key=lambda w: w.x0)
    return None


def extract_figures(pages: list[list[Word]], path: str) -> list[Figure]:
    """Every figure of the report in page order (``pages[0]`` is p. 1); refuses a report that
    lacks a table or box every edition has, or prints figures outside them."""
    figures: list[Figure] = []
    found: dict[str, int] = {}
    boxes: dict[str, int] = {}
    for page, words in enumerate(pages, start=1):
        table_figures, names, rest = page_tables(page, words, path)
        figures += table_figures
        found.update(dict.fromkeys(names, page))
        for label, (metric, unit, _) in BOXES.items():
            if (hit := find_box(rest, label)) is None:
                continue
            boxes[label] = page
            figures.append(Figure(f"p. {page} box {label}", ALL_POLICIES, metric, unit, hit[1].text))
            rest = [w for w in rest if w not in hit[0] and w != hit[1]]
        for row in map(split_row, group_lines(rest)):
            if _is_data_row(row) or sum(map(_value_like, row.cells)) >= 2:
                raise InputError(path, "figures outside any table or box this adapter knows", cell=f"p. {page}",
                                 got=" | ".join(c.text for c in row.cells), expected="rows under a known table header")
    for name in ("user reports", "enforcement", "automated/human"):
        if name not in found:
            near = [f"p. {page}" for label, page in boxes.items() if BOXES[label][2] == name]
            raise InputError(path, f"the {name} table is missing", cell=(near or [f"pp. 1-{len(pages)}"])[0],
                             expected=" / ".join(c[0] for s in TABLES if s.name == name for c in s.columns))
    for label, (_, _, table) in BOXES.items():
        if label not in boxes:
            raise InputError(path, f"the box {label!r} is missing", cell=f"p. {found[table]}",
                             expected=f"{label} with a number beside it")
    page = found["user reports"]
    if SCOPE_WORDS not in " ".join(row.text for row in map(split_row, group_lines(pages[page - 1]))):
        raise InputError(path, "the user reports page no longer says what its totals exclude", cell=f"p. {page}",
                         expected=f"the words {SCOPE_WORDS!r}")
    return figures


def parse_cell(text: str, kind: str | None = None) -> Parsed:
    """A cell as printed, of unit kind ``kind`` (count or percent); '<0.0001%' is a range from
    0 to 0.0001, never the number 0.0001. Raises ValueError saying what was expected."""
    m = _BELOW.match(text.strip())
    parsed = Parsed("range", None, 0.0, float(m.group(1)), "percent") if m else parse_published(text)
    if kind and parsed.unit_kind not in (None, kind):
        raise ValueError(f"the column needs a {kind} but the cell holds a {parsed.unit_kind} ({text!r})")
    return parsed


def to_observations(figures: list[Figure], *, release_id: str, edition: str, path: str) -> list[Observation]:
    start, end = parse_period(edition)
    rows = []
    negatives = Problems(path, "negative values (counts and shares are never negative)")
    for f in figures:
        try:
            parsed = parse_cell(f.text, "percent" if f.unit.startswith("percent") else "count")
        except NegativeValue as exc:
            negatives.add(InputError(path, str(exc), cell=f"{f.where}, {f.metric}"))
            continue
        except ValueError as exc:
            raise InputError(path, str(exc), cell=f"{f.where}, {f.metric}") from exc
        rows.append(Observation(
            source_id=SOURCE_ID, release_id=release_id, platform_label=PLATFORM, policy_label=f.policy,
            metric_label=f.metric, period_start=start, period_end=end, geography=f.geography,
            value_status=parsed.status, value=parsed.value, value_low=parsed.low, value_high=parsed.high,
            value_as_published=f.text, unit=f.unit, locator=f"{path} {f.where}", note=f.note,
        ))
    negatives.raise_if_any()
    return rows


def read_words(path: Path, display_path: str) -> list[list[Word]]:
    """The words of every page with position and type size (the only pdfplumber code)."""
    import pdfplumber

    try:
        with pdfplumber.open(path) as pdf:
            return [[Word(float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"]), w["text"],
                          float(w["size"])) for w in page.extract_words(extra_attrs=["size"])] for page in pdf.pages]
    except Exception as exc:  # pdfminer raises many exception types for a damaged or non-PDF file
        raise InputError(display_path, f"not a readable PDF ({type(exc).__name__}: {exc})") from exc


def parse(path: Path, *, release_id: str, edition: str, display_path: str,
          quarantine: list[Quarantined] | None = None) -> list[Observation]:
    """Read one edition (nothing is quarantined: every figure is typed or refused)."""
    pages = read_words(path, display_path)
    year, half = edition[:4], edition[4:]
    if not any(f"{half} {year}" in " ".join(w.text for w in words) for words in pages):
        raise InputError(display_path, f"the report does not say it covers {half} {year}",
                         expected=f"the running title 'Global Transparency Report | {half} {year}'")
    return to_observations(extract_figures(pages, display_path), release_id=release_id, edition=edition,
                           path=display_path)
