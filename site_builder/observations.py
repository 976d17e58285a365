"""The observation: one number, as published in one release, with where it was read.

``data/observations/<source_id>.csv`` holds one row per published number (including
numbers published as ``N/A``), sorted deterministically so that a nightly change is a
readable diff. Labels stay exactly as published; harmonisation happens in SQL through
the taxonomy maps in ``data/taxonomy/``.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

from site_builder.values import format_number


@dataclass(frozen=True)
class Observation:
    """One published number.

    ``value`` is set only when ``value_status == 'reported'``; a published range has
    ``value_low``/``value_high`` instead; ``not_reported`` (``N/A``) has neither.
    ``locator`` says where in the release the number was read (``file.csv line 12``,
    ``file.pdf p. 3 table 1``). ``source_url``/``source_title``/``retrieved_from``/``note``
    are the row-level provenance of curated facts; they are empty when the release
    itself (see ``data/catalog/releases.csv``) is the document.
    """

    source_id: str
    release_id: str
    platform_label: str
    policy_label: str
    metric_label: str
    period_start: date
    period_end: date
    geography: str
    value_status: str
    value: float | None
    value_low: float | None
    value_high: float | None
    value_as_published: str
    unit: str
    locator: str
    source_url: str = ""
    source_title: str = ""
    retrieved_from: str = ""
    note: str = ""

    def sort_key(self) -> tuple:
        return (
            self.release_id,
            self.platform_label,
            self.policy_label,
            self.metric_label,
            self.period_start,
            self.period_end,
            self.geography,
            self.locator,
        )


COLUMNS: list[str] = [f.name for f in fields(Observation)]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_csv_text(rows: list[Observation]) -> str:
    """Serialise rows sorted by their key, LF line endings, every field as text."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in sorted(rows, key=Observation.sort_key):
        writer.writerow([_cell(getattr(row, c)) for c in COLUMNS])  # not asdict: it deep-copies every row
    return buf.getvalue()


def write_files_atomic(files: list[tuple[Path, str]]) -> None:
    """Write every ``(path, text)``: each first to ``<name>.tmp`` beside it, then all renamed
    into place (``os.replace``), so that no reader ever sees half a file. On any failure the
    temporary files still there are removed: a failed write leaves no ``.tmp`` file behind."""
    tmps: list[Path] = []
    try:
        for path, text in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmps.append(tmp)
            tmp.write_text(text, encoding="utf-8")
        for (path, _), tmp in zip(files, tmps):
            os.replace(tmp, path)
    finally:
        for tmp in tmps:
            tmp.unlink(missing_ok=True)


def write_observations(path: Path, rows: list[Observation]) -> None:
    """Write atomically: a half-written observations file must never be left behind."""
    write_files_atomic([(path, to_csv_text(rows))])
