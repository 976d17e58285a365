"""Quarantine: rows of a published file that are recognisably broken (a template
placeholder such as ``{{Other}}`` leaking into a label) are set aside with a report
instead of stopping ingest or being published.

``data/quarantine/<source_id>.csv`` holds one row per set-aside line: the release, where
it was, why, and the line as published. The Methodology page lists them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, fields
from pathlib import Path


@dataclass(frozen=True)
class Quarantined:
    """One published line set aside: ``reason`` says what was wrong, ``content`` is the line."""

    source_id: str
    release_id: str
    locator: str
    reason: str
    content: str


COLUMNS = [f.name for f in fields(Quarantined)]


def write_quarantine(path: Path, rows: list[Quarantined]) -> None:
    """Write (or, with no rows, remove) the quarantine report of one source."""
    if not rows:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in sorted(rows, key=lambda r: (r.release_id, r.locator)):
        w.writerow(asdict(r))
    tmp = path.with_suffix(".csv.tmp")
    tmp.write_text(buf.getvalue(), encoding="utf-8")
    tmp.replace(path)
