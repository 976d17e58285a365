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

from site_builder.adapters.curated import non_http_addresses
from site_builder.errors import InputError
from site_builder.textfile import csv_lines, header_problem, read_text

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
    """The first date a free-text date names, in reading order, and its precision: 2025-01-07
    (day), 2022-04 or 'May 2024' (month: the first of the month), 2025 (year: 1 January), or
    ('', ''). 'policy dated October 2020; OTA record 2022-07-06' is October 2020: the date the
    text names first, not the most precise one; '2022-04-16/17' (one of two days) is April 2022."""
    found: list[tuple[int, int, str, str]] = []  # (position, preference, ISO date, precision)
    for m in re.finditer(r"\b(\d{4})-(\d{2})-(\d{2})\b(/\d{1,2}\b)?", text):
        # '2022-04-16/17' (one of two days) is known only to the month
        found.append((m.start(), 0, date(int(m[1]), int(m[2]), 1 if m[4] else int(m[3])).isoformat(),
                      "month" if m[4] else "day"))
    for m in re.finditer(r"\b(\d{4})-(\d{2})\b(?!-\d)", text):
        found.append((m.start(), 1, date(int(m[1]), int(m[2]), 1).isoformat(), "month"))
    for m in re.finditer(r"\b(" + "|".join(MONTHS) + r")\s+(\d{4})\b", text, flags=re.I):
        found.append((m.start(), 1, date(int(m[2]), MONTHS[m[1].lower()], 1).isoformat(), "month"))
    for m in re.finditer(r"\b((?:19|20)\d{2})\b(?!-\d)", text):
        if not any(start <= m.start() < start + 12 for start, *_ in found):  # not the year of a date found above
            found.append((m.start(), 2, date(int(m[1]), 1, 1).isoformat(), "year"))
    if not found:
        return "", ""
    _, _, when, precision = min(found)
    return when, precision


def first_date(text: str) -> str:
    """The first date a free-text date names (see :func:`dated`), as an ISO date or ''."""
    return dated(text)[0]


def _map(path: Path, columns: list[str], value: str) -> dict[str, str]:
    """label -> value column of a claims map (header checked)."""
    reader = csv.DictReader(csv_lines(read_text(path)))
    problem = header_problem(reader.fieldnames or [], columns)
    if problem:
        raise InputError(path, f"unexpected header: {problem}", line=1, expected=",".join(columns))
    return {r["label"]: r[value] for r in reader}


def parse(path: Path, *, data_dir: Path, display_path: str) -> list[Claim]:
    """Read policies.csv; refuse an unknown platform or area label, kind, or a row without text."""
    platforms = _map(data_dir / "taxonomy" / "claim_platforms.csv", CLAIM_PLATFORM_COLUMNS, "platform_ids")
    areas = _map(data_dir / "taxonomy" / "claim_areas.csv", CLAIM_AREA_COLUMNS, "policy_area")
    out: list[Claim] = []
    text = read_text(path, display_path)
    try:
        reader = csv.DictReader(csv_lines(text), strict=True)
        problem = header_problem(reader.fieldnames or [], COLUMNS)
        if problem:
            raise InputError(display_path, f"unexpected header: {problem}", line=1, expected=",".join(COLUMNS))
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
            if r["source_url"] and (not re.match(r"^https?://", r["source_url"])
                                    or non_http_addresses(r["source_url"])):
                raise InputError(display_path, "source_url is not an http(s) URL", line=line,
                                 cell="column source_url", got=r["source_url"],
                                 expected="an http:// or https:// address (words about it may follow)")
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
        raise InputError(display_path, f"malformed CSV: {exc}", line=reader.line_num) from exc
    first: dict[str, Claim] = {}
    for c in out:
        if c.claim_id in first:
            lines = [x.locator.removeprefix(f"{display_path} ") for x in (first[c.claim_id], c)]
            raise InputError(display_path, f"the same statement is listed twice, on {lines[0]} and {lines[1]}",
                             expected="each statement (platform, area, kind, quote, paraphrase, source) once")
        first[c.claim_id] = c
    return out


def to_csv_text(claims: list[Claim]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CLAIM_COLUMNS, lineterminator="\n")
    w.writeheader()
    for c in sorted(claims, key=lambda c: (c.platform_label, c.policy_area, c.kind, c.date, c.claim_id)):
        w.writerow(asdict(c))
    return buf.getvalue()
