"""Adapter: the "say" side (``shared/data/curated/policies.csv``) -> ``data/claims.csv``.

One input row is one statement: a platform's rule, a public commitment, a policy change, a
regulatory obligation that applies to it, or an audit finding about it (a regulator's or
investigator's finding: evidence, not a claim). ``quote`` is verbatim; a row with an empty
quote has only a neutral ``paraphrase`` and must never be shown in quotation marks.

One output row is one statement with its provenance, the harmonised platform ids and policy
area it concerns (from ``data/taxonomy/claim_platforms.csv`` and ``claim_areas.csv``), the
first date its date text names (``date``, empty when none) with how much of it the text
gives (``date_precision``: day, month or year; a month is never shown as its first day),
and a stable ``claim_id``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import asdict, dataclass, fields
from datetime import date
from pathlib import Path

from site_builder.errors import InputError

COLUMNS = ["platform", "policy_area", "kind", "quote", "paraphrase", "effective_or_said_date", "said_by",
           "source_url", "source_title", "retrieved_from", "note"]
CLAIM_PLATFORM_COLUMNS = ["label", "platform_ids"]
CLAIM_AREA_COLUMNS = ["label", "policy_area", "evidence_areas"]
KINDS = {"rule", "commitment", "policy_change", "regulatory_obligation", "audit_finding"}
MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                      "september", "october", "november", "december"], start=1)}


@dataclass(frozen=True)
class Claim:
    """One statement on the say side, or one audit finding, with where it was read."""

    claim_id: str
    platform_label: str
    platform_ids: str  # ';'-separated platform ids
    policy_area_label: str
    policy_area: str
    kind: str
    quote: str
    paraphrase: str
    paraphrase_only: bool
    date: str  # ISO date (first day of the month when only a month is named), or ''
    date_precision: str  # day | month | year, or '' when no date is named
    date_as_published: str
    said_by: str
    source_url: str
    source_title: str
    retrieved_from: str
    note: str
    locator: str


CLAIM_COLUMNS = [f.name for f in fields(Claim)]


def dated(text: str) -> tuple[str, str]:
    """The first date a free-text date names and its precision: 2025-01-07 (day), 2022-04 or
    'May 2024' (month: the first of the month), 2025 (year: 1 January), or ('', '')."""
    if m := re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", text):
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat(), "day"
    if m := re.search(r"\b(\d{4})-(\d{2})\b", text):
        return date(int(m.group(1)), int(m.group(2)), 1).isoformat(), "month"
    if m := re.search(r"\b(" + "|".join(MONTHS) + r")\s+(\d{4})\b", text, flags=re.I):
        return date(int(m.group(2)), MONTHS[m.group(1).lower()], 1).isoformat(), "month"
    if m := re.search(r"\b((?:19|20)\d{2})\b", text):
        return date(int(m.group(1)), 1, 1).isoformat(), "year"
    return "", ""


def first_date(text: str) -> str:
    """The first date a free-text date names (see :func:`dated`), as an ISO date or ''."""
    return dated(text)[0]


def _map(path: Path, columns: list[str], value: str) -> dict[str, str]:
    """label -> value column of a claims map (header checked)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != columns:
            raise InputError(path, "unexpected header", got=reader.fieldnames, expected=",".join(columns))
        return {r["label"]: r[value] for r in reader}


def parse(path: Path, *, data_dir: Path, display_path: str) -> list[Claim]:
    """Read policies.csv; refuse an unknown platform or area label, kind, or a row without text."""
    platforms = _map(data_dir / "taxonomy" / "claim_platforms.csv", CLAIM_PLATFORM_COLUMNS, "platform_ids")
    areas = _map(data_dir / "taxonomy" / "claim_areas.csv", CLAIM_AREA_COLUMNS, "policy_area")
    out: list[Claim] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh, strict=True)
            if reader.fieldnames != COLUMNS:
                raise InputError(display_path, "unexpected header", line=1, got=reader.fieldnames,
                                 expected=",".join(COLUMNS))
            for rec in reader:
                line = reader.line_num
                if None in rec or any(v is None for v in rec.values()):
                    raise InputError(display_path, "row has a different number of fields than the header", line=line)
                r = {k: v.strip() for k, v in rec.items()}
                if r["kind"] not in KINDS:
                    raise InputError(display_path, "unknown kind", line=line, cell="column kind", got=r["kind"],
                                     expected=" | ".join(sorted(KINDS)))
                if not (r["quote"] or r["paraphrase"]):
                    raise InputError(display_path, "neither a quote nor a paraphrase", line=line)
                if r["source_url"] and not re.match(r"^https?://", r["source_url"]):
                    raise InputError(display_path, "source_url is not an http(s) URL", line=line,
                                     cell="column source_url", got=r["source_url"])
                if not (r["source_url"] or r["source_title"]):
                    raise InputError(display_path, "the statement names no source (no URL, no title)", line=line)
                if r["platform"] not in platforms:
                    raise InputError(display_path, f"unknown platform label {r['platform']!r}; add it to "
                                     f"{data_dir / 'taxonomy' / 'claim_platforms.csv'}", line=line)
                if r["policy_area"] not in areas:
                    raise InputError(display_path, f"unknown policy area label {r['policy_area']!r}; add it to "
                                     f"{data_dir / 'taxonomy' / 'claim_areas.csv'}", line=line)
                when, precision = dated(r["effective_or_said_date"])
                ident = "|".join(r[k] for k in ("platform", "policy_area", "kind", "quote", "paraphrase", "source_url"))
                out.append(Claim(
                    claim_id="claim-" + hashlib.sha1(ident.encode()).hexdigest()[:10],
                    platform_label=r["platform"], platform_ids=platforms[r["platform"]],
                    policy_area_label=r["policy_area"], policy_area=areas[r["policy_area"]], kind=r["kind"],
                    quote=r["quote"], paraphrase=r["paraphrase"], paraphrase_only=not r["quote"],
                    date=when, date_precision=precision, date_as_published=r["effective_or_said_date"],
                    said_by=r["said_by"], source_url=r["source_url"], source_title=r["source_title"],
                    retrieved_from=r["retrieved_from"], note=r["note"], locator=f"{display_path} line {line}",
                ))
    except csv.Error as exc:
        raise InputError(display_path, f"malformed CSV: {exc}") from exc
    ids = [c.claim_id for c in out]
    if len(set(ids)) != len(ids):
        dup = next(c for c in out if ids.count(c.claim_id) > 1)
        raise InputError(display_path, "the same statement is listed twice", cell=dup.locator)
    return out


def to_csv_text(claims: list[Claim]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CLAIM_COLUMNS, lineterminator="\n")
    w.writeheader()
    for c in sorted(claims, key=lambda c: (c.platform_label, c.policy_area, c.kind, c.date, c.claim_id)):
        w.writerow(asdict(c))
    return buf.getvalue()
