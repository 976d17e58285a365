"""Adapter: curated fact tables (``shared/data/curated/*.csv``), one generic reader.

Each file has the common columns ``platform, period_start, period_end, policy_area,
metric, value, unit, source_url, source_title, retrieved_from, note`` (the NCMEC table
adds ``esp_name_as_published``). One input row is one number read by a researcher from
the document named in ``source_url``/``source_title``; one output row keeps all of that
provenance. Labels stay as written; the taxonomy maps harmonise them.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path
from typing import Any

from site_builder.errors import InputError
from site_builder.observations import Observation
from site_builder.values import parse_plain_number

COMMON = [
    "platform", "period_start", "period_end", "policy_area", "metric", "value", "unit",
    "source_url", "source_title", "retrieved_from", "note",
]
# Columns a file may add to the common ones, and where they go.
EXTRA = {"esp_name_as_published"}
REQUIRED = ["platform", "period_start", "period_end", "policy_area", "metric", "value", "unit",
            "source_url", "source_title"]


def _date(text: str, display_path: str, line: int, column: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InputError(display_path, "unreadable date", line=line, cell=f"column {column}",
                         got=text, expected="YYYY-MM-DD") from exc


_QUOTED = re.compile(r'"([^"]+)"')
_PHRASE = re.compile(r"(?:(?:more than|over|about|approximately|approx\.?|around|nearly|almost|at least|up to|"
                     r"fewer than|less than|under)\s+|[~<>]\s*)?(\d[\d,]*(?:\.\d+)?)(\+)?\s*"
                     r"(million|billion|M\b|bn\b)?(\+)?\s*%?", re.I)
_SCALE = {"million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9}


def published_string(note: str, value: float | None) -> str:
    """The value as the source printed it, where the note quotes it ('"more than 5.4 million"',
    'published as "<1"', '"10.8+ million"'): the quoted number phrase whose number is this
    row's value, with its qualifier word; '' when the note quotes none. Quotes about another
    number of the same report ('total videos removed "over 5.8 million"') are not taken."""
    if value is None:
        return ""
    for quoted in _QUOTED.findall(note or ""):
        for m in _PHRASE.finditer(quoted):
            try:
                number = float(m.group(1).replace(",", "")) * _SCALE.get((m.group(3) or "").lower(), 1)
            except ValueError:
                continue
            if abs(number - value) <= 1e-9 * max(1.0, abs(value)):
                return m.group(0).strip()
    return ""


def _geography(spec: dict[str, Any], source_url: str, display_path: str, line: int) -> str:
    geo = spec.get("geography", "global")
    if isinstance(geo, str):
        return geo
    if source_url not in geo:
        raise InputError(display_path, "source_url has no geography in the catalog", line=line,
                         cell="column source_url", got=source_url,
                         expected="one of " + ", ".join(sorted(geo)) + " (data/catalog/sources.yaml)")
    return str(geo[source_url])


def parse(path: Path, *, release_id: str, source_id: str, spec: dict[str, Any],
          display_path: str) -> list[Observation]:
    """Read one curated fact table; raise InputError naming the line and column on bad input."""
    rows: list[Observation] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh, strict=True)
            header = reader.fieldnames or []
            missing = [c for c in COMMON if c not in header]
            unknown = [c for c in header if c not in COMMON and c not in EXTRA]
            if missing or unknown:
                problem = "; ".join(filter(None, [
                    f"missing column(s) {', '.join(missing)}" if missing else "",
                    f"unknown column(s) {', '.join(unknown)}" if unknown else "",
                ]))
                raise InputError(display_path, problem, line=1, got=header, expected=",".join(COMMON))
            for record in reader:
                line = reader.line_num
                if None in record or any(v is None for v in record.values()):
                    raise InputError(display_path, "row has a different number of fields than the header",
                                     line=line, expected=f"{len(header)} fields")
                rec = {k: v.strip() for k, v in record.items()}
                for col in REQUIRED:
                    if not rec[col]:
                        raise InputError(display_path, f"empty {col}", line=line, cell=f"column {col}")
                try:
                    value = parse_plain_number(rec["value"])
                except ValueError as exc:
                    raise InputError(display_path, str(exc), line=line, cell="column value") from exc
                start = _date(rec["period_start"], display_path, line, "period_start")
                end = _date(rec["period_end"], display_path, line, "period_end")
                if end < start:
                    raise InputError(display_path, "period ends before it starts", line=line,
                                     got=f"{start}..{end}")
                platform = rec.get("esp_name_as_published") or rec["platform"]
                note = rec["note"]
                if rec.get("esp_name_as_published") and rec["platform"] != platform:
                    note = "; ".join(filter(None, [note, f"curated platform name: {rec['platform']}"]))
                prefix = spec.get("platform_label_strip_prefix")
                if prefix and platform.startswith(prefix):
                    note = "; ".join(filter(None, [note, f"name transcribed as {platform!r}; the extraction artefact "
                                                         f"{prefix.strip()!r} was removed"]))
                    platform = platform.removeprefix(prefix)
                rows.append(Observation(
                    source_id=source_id, release_id=release_id, platform_label=platform,
                    policy_label=rec["policy_area"], metric_label=rec["metric"],
                    period_start=start, period_end=end,
                    geography=_geography(spec, rec["source_url"], display_path, line),
                    value_status="reported", value=value, value_low=None, value_high=None,
                    value_as_published=published_string(note, value) or rec["value"], unit=rec["unit"],
                    locator=f"{display_path} line {line}", source_url=rec["source_url"],
                    source_title=rec["source_title"], retrieved_from=rec["retrieved_from"], note=note,
                ))
    except csv.Error as exc:
        raise InputError(display_path, f"malformed CSV: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(display_path, f"not UTF-8 text: {exc}") from exc
    if not rows:
        raise InputError(display_path, "no data rows")
    return rows
