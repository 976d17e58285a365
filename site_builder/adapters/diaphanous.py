"""Adapter: the Diaphanous compilation (Robert Grimm, v0.1, CC BY 4.0, doi:10.5281/zenodo.13896438).

``ocse-reports-per-platform.json`` (model: the compilation's ``codebook.md``) maps organisation
names to a disclosure record, or to ``null`` (surveyed, no disclosures), next to the citation
record ``@`` (author, title, version, url). A record may hold ``aka``, ``brands`` (subsidiaries:
a relation, no numbers), ``sources`` (URLs), ``comments``, ``features`` (``terms``,
``quantities``, ``granularity``, ...) and one table: ``columns``, optional ``schema`` (column
-> int | float | string), ``sums``/``products`` (derived columns: no numbers of their own) and
``rows``: ``[{"<period>": [one cell per column], "redundant": true?}, ...]`` with periods
``2023``, ``2023 H2``, ``2023 Q4``; a cell is ``null`` (not reported, never 0), an integer, a
float, or in a float column ``"P / 100 * N"`` (P% of N). Rows sharing a period are additive
parts (Microsoft's three lines per half-year) or, if ``redundant``, repeat a quantity
disclosed elsewhere. NCMEC's record has a string column ``platform``: the provider a row
counts. Two v0.1 deviations from the codebook are accepted and no other: Pornhub's ``terms``
is one string, X's ``history`` is ``null``; anything else the codebook does not describe
raises InputError naming the JSON path.

One output row = one cell of one table row (``null`` cells too, as ``not_reported``).
Platform = the organisation key (NCMEC rows: the provider in their ``platform`` cell, but
``NCMEC`` for its ``Total``/``ESP Total`` lines, named in the metric: ``NCMEC reports (Total)``);
policy = the organisation's first ``features.terms``; metric = the column label, prefixed
``NCMEC`` on NCMEC's counts (reports received, not disclosed) and suffixed ``[redundant]`` /
``[part n]`` where a period has several rows, so that every key is unique; provenance = the
organisation's ``sources``, its qualifiers and the compiler's comments in ``note``.
``ocse-reports-per-year.csv`` (``year,reports``): NCMEC's yearly CyberTipline totals, one
row per line. ``codebook.md`` and ``provenance.md`` hold no numbers.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from site_builder.errors import InputError
from site_builder.observations import Observation
from site_builder.periods import parse_period
from site_builder.quarantine import Quarantined
from site_builder.settings import GLOBAL
from site_builder.textfile import header_problem, read_text
from site_builder.values import NegativeValue, Problems, parse_published

SOURCE_ID = "diaphanous"
COMPILATION_URL = "https://github.com/apparebit/diaphanous"
CITATION = {"author": "Robert Grimm", "title": "Social Media CSAM Disclosures", "version": "0.1"}
CITATION_KEYS = {"author", "title", "version", "url", "!", "|"}
RECORD_KEYS = {"aka", "brands", "sources", "comments", "features", "columns", "sums", "products", "schema", "rows"}
FEATURE_KEYS = {"data", "history", "terms", "quantities", "granularity", "frequency", "coverage"}
SCHEMA_TYPES = {"int", "float", "string"}
TOTALS = {"ESP Total", "Total"}  # NCMEC's summary lines in its `platform` column (not providers)
DOC_FILES = {"codebook.md", "provenance.md"}
PER_YEAR_HEADER = ["year", "reports"]
ITEMS = "items (pieces/images/pins/messages)"
REPORTS = "CyberTipline reports to NCMEC"

_PERIOD = re.compile(r"^\d{4}(?: Q[1-4]| H[12])?$")
_FORMULA = re.compile(r"^(\d+\.\d+)\s*/\s*100\s*\*\s*(\d{1,3}(?:,\d{3})+|\d+)$")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Column label -> unit, first match wins (units as in the curated copy). `None`: "share (0-1)"
# in a record whose quantities are fractions, else "percent". No match raises InputError.
COLUMN_UNITS: list[tuple[re.Pattern[str], str | None]] = [(re.compile(p), u) for p, u in [
    (r"^response_time$", "days"),
    (r"^notifications_sent$", "notices"),
    (r"^% |\bpercent\b|^automatically detected pieces$|^reinstated accounts$", "percent"),
    (r"\b(share|rate)\b", None),
    (r"^reports\b", REPORTS),
    (r"^(accounts|account reversals|temporary account suspensions)\b", "accounts"),
    ((r"^(pieces|distinct pieces|images|distinct images|pins|videos|photos|other content|reported by trusted "
      r"parties|private messages|appeals|reversals|account appeals|total videos removed|videos removed|"
      r"videos restored)\b"), ITEMS),
    (r"^urls$", "URLs"),
    (r"^boards$", "boards"),
    (r"^subreddits\b", "subreddits"),
]]


class _FloatText(str):
    """A JSON float kept exactly as written (``99.100``)."""


def _member(base: str, key: str) -> str:
    return f"{base}.{key}" if _IDENT.match(key) else f"{base}[{json.dumps(key, ensure_ascii=False)}]"


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    if dup := [k for k, n in Counter(k for k, _ in pairs).items() if n > 1]:
        raise ValueError(f"duplicate key {dup[0]!r} in one object")
    return dict(pairs)


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not a number JSON allows")


class _Negative(InputError):
    """A negative number in a cell (collected: every one of the file is reported together)."""


def _load(path: Path, display_path: str) -> dict[str, Any]:
    text = read_text(path, display_path)
    try:
        doc = json.loads(text, object_pairs_hook=_unique_keys,
                         parse_float=_FloatText, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InputError(display_path, f"malformed JSON: {exc.msg}", line=exc.lineno, cell=f"column {exc.colno}") from exc
    except ValueError as exc:
        raise InputError(display_path, f"malformed JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise InputError(display_path, "top level is not an object", cell="$", got=type(doc).__name__,
                         expected="an object mapping organisation names to disclosure records (codebook §1)")
    return doc


def _check_citation(doc: dict[str, Any], display_path: str, edition: str) -> dict[str, str]:
    cite = doc.get("@")
    if not isinstance(cite, dict) or set(cite) - CITATION_KEYS:
        raise InputError(display_path, "citation record missing or malformed", cell='$["@"]', got=cite,
                         expected="an object with author, title, version and url (codebook §2)")
    for key, want in CITATION.items():
        if cite.get(key) != want:
            raise InputError(display_path, f"citation record names another {key}", cell=f'$["@"].{key}',
                             got=cite.get(key), expected=f"{want!r}, the version this adapter and its maps know")
    if edition and edition != f"v{cite['version']}":
        raise InputError(display_path, f"edition {edition!r} does not match the file", cell='$["@"].version',
                         got=cite["version"], expected=f"edition v{cite['version']}")
    return cite


def _names(value: Any) -> list[str]:
    """A list of strings as given, or nothing (the property's own check then names it)."""
    return value if isinstance(value, list) and all(isinstance(v, str) for v in value) else []


def _fits(key: str, value: Any, known: set[str]) -> bool:
    """Whether a record property (or ``features.<key>``) has the shape the codebook gives it."""
    strings = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    if key in ("aka", "brands", "sources", "comments", "columns"):
        return strings
    if key in ("sums", "products"):
        return isinstance(value, dict) and all(
            isinstance(v, list) and v and all(isinstance(c, str) and c in known for c in v) for v in value.values())
    if key == "schema":
        return isinstance(value, dict) and all(c in known and t in SCHEMA_TYPES and (t != "string" or c == "platform")
                                               for c, t in value.items())
    if key == "features":
        return isinstance(value, dict) and all(_fits(f"features.{k}", v, known) for k, v in value.items())
    if key == "features.terms":  # a list of strings; v0.1 gives Pornhub's as one string
        return isinstance(value, str) or (strings and bool(value))
    if key == "features.quantities":
        return value in ("counts", "rounded", "fractions")
    if key in ("features.granularity", "features.frequency"):
        return value in ("Q", "H", "Y")
    # data, history, coverage: strings, or null (v0.1 gives X's history as null)
    return key.removeprefix("features.") in FEATURE_KEYS - {"terms"} and (value is None or isinstance(value, str))


def _check_record(rec: dict[str, Any], doc: dict[str, Any], display_path: str, where: str) -> None:
    """Refuse any property, feature or table shape the codebook does not describe."""
    columns = _names(rec.get("columns"))
    brand_columns = {c for b in _names(rec.get("brands")) if isinstance(doc.get(b), dict)
                     for c in _names(doc[b].get("columns"))}
    for key, value in rec.items():  # (rows are checked row by row as they are read)
        known = set(columns) if key == "schema" else set(columns) | brand_columns
        if key not in RECORD_KEYS or key != "rows" and not _fits(key, value, known):
            raise InputError(display_path, f"unknown or malformed property {key!r}", cell=_member(where, key), got=value,
                             expected="aka, brands, sources, comments, columns: lists of strings; features, schema, "
                                      "sums, products, rows as in codebook §3.2-3.4")
    if any(b not in doc for b in rec.get("brands", [])):
        raise InputError(display_path, "brand is not an organisation of the file", cell=_member(where, "brands"),
                         got=rec["brands"])
    if ("columns" in rec) != ("rows" in rec) or ("schema" in rec and "columns" not in rec) \
            or ("rows" in rec and not rec.get("features", {}).get("terms")) or len(set(columns)) != len(columns):
        raise InputError(display_path, "incomplete table or repeated column", cell=where,
                         expected="distinct columns, rows, optional schema and features.terms together (codebook §3.2)")


def _period(label: str, display_path: str, where: str) -> tuple[date, date]:
    if not _PERIOD.match(label):
        raise InputError(display_path, "unreadable period", cell=where, got=label,
                         expected="a year (2023), half-year (2023 H2) or quarter (2023 Q4) (codebook §3.1)")
    return parse_period(label)


def _unit(column: str, quantities: str | None, display_path: str, where: str) -> str:
    for pattern, unit in COLUMN_UNITS:
        if pattern.search(column):
            return unit or ("share (0-1)" if quantities == "fractions" else "percent")
    raise InputError(display_path, f"no unit known for column {column!r}", cell=where,
                     expected="a column kind listed in COLUMN_UNITS (site_builder/adapters/diaphanous.py)")


def _cell(value: Any, kind: str, display_path: str, where: str) -> tuple[str, float | None, str, str]:
    """(status, value, value_as_published, note) of one cell, checked against its column's type."""
    if value is None:
        return "not_reported", None, "null", ""
    formula = _FORMULA.match(value.strip()) if type(value) is str and kind == "float" else None
    if isinstance(value, int) and not isinstance(value, bool) or isinstance(value, _FloatText) and kind == "float":
        number, extra = float(value), ""
    elif formula:
        number = float(Decimal(formula.group(1)) / 100 * int(formula.group(2).replace(",", "")))
        extra = f"the compilation writes this number as {formula.group(1)}% of {formula.group(2)}"
    else:
        raise InputError(display_path, f"cell does not fit its {kind} column", cell=where, got=value,
                         expected="null, an integer" + (", a float or 'P / 100 * N'" if kind == "float" else "")
                         + " (codebook §3.4)")
    if number < 0:
        raise _Negative(display_path, "negative value", cell=where, got=value, expected="a count or share >= 0")
    return "reported", number, str(value), extra


def _check_no_gaps(spans: list[tuple[date, date]], display_path: str, where: str) -> None:
    reach: date | None = None
    for start, end in sorted(set(spans)):
        if reach is not None and start > reach + timedelta(days=1):
            raise InputError(display_path, f"row periods leave a gap between {reach} and {start}", cell=where,
                             expected="row periods without gaps (codebook §3.5)")
        reach = end if reach is None else max(reach, end)


def _note(rec: dict[str, Any], org: str, parents: dict[str, str]) -> str:
    features = rec.get("features", {})
    parts = [f"{k}: {features[k]}" for k in ("quantities", "granularity") if features.get(k)]
    parts += [f"brand of {parents[org]}"] if org in parents else []
    for key, sign in (("sums", " + "), ("products", " * ")):
        parts += [f"compiler's {key}: {target} = {sign.join(cols)}" for target, cols in rec.get(key, {}).items()]
    parts += ["compiler's comments: " + " ".join(rec["comments"])] if rec.get("comments") else []
    return "; ".join(" ".join(p.split()) for p in parts)


def parse_platforms(path: Path, *, release_id: str, edition: str, display_path: str,
                    quarantine: list[Quarantined] | None = None) -> list[Observation]:
    """Read ``ocse-reports-per-platform.json``: one row per table cell (see the module docstring)."""
    doc = _load(path, display_path)
    cite = _check_citation(doc, display_path, edition)
    records = {org: rec for org, rec in doc.items() if org != "@" and rec is not None}
    parents = {b: org for org, rec in records.items() if isinstance(rec, dict) for b in _names(rec.get("brands"))}
    providers = set(doc) | TOTALS | {a for rec in records.values() if isinstance(rec, dict) for a in _names(rec.get("aka"))}
    out: list[Observation] = []
    negatives = Problems(display_path, "negative values (counts and shares are never negative)")
    for org, rec in records.items():
        where = _member("$", org)
        if not isinstance(rec, dict):
            raise InputError(display_path, "organisation value is neither null nor a disclosure record", cell=where,
                             got=type(rec).__name__, expected="null or an object (codebook §1)")
        _check_record(rec, doc, display_path, where)
        if "rows" in rec:
            out.extend(_table(org, rec, display_path, where, release_id, cite, _note(rec, org, parents), providers,
                              negatives))
    negatives.raise_if_any()
    if not out:
        raise InputError(display_path, "no organisation has a table", expected="records with columns and rows")
    return out


def _table(org: str, rec: dict[str, Any], display_path: str, where: str, release_id: str, cite: dict[str, str],
           note: str, providers: set[str], negatives: Problems) -> list[Observation]:
    columns: list[str] = rec["columns"]
    kinds = [rec.get("schema", {}).get(c, "int") for c in columns]
    terms, quantities = rec["features"]["terms"], rec["features"].get("quantities")
    policy = terms if isinstance(terms, str) else terms[0]
    units = [None if k == "string" else _unit(c, quantities, display_path, f"{_member(where, 'columns')}[{i}]")
             for i, (c, k) in enumerate(zip(columns, kinds))]
    by_platform = "string" in kinds  # NCMEC: each row counts the provider its `platform` cell names
    rows, rows_at = rec["rows"], _member(where, "rows")
    if not isinstance(rows, list) or not rows:
        raise InputError(display_path, "rows is not a non-empty list", cell=rows_at, got=type(rows).__name__)
    parsed: list[tuple[str, list[Any], bool, str]] = []
    for i, row in enumerate(rows):
        keys = list(row) if isinstance(row, dict) else []
        if not keys or keys[0] == "redundant" or keys[1:] not in ([], ["redundant"]) \
                or not isinstance(row.get("redundant", True), bool):
            raise InputError(display_path, "malformed row record", cell=f"{rows_at}[{i}]", got=row,
                             expected='{"<period>": [cells...]} with an optional "redundant": true (codebook §3.4)')
        period, cells = keys[0], row[keys[0]]
        if not isinstance(cells, list) or len(cells) != len(columns):
            n = len(cells) if isinstance(cells, list) else type(cells).__name__
            raise InputError(display_path, f"row has {n} values for {len(columns)} columns",
                             cell=_member(f"{rows_at}[{i}]", period), expected="one value per column: " + ", ".join(columns))
        provider = cells[columns.index("platform")] if by_platform else org
        if not isinstance(provider, str) or provider not in providers:
            raise InputError(display_path, "platform cell names no organisation of the file", got=provider,
                             cell=f"{_member(f'{rows_at}[{i}]', period)}[{columns.index('platform')}]",
                             expected="an organisation key, an aka name, 'ESP Total' or 'Total'")
        parsed.append((period, cells, bool(row.get("redundant", False)), provider))
    spans = [_period(p, display_path, f"{rows_at}[{i}]") for i, (p, *_) in enumerate(parsed)]
    _check_no_gaps(spans, display_path, rows_at)
    groups = Counter((p, r, who) for p, _, r, who in parsed)
    seen: Counter[tuple[str, bool, str]] = Counter()
    version = cite["version"]
    source_url = " | ".join(rec.get("sources", [])) or cite.get("url", COMPILATION_URL)
    out: list[Observation] = []
    for i, ((period, cells, redundant, provider), (start, end)) in enumerate(zip(parsed, spans)):
        row_at = _member(f"{rows_at}[{i}]", period)
        seen[(period, redundant, provider)] += 1
        tags = ["redundant"] if redundant else []
        if groups[(period, redundant, provider)] > 1:
            tags.append(f"part {seen[(period, redundant, provider)]}")
        total = f" ({provider})" if provider in TOTALS else ""  # NCMEC-wide totals: platform NCMEC
        prefix, suffix = (f"{org} " if by_platform else ""), total + (f" [{', '.join(tags)}]" if tags else "")
        who = org if total else provider
        row_note = [note] if note else []
        if redundant:
            row_note.append("row marked redundant: the same quantity is also disclosed in another row")
        for j, (column, kind, unit, value) in enumerate(zip(columns, kinds, units, cells)):
            if kind == "string":
                continue
            try:
                status, number, text, extra = _cell(value, kind, display_path, f"{row_at}[{j}]")
            except _Negative as exc:
                negatives.add(exc)
                continue
            out.append(Observation(
                source_id=SOURCE_ID, release_id=release_id, platform_label=who, policy_label=policy,
                metric_label=prefix + column + suffix, period_start=start, period_end=end, geography=GLOBAL,
                value_status=status, value=number, value_low=None, value_high=None, value_as_published=text,
                unit=unit or "", locator=f"{display_path} {row_at}[{j}]", source_url=source_url,
                source_title=f"{org} transparency disclosures (compiled in Diaphanous v{version})",
                retrieved_from=f"{cite.get('url', COMPILATION_URL)} ({display_path}, v{version})",
                note="; ".join(row_note + ([extra] if extra else [])),
            ))
    return out


def parse_per_year(path: Path, *, release_id: str, edition: str, display_path: str,
                   quarantine: list[Quarantined] | None = None) -> list[Observation]:
    """Read ``ocse-reports-per-year.csv``: one row per line, NCMEC's CyberTipline total of a year."""
    text = read_text(path, display_path)
    try:
        lines = list(csv.reader(text.splitlines(), strict=True))
    except csv.Error as exc:
        raise InputError(display_path, f"malformed CSV: {exc}") from exc
    problem = header_problem(lines[0] if lines else [], PER_YEAR_HEADER)
    if problem:
        raise InputError(display_path, f"unexpected header: {problem}", line=1, expected=",".join(PER_YEAR_HEADER))
    out: list[Observation] = []
    negatives = Problems(display_path, "negative values (report counts are never negative)")
    years: set[str] = set()
    for line, record in enumerate(lines[1:], start=2):
        if not record:
            continue
        year, value = (f.strip() for f in record) if len(record) == 2 else ("", "")
        if not re.fullmatch(r"\d{4}", year) or year in years:
            raise InputError(display_path, "unreadable line or repeated year", line=line, got=",".join(record),
                             expected="year,reports: a four-digit year (each once) and a count")
        years.add(year)
        try:
            parsed = parse_published(value)
        except NegativeValue as exc:
            negatives.add(InputError(display_path, str(exc), line=line, cell="column reports"))
            continue
        except ValueError as exc:
            raise InputError(display_path, str(exc), line=line, cell="column reports") from exc
        if parsed.unit_kind != "count":
            raise InputError(display_path, "reports must be a count", line=line, cell="column reports", got=value)
        start, end = parse_period(year)
        out.append(Observation(
            source_id=SOURCE_ID, release_id=release_id, platform_label="NCMEC",
            policy_label="online child sexual exploitation", metric_label="CyberTipline reports (all reporters)",
            period_start=start, period_end=end, geography=GLOBAL, value_status=parsed.status, value=parsed.value,
            value_low=None, value_high=None, value_as_published=value, unit=REPORTS,
            locator=f"{display_path} line {line}", source_url=COMPILATION_URL,
            source_title=f"NCMEC CyberTipline reports per year (compiled in Diaphanous {edition})".replace(" )", ")"),
            retrieved_from=f"{COMPILATION_URL} ({display_path})",
            note="NCMEC's yearly total of CyberTipline reports from all reporters (providers and the public); "
                 "the compilation names no original document for this file",
        ))
    negatives.raise_if_any()
    if not out:
        raise InputError(display_path, "no data rows", expected="one line per year: year,reports")
    return out


def parse(path: Path, *, release_id: str, edition: str, display_path: str,
          quarantine: list[Quarantined] | None = None) -> list[Observation]:
    """Dispatch on the file name: the JSON compilation, the per-year CSV, or documentation (no rows)."""
    if path.name.endswith(".json"):
        return parse_platforms(path, release_id=release_id, edition=edition, display_path=display_path)
    if path.name.endswith("per-year.csv"):
        return parse_per_year(path, release_id=release_id, edition=edition, display_path=display_path)
    if path.name in DOC_FILES:
        return []  # the codebook and provenance notes document the data; they publish no numbers
    raise InputError(display_path, "not a file of the Diaphanous compilation",
                     expected="ocse-reports-per-platform.json, ocse-reports-per-year.csv, codebook.md or provenance.md")
