"""Adapter: Meta Community Standards Enforcement Report, downloadable CSV.

Format (every edition 2021Q2-2024Q2): header ``app,policy_area,metric,period,value``;
one row per (app, policy area, metric, quarter) from 2017Q4 to the edition's quarter;
``value`` is a count with thousands separators (``20,800,000``), a percentage
(``99.99%``), a range of percentages (``4%-5%``) or ``N/A``. The same URL is overwritten
every quarter, so each file is a full snapshot of the history as Meta published it then.

One output row = one line of the file.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from site_builder.errors import InputError
from site_builder.observations import Observation
from site_builder.periods import parse_period
from site_builder.quarantine import Quarantined
from site_builder.settings import GLOBAL
from site_builder.textfile import csv_lines, header_problem, read_text
from site_builder.values import NegativeValue, Problems, parse_published

HEADER = ["app", "policy_area", "metric", "period", "value"]

# What each published metric measures, as Meta's format implies: the unit kind its
# values must have and the unit to record. A metric not listed here is still read (the
# taxonomy check then names it); its unit follows from the value's own format.
METRIC_UNITS = {
    "Content Actioned": ("count", "pieces of content"),
    "Content Appealed": ("count", "pieces of content"),
    "Content Restored with appeal": ("count", "pieces of content"),
    "Content Restored without appeal": ("count", "pieces of content"),
    "Accounts Actioned": ("count", "accounts"),
    "Proactive rate": ("percent", "percent"),
    "Prevalence": ("percent", "percent"),
    "Lowerbound Prevalence": ("percent", "percent of content views"),
    "Upperbound Prevalence": ("percent", "percent of content views"),
    "UBP": ("percent", "percent of content views (upper bound)"),
}
DEFAULT_UNIT = {"count": "count", "percent": "percent"}


def parse(path: Path, *, release_id: str, edition: str, display_path: str,
          quarantine: list[Quarantined] | None = None) -> list[Observation]:
    """Read one Meta CSV edition; raise InputError at the first line that is not in the format.
    (Meta's files have nothing to quarantine.)"""
    rows: list[Observation] = []
    latest: date | None = None
    negatives = Problems(display_path, "negative values (counts and shares are never negative)")
    content = read_text(path, display_path)
    try:
        reader = csv.reader(csv_lines(content), strict=True)
        header = next(reader, [])
        problem = header_problem(header, HEADER)
        if problem:
            raise InputError(display_path, f"unexpected header: {problem}", line=1, expected=",".join(HEADER))
        for record in reader:
            line = reader.line_num
            if not record or record == [""]:
                continue
            if len(record) != len(HEADER):
                raise InputError(display_path, f"row has {len(record)} fields (truncated or malformed row)",
                                 line=line, got=",".join(record), expected=f"{len(HEADER)} fields: {','.join(HEADER)}")
            app, policy, metric, period, value = (f.strip() for f in record)
            for name, text in zip(HEADER[:4], (app, policy, metric, period)):
                if not text:
                    raise InputError(display_path, f"empty {name}", line=line, cell=f"column {name}")
            try:
                start, end = parse_period(period)
            except ValueError as exc:
                raise InputError(display_path, str(exc), line=line, cell="column period") from exc
            try:
                parsed = parse_published(value)
            except NegativeValue as exc:
                negatives.add(InputError(display_path, str(exc), line=line, cell="column value"))
                continue
            except ValueError as exc:
                raise InputError(display_path, str(exc), line=line, cell="column value") from exc
            kind, unit = METRIC_UNITS.get(metric, (parsed.unit_kind, DEFAULT_UNIT.get(parsed.unit_kind or "", "count")))
            if parsed.unit_kind is not None and parsed.unit_kind != kind:
                raise InputError(display_path, f"metric {metric!r} needs a {kind} but the value is a {parsed.unit_kind}",
                                 line=line, cell="column value", got=value)
            latest = end if latest is None or end > latest else latest
            rows.append(Observation(
                source_id="meta_cser", release_id=release_id, platform_label=app,
                policy_label=policy, metric_label=metric, period_start=start, period_end=end,
                geography=GLOBAL, value_status=parsed.status, value=parsed.value,
                value_low=parsed.low, value_high=parsed.high, value_as_published=value,
                unit=unit, locator=f"{display_path} line {line}",
            ))
    except csv.Error as exc:
        raise InputError(display_path, f"malformed CSV: {exc}", line=reader.line_num) from exc
    negatives.raise_if_any()
    if not rows:
        raise InputError(display_path, "no data rows", expected="one row per app, policy, metric and quarter")
    if not edition:
        return rows  # a vintage fetched from a fixed address: its edition is its latest quarter
    _, edition_end = parse_period(edition)
    if latest != edition_end:
        raise InputError(display_path, f"edition {edition} should end in {edition_end}, but its latest period ends {latest}",
                         expected="a full snapshot whose latest quarter is the edition")
    return rows
