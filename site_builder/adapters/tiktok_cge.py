"""Adapter: TikTok Community Guidelines Enforcement Report, downloadable data files.

Every edition republishes the history from Jul-Sep 2020, so each file is a release.

* xlsx editions 2021Q3-2022Q3: one small table per sheet; see ``tiktok_cge_xlsx``.
* CSV editions 2022Q4-2024Q2 (UTF-8 with a BOM, LF): ten columns
  ``Metric, Period type, Period, Policy type, Issue, Task type, Task, Location, Market, Result``
  whose names drift (``Period Type``/``Period type``, ``Issue Policy``/``Issue policy``/
  ``Issue``...). ``Period`` reads ``Apr-Jun 2024`` (quarterly) or ``Jul-Dec 2022``
  (half-year); ``Result`` is a count (``920793.0``, ``5,477,549``) or a share 0-1
  (``0.821``): which one follows from the metric and the task type, never from the size of
  the value. The policy taxonomy changed in Apr-Jun 2023; labels are kept as published.
  Lines where a template placeholder leaked (``{{Other}}``) are quarantined.

One output row = one published number (one CSV line, or one xlsx cell): platform 'TikTok';
policy = the published policy (Issue, sheet column or row), qualified as
``Fake accounts removed (Ban reason - safety)`` where TikTok splits ban reasons; metric =
the published metric, with ``(<Task type>: <Task>)`` for breakdowns by task (automation,
turnaround, views) so that (policy, metric, period, geography) is unique in a file;
geography 'global' (Location All), the market name (Location Market) or
``language: <name>`` (Location Language). ``data/taxonomy/*/tiktok_cge.csv`` give labels
that name the same figure in different editions the same key.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from site_builder.adapters.tiktok_cge_xlsx import SHARE, Cell, read_workbook
from site_builder.errors import InputError
from site_builder.observations import Observation
from site_builder.periods import parse_period
from site_builder.quarantine import Quarantined
from site_builder.settings import GLOBAL
from site_builder.textfile import csv_lines, read_text
from site_builder.values import Problems, format_number

SOURCE_ID = "tiktok_cge"
PLATFORM = "TikTok"

# Accepted names per column, in order (2022Q4-2023Q3 / 2023Q4 / 2024Q1-).
COLUMNS: list[tuple[str, ...]] = [
    ("Metric",), ("Period Type", "Period type"), ("Period",), ("Policy Type", "Policy type"),
    ("Issue Policy", "Issue policy", "Issue"), ("Task Type", "Task type"), ("Task",), ("Location",),
    ("Market",), ("Result",),
]
EXPECTED_HEADER = ",".join("/".join(names) for names in COLUMNS)

# What each published metric counts: 'share (0-1)' or the unit of a count.
METRIC_UNITS: dict[str, str] = {
    "Total accounts removed": "accounts", "Accounts removed": "accounts",
    "Total videos removed": "videos", "Videos restored": "videos",
    "Proactive removal rate": SHARE, "Removal rate before any views": SHARE,
    "Removal rate within 24 hours": SHARE, "Category share": SHARE, "Removal rate": SHARE,
    "Removal rate of published": SHARE, "Video: Removal rate of published": SHARE,
    "Ad removals": "ads", "Ads removed due to account actions": "ads",
    "Fake likes prevented": "likes", "Fake likes removed": "likes",
    "Fake follow requests prevented": "follow requests", "Fake followers removed": "followers",
    "Blocked spam account creation": "accounts", "Fake accounts prevented": "accounts",
    "Video removal by spam account removal": "videos", "Videos removed from fake accounts": "videos",
    "Percentage of community reports actioned": SHARE, "Percentage of user reports actioned": SHARE,
    "Percentage of moderators assigned": SHARE,
    "Live rooms restored": "LIVE sessions", "Live rooms suspended": "LIVE sessions",
    "LIVE sessions restored": "LIVE sessions", "LIVE sessions suspended": "LIVE sessions",
    "Live suspension rate of published": SHARE, "LIVE: Suspension rate of published": SHARE,
    "Comments actioned by video creators": "comments", "Comments removed": "comments",
    "Comment: removal rate of published": SHARE,
}
PERIOD_MONTHS = {"quarterly": 3, "Quarterly": 3, "half-year": 6}
POLICY_TYPES = {"all", "All", "issue", "Issue", "Issue policy", "ban_reason", "Ban reason",
                "Community guidelines policy", "Community Guidelines policy", "Community guidelines heading",
                "Community guidelines rule", "Policy", "Sub-policy"}
# Policy types that split one ban reason in two: the type qualifies the policy label.
QUALIFYING_POLICY_TYPES = {"Ban reason - safety", "Ban reason - security"}
ALL = {"all", "All"}
# Task types of a breakdown; the value is the unit it imposes (None: the metric's own).
# Policy types naming a level below the top policies (their category share is a share of
# the parent policy, not of all removals), as spelled across editions.
SUB_POLICY_TYPES = {"sub-policy", "community guidelines policy", "community guidelines rule"}
TASK_TYPES: dict[str, str | None] = {"task_type": None, "Turn around time": None, "Share of total removals": SHARE}
PLACEHOLDER = re.compile(r"\{\{[^}]*\}\}")
_NUMBER = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


def parse(path: Path, *, release_id: str, edition: str, display_path: str,
          quarantine: list[Quarantined] | None = None) -> list[Observation]:
    """Read one edition (xlsx or CSV); raise InputError at the first thing out of format."""
    rows = _Rows(release_id, display_path)
    if path.suffix.lower() == ".xlsx":
        for cell in read_workbook(path, display_path):
            rows.add(cell, cell=cell.where)
    elif path.suffix.lower() == ".csv":
        _read_csv(path, display_path, rows, quarantine if quarantine is not None else [], release_id)
    else:
        raise InputError(display_path, f"unknown file type {path.suffix!r}", expected=".csv or .xlsx")
    rows.negatives.raise_if_any()
    rows.quarantine_duplicates(quarantine if quarantine is not None else [])
    if not rows.out:
        raise InputError(display_path, "no data rows", expected="one row per metric, policy, period and place")
    _, edition_end = parse_period(edition)
    if rows.latest != edition_end:
        raise InputError(display_path, f"edition {edition} should end in {edition_end}, but its latest period ends "
                         f"{rows.latest}", expected="a full snapshot whose latest quarter is the edition")
    return rows.out


class _Rows:
    """Collects observations: types each value and notes keys published more than once."""

    def __init__(self, release_id: str, display_path: str) -> None:
        self.release_id, self.display_path = release_id, display_path
        self.out: list[Observation] = []
        self.first: dict[tuple[str, str, date, date, str], str] = {}
        self.duplicated: set[tuple[str, str, date, date, str]] = set()
        self.latest: date | None = None
        self.negatives = Problems(display_path, "negative values (counts and shares are never negative)")

    def quarantine_duplicates(self, quarantine: list[Quarantined]) -> None:
        """A key published twice in one file cannot be attributed (TikTok's 2023Q2 CSV gives
        four Apr-Jun 2023 youth policies twice, without their parent category): every line
        of such a key is set aside with a report, unless the lines repeat the same value,
        in which case the first is kept."""
        if not self.duplicated:
            return
        groups: dict[tuple, list[Observation]] = {}
        for o in self.out:
            key = (o.policy_label, o.metric_label, o.period_start, o.period_end, o.geography)
            if key in self.duplicated:
                groups.setdefault(key, []).append(o)
        drop: set[int] = set()
        for obs in groups.values():
            same = len({o.value for o in obs}) == 1
            where = " and ".join(o.locator for o in obs)
            for o in obs[1:] if same else obs:
                drop.add(id(o))
                reason = (f"repeats the same value ({where})" if same else
                          f"same policy, metric, period and place published {len(obs)} times with different values "
                          f"({where}); the line cannot be attributed")
                quarantine.append(Quarantined(SOURCE_ID, self.release_id, o.locator, reason,
                                              f"{o.policy_label},{o.metric_label},{o.period_start}..{o.period_end},"
                                              f"{o.geography},{o.value_as_published}"))
        self.out = [o for o in self.out if id(o) not in drop]

    def add(self, c: Cell, *, line: int | None = None, cell: str) -> None:
        def fail(problem: str, expected: str | None = None) -> InputError:
            return InputError(self.display_path, problem, line=line, cell=cell, got=c.raw, expected=expected)

        if c.raw is None or (isinstance(c.raw, str) and not c.raw.strip()):
            return  # an empty cell is not a published number
        if isinstance(c.raw, bool) or not isinstance(c.raw, (int, float, str)):
            raise fail("not a number", "a number or an empty cell")
        if isinstance(c.raw, str):
            text = c.raw.strip()
            if not _NUMBER.match(text):
                raise fail("unreadable value", "a number such as 920793.0, 5,477,549 or 0.821, or an empty cell")
            value = float(Decimal(text.replace(",", "")))
        else:
            value, text = float(c.raw), format_number(float(c.raw))
            if not math.isfinite(value):
                raise fail("not a finite number")
            if value < 0:
                self.negatives.add(fail("negative value", "a number >= 0"))
                return
        if c.unit == SHARE and value > 1:
            raise fail(f"{c.metric!r} is a share but the value is above 1", "a share between 0 and 1")
        if c.unit != SHARE and value != int(value):
            raise fail(f"{c.metric!r} is a count of {c.unit} but the value has a fraction", "a whole number")
        key = (c.policy, c.metric, c.start, c.end, c.geography)
        if key in self.first:
            self.duplicated.add(key)
        self.first.setdefault(key, c.locator)
        self.latest = c.end if self.latest is None or c.end > self.latest else self.latest
        self.out.append(Observation(
            source_id=SOURCE_ID, release_id=self.release_id, platform_label=PLATFORM, policy_label=c.policy,
            metric_label=c.metric, period_start=c.start, period_end=c.end, geography=c.geography,
            value_status="reported", value=value, value_low=None, value_high=None, value_as_published=text,
            unit=c.unit, locator=c.locator))


class _Lines:
    """A file iterator that remembers the physical lines of the current CSV record."""

    def __init__(self, fh: TextIO) -> None:
        self.fh = fh
        self.buf: list[str] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self.fh)
        self.buf.append(line)
        return line

    def take(self) -> str:
        text, self.buf = "".join(self.buf).rstrip("\r\n"), []
        return text


def _read_csv(path: Path, display_path: str, rows: _Rows, quarantine: list[Quarantined], release_id: str) -> None:
    line = 1
    fh = csv_lines(read_text(path, display_path))
    try:
        lines = _Lines(fh)
        reader = csv.reader(lines, strict=True)
        header = [h.strip() for h in next(reader, [])]
        lines.take()
        end_line = reader.line_num
        if len(header) != len(COLUMNS) or any(h not in names for h, names in zip(header, COLUMNS, strict=True)):
            wrong = [f"column {i + 1} is {h!r}, not {' or '.join(names)}"
                     for i, (h, names) in enumerate(zip(header, COLUMNS)) if h not in names]
            if len(header) != len(COLUMNS):
                wrong.append(f"{len(header)} columns instead of {len(COLUMNS)}")
            raise InputError(display_path, "unexpected header: " + "; ".join(wrong), line=1, expected=EXPECTED_HEADER)
        for record in reader:
            line, end_line = end_line + 1, reader.line_num  # a record may span lines
            content = lines.take()
            if not record or all(not f.strip() for f in record):
                continue
            if len(record) != len(COLUMNS):
                raise InputError(display_path, f"row has {len(record)} fields", line=line, got=content,
                                 expected=f"{len(COLUMNS)} fields: {EXPECTED_HEADER}")
            leak = _placeholder(record, header)
            if leak:
                quarantine.append(Quarantined(SOURCE_ID, release_id, f"{display_path} line {line}", leak, content))
                continue
            _csv_record(record, header, line, display_path, rows)
    except csv.Error as exc:
        raise InputError(display_path, f"malformed CSV: {exc}", line=line) from exc


def _placeholder(record: list[str], header: list[str]) -> str | None:
    """Why the line is set aside, if a template placeholder leaked into one of its fields."""
    for name, field in zip(header, record, strict=True):
        if m := PLACEHOLDER.search(field):
            return f"template placeholder {m.group(0)} in column {name}"
    return None


def _csv_record(record: list[str], header: list[str], line: int, display_path: str, rows: _Rows) -> None:
    metric, period_type, period, policy_type, issue, task_type, task, location, market, result = (
        f.strip() for f in record)

    def fail(col: int, problem: str, expected: str) -> InputError:
        return InputError(display_path, problem, line=line, cell=f"column {header[col]}", got=record[col],
                          expected=expected)

    if metric not in METRIC_UNITS:
        raise fail(0, "unknown metric", "one of the metrics this adapter knows (add it to METRIC_UNITS "
                   "with its unit)")
    if period_type not in PERIOD_MONTHS:
        raise fail(1, "unknown period type", ", ".join(PERIOD_MONTHS))
    try:
        start, end = parse_period(period)
    except ValueError as exc:
        raise fail(2, str(exc), "a month range such as Apr-Jun 2024") from exc
    if (end.year - start.year) * 12 + end.month - start.month + 1 != PERIOD_MONTHS[period_type]:
        raise fail(2, f"period does not span the {PERIOD_MONTHS[period_type]} months of a {period_type} period",
                   f"{PERIOD_MONTHS[period_type]} months")
    if policy_type in QUALIFYING_POLICY_TYPES:
        policy = f"{issue} ({policy_type})"
    elif policy_type in POLICY_TYPES:
        policy = issue
    else:
        raise fail(3, "unknown policy type", ", ".join(sorted(POLICY_TYPES | QUALIFYING_POLICY_TYPES)))
    if not issue:
        raise fail(4, "empty policy", "a policy name")
    unit = METRIC_UNITS[metric]
    if metric == "Category share" and policy_type.lower() in SUB_POLICY_TYPES:
        # a sub-policy's category share is its share of the parent policy's removals
        metric = "Category share of the parent policy"
    if task_type in ALL:
        if task not in ALL:
            raise fail(6, "a task without a task type", "All")
    elif task_type in TASK_TYPES and task and task not in ALL:
        unit = TASK_TYPES[task_type] or unit
        metric = f"{metric} ({task_type}: {task})"
    else:
        raise fail(5, "unknown task type or empty task", "All or " + ", ".join(TASK_TYPES) + " with a task")
    if location in ALL and market in ALL:
        geography = GLOBAL
    elif location == "Market" and market and market not in ALL:
        geography = market
    elif location == "Language" and market and market not in ALL:
        geography = f"language: {market}"
    else:
        raise fail(7, f"unknown location {location!r} / market {market!r}",
                   "All/All, Market/<market name> or Language/<language>")
    rows.add(Cell(policy=policy, metric=metric, unit=unit, start=start, end=end, geography=geography,
                  raw=result, locator=f"{display_path} line {line}", where=f"line {line}"),
             line=line, cell=f"column {header[9]}")
