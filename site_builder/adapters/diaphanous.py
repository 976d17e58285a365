"""Adapter: the Diaphanous compilation (Robert Grimm, v0.1, CC BY 4.0, doi:10.5281/zenodo.13896438).

``ocse-reports-per-platform.json`` follows the compilation's codebook (``codebook.md``): one
object mapping organisation names to a disclosure record, ``null`` for an organisation that
was surveyed but discloses nothing, plus a citation record ``@`` (author, title, version,
url; ``!``/``|`` are decorative rules). A record may hold ``aka``, ``brands`` (names of
subsidiary organisations, no numbers), ``sources`` (URLs), ``comments``, ``features``
(``data``, ``history``, ``terms``, ``quantities``, ``granularity``, ``frequency``,
``coverage``) and a table: ``columns`` (labels), optional ``schema`` (column -> ``int`` |
``float`` | ``string``; unlisted columns are ``int``), ``sums``/``products`` (column ->
columns it combines: derived, no numbers of their own) and ``rows``: a list of
``{"<period>": [one cell per column], "redundant": true?}`` where the period is ``2023``,
``2023 H2`` or ``2023 Q4`` and a cell is ``null`` (not reported, never 0), an integer, a
float, or in a float column a string ``"P / 100 * N"`` (P% of N). Several rows may share a
period: non-redundant ones are additive parts (Microsoft's three lines per half-year),
``redundant`` ones repeat a quantity disclosed elsewhere. NCMEC's record has a ``string``
column ``platform`` naming the provider each row counts. v0.1 deviates from the codebook in
two places, accepted here and nowhere else: Pornhub's ``terms`` is one string, X's
``history`` is ``null``. Anything else the codebook does not describe raises InputError
naming the JSON path.

One output row = one cell of one row of one organisation's table (``null`` cells included,
as ``not_reported``; NCMEC's ``platform`` cells are row labels, not numbers). Platform =
the organisation (for NCMEC rows: the provider in the ``platform`` cell); policy = the
organisation's first term in ``features.terms``; metric = the column label, prefixed
``NCMEC`` for NCMEC's counts and suffixed ``[redundant]`` / ``[part n]`` where a period has
several rows, so that every (platform, policy, metric, period) key is unique; provenance =
the organisation's ``sources``, with the record's qualifiers and comments in ``note``.

``ocse-reports-per-year.csv`` (``year,reports``): NCMEC's CyberTipline totals from all
reporters, one output row per line. ``codebook.md`` and ``provenance.md`` hold no numbers.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from site_builder.errors import InputError
from site_builder.observations import Observation
from site_builder.periods import parse_period
from site_builder.quarantine import Quarantined
from site_builder.settings import GLOBAL
from site_builder.values import parse_published

SOURCE_ID = "diaphanous"
CITATION = {"author": "Robert Grimm", "title": "Social Media CSAM Disclosures", "version": "0.1"}
CITATION_KEYS = {"author", "title", "version", "url", "!", "|"}
RECORD_KEYS = {"aka", "brands", "sources", "comments", "features", "columns", "sums", "products",
               "schema", "rows"}
FEATURE_KEYS = {"data", "history", "terms", "quantities", "granularity", "frequency", "coverage"}
QUANTITIES = {"counts", "rounded", "fractions"}
GRANULARITIES = {"Q", "H", "Y"}
SCHEMA_TYPES = {"int", "float", "string"}
TOTALS = {"ESP Total", "Total"}  # NCMEC's summary lines in its `platform` column
DOC_FILES = {"codebook.md", "provenance.md"}
PER_YEAR_HEADER = ["year", "reports"]

_PERIOD = re.compile(r"^\d{4}(?: [QH]\d)?$")
_FORMULA = re.compile(r"^(\d+\.\d+)\s*/\s*100\s*\*\s*(\d{1,3}(?:,\d{3})+|\d+)$")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
ITEMS = "items (pieces/images/pins/messages)"
REPORTS = "CyberTipline reports to NCMEC"
# Column label -> unit, first match wins. `None` means "share (0-1)" in a record whose
# quantities are fractions, "percent" otherwise. A column no rule knows raises InputError.
COLUMN_UNITS: list[tuple[re.Pattern[str], str | None]] = [(re.compile(p), u) for p, u in [
    (r"^response_time$", "days"),
    (r"^notifications_sent$", "notices"),
    (r"^% |\bpercent\b|^automatically detected pieces$|^reinstated accounts$", "percent"),
    (r"\b(share|rate)\b", None),
    (r"^reports\b", REPORTS),
    (r"^(accounts|account reversals|temporary account suspensions)\b", "accounts"),
    (r"^(pieces|distinct pieces|images|distinct images|pins|videos|photos|other content|reported by "
     r"trusted parties|private messages|appeals|reversals|account appeals|total videos removed|"
     r"videos removed|videos restored)\b", ITEMS),
    (r"^urls$", "URLs"),
    (r"^boards$", "boards"),
    (r"^subreddits\b", "subreddits"),
]]


class _FloatText(str):
    """A JSON float kept exactly as written (``99.100``)."""


def _member(base: str, key: str) -> str:
    return f"{base}.{key}" if _IDENT.match(key) else f"{base}[{json.dumps(key, ensure_ascii=False)}]"


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen = Counter(k for k, _ in pairs)
    dup = [k for k, n in seen.items() if n > 1]
    if dup:
        raise ValueError(f"duplicate key {dup[0]!r}")
    return dict(pairs)


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not a number JSON allows")


def _load(path: Path, display_path: str) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_no_duplicates,
                         parse_float=_FloatText, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InputError(display_path, f"malformed JSON: {exc.msg}", line=exc.lineno, cell=f"column {exc.colno}") from exc
    except ValueError as exc:
        raise InputError(display_path, f"malformed JSON: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(display_path, f"not UTF-8 text: {exc}") from exc
    if not isinstance(doc, dict):
        raise InputError(display_path, "top level is not an object", cell="$", got=type(doc).__name__,
                         expected="an object mapping organisation names to disclosure records (codebook §1)")
    return doc


def _strings(value: Any, display_path: str, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InputError(display_path, "not a list of non-empty strings", cell=where, got=value)
    return value


def _check_citation(doc: dict[str, Any], display_path: str, edition: str) -> dict[str, str]:
    cite = doc.get("@")
    if not isinstance(cite, dict) or set(cite) - CITATION_KEYS:
        raise InputError(display_path, "citation record missing or malformed", cell='$["@"]', got=cite,
                         expected="an object with author, title, version and url (codebook §2)")
    for key, want in CITATION.items():
        if cite.get(key) != want:
            raise InputError(display_path, f"citation record names another {key}", cell=f'$["@"].{key}',
                             got=cite.get(key), expected=f"{want!r} (the edition this adapter and its maps were written for)")
    if edition and edition != f"v{cite['version']}":
        raise InputError(display_path, f"edition {edition!r} does not match the file's version", cell='$["@"].version',
                         got=cite["version"], expected=f"edition v{cite['version']}")
    return cite


def _feature_ok(key: str, value: Any) -> bool:
    if key == "terms":  # a list of strings; v0.1 gives Pornhub's as one string
        return isinstance(value, str) or (isinstance(value, list) and bool(value) and all(isinstance(t, str) for t in value))
    if key == "quantities":
        return value in QUANTITIES
    if key in ("granularity", "frequency"):
        return value in GRANULARITIES
    return value is None or isinstance(value, str)  # v0.1 gives X's history as null


def _check_record(org: str, rec: dict[str, Any], doc: dict[str, Any], display_path: str, where: str) -> None:
    """Refuse any property, feature or table shape the codebook does not describe."""
    for key in rec:
        if key not in RECORD_KEYS:
            raise InputError(display_path, f"unknown property {key!r}", cell=_member(where, key),
                             expected=", ".join(sorted(RECORD_KEYS)) + " (codebook §3.2)")
    for key in ("aka", "brands", "sources", "comments", "columns"):
        if key in rec:
            _strings(rec[key], display_path, _member(where, key))
    for brand in rec.get("brands", []):
        if brand not in doc:
            raise InputError(display_path, f"brand {brand!r} is not an organisation of the file", cell=_member(where, "brands"))
    features = rec.get("features", {})
    if not isinstance(features, dict):
        raise InputError(display_path, "features is not an object", cell=_member(where, "features"), got=features)
    fw = _member(where, "features")
    for key, value in features.items():
        if key not in FEATURE_KEYS or not _feature_ok(key, value):
            raise InputError(display_path, f"unknown or malformed feature {key!r}", cell=_member(fw, key), got=value,
                             expected="data, history, terms (list of strings), quantities (counts|rounded|fractions), "
                                      "granularity/frequency (Q|H|Y), coverage (codebook §3.3)")
    columns: list[str] = rec.get("columns", [])
    if ("columns" in rec) != ("rows" in rec) or ("schema" in rec and "columns" not in rec):
        raise InputError(display_path, "a table needs columns and rows (and schema only with them)", cell=where,
                         expected="columns, rows and optional schema together (codebook §3.2)")
    if "rows" in rec and "features" not in rec:
        raise InputError(display_path, "a table without features (no terms to label its policy)", cell=where)
    if len(set(columns)) != len(columns):
        raise InputError(display_path, "duplicate column label", cell=_member(where, "columns"), got=columns)
    schema = rec.get("schema", {})
    if not isinstance(schema, dict) or any(k not in columns or v not in SCHEMA_TYPES for k, v in schema.items()):
        raise InputError(display_path, "schema keys must be columns and values int, float or string",
                         cell=_member(where, "schema"), got=schema)
    if any(t == "string" and c != "platform" for c, t in schema.items()):
        raise InputError(display_path, "string column other than 'platform'", cell=_member(where, "schema"), got=schema,
                         expected="string columns only as NCMEC's 'platform' (the provider a row counts)")
    known = set(columns) | {c for b in rec.get("brands", []) for c in (doc.get(b) or {}).get("columns", [])}
    for key in ("sums", "products"):
        combos = rec.get(key, {})
        if not isinstance(combos, dict):
            raise InputError(display_path, f"{key} is not an object", cell=_member(where, key), got=combos)
        for target, parts in combos.items():
            pw = _member(_member(where, key), target)
            if any(p not in known for p in _strings(parts, display_path, pw)):
                raise InputError(display_path, f"{key} names a column the record (or its brands) lacks", cell=pw, got=parts)


def _period(label: str, display_path: str, where: str) -> tuple[date, date]:
    if not _PERIOD.match(label):
        raise InputError(display_path, "unreadable period", cell=where, got=label,
                         expected="a year (2023), half-year (2023 H2) or quarter (2023 Q4) (codebook §3.1)")
    try:
        return parse_period(label)
    except ValueError as exc:
        raise InputError(display_path, "unreadable period", cell=where, got=label, expected=str(exc)) from exc


def _unit(column: str, quantities: str | None, display_path: str, where: str) -> str:
    for pattern, unit in COLUMN_UNITS:
        if pattern.search(column):
            return unit or ("share (0-1)" if quantities == "fractions" else "percent")
    raise InputError(display_path, f"no unit known for column {column!r}", cell=where,
                     expected="a column kind listed in COLUMN_UNITS of site_builder/adapters/diaphanous.py")


def _cell(value: Any, kind: str, display_path: str, where: str) -> tuple[str, float | None, str, str]:
    """(status, value, value_as_published, extra note) of one cell, checked against its schema type."""
    if value is None:
        return "not_reported", None, "null", ""
    if isinstance(value, int) and not isinstance(value, bool):
        number, text, extra = float(value), str(value), ""
    elif isinstance(value, _FloatText) and kind == "float":
        number, text, extra = float(value), str(value), ""
    elif isinstance(value, str) and not isinstance(value, _FloatText) and kind == "float" and _FORMULA.match(value.strip()):
        share, base = _FORMULA.match(value.strip()).groups()  # type: ignore[union-attr]
        number, text = float(share) / 100 * int(base.replace(",", "")), value
        extra = f"the compilation writes this number as {share}% of {base}"
    else:
        raise InputError(display_path, f"cell does not fit its {kind} column", cell=where, got=value,
                         expected="null, an integer" + (", a float or 'P / 100 * N'" if kind == "float" else "") + " (codebook §3.4)")
    if number < 0:
        raise InputError(display_path, "negative value", cell=where, got=value, expected="a count or share >= 0")
    return "reported", number, text, extra


def _check_no_gaps(spans: list[tuple[date, date]], display_path: str, where: str) -> None:
    reach: date | None = None
    for start, end in sorted(set(spans)):
        if reach is not None and start > reach + timedelta(days=1):
            raise InputError(display_path, f"row periods have a gap between {reach} and {start}", cell=where,
                             expected="row periods without gaps (codebook §3.5)")
        reach = end if reach is None else max(reach, end)


def _note(rec: dict[str, Any], org: str, parents: dict[str, str]) -> str:
    features = rec.get("features", {})
    parts = [f"{k}: {features[k]}" for k in ("quantities", "granularity") if features.get(k)]
    if org in parents:
        parts.append(f"brand of {parents[org]}")
    for key, sign in (("sums", " + "), ("products", " * ")):
        parts += [f"compiler's {key}: {target} = {sign.join(cols)}" for target, cols in rec.get(key, {}).items()]
    if rec.get("comments"):
        parts.append("compiler's comments: " + " ".join(rec["comments"]))
    return "; ".join(" ".join(p.split()) for p in parts)


def parse_platforms(path: Path, *, release_id: str, edition: str, display_path: str,
                    quarantine: list[Quarantined] | None = None) -> list[Observation]:
    """Read ``ocse-reports-per-platform.json``; one row per table cell (see module docstring)."""
    doc = _load(path, display_path)
    cite = _check_citation(doc, display_path, edition)
    version = cite["version"]
    parents = {b: org for org, rec in doc.items() if isinstance(rec, dict) and org != "@" for b in rec.get("brands", [])}
    aliases = {a for rec in doc.values() if isinstance(rec, dict) for a in rec.get("aka", [])}
    out: list[Observation] = []
    for org, rec in doc.items():
        where = _member("$", org)
        if org == "@" or rec is None:
            continue
        if not isinstance(rec, dict):
            raise InputError(display_path, "organisation value is neither null nor a disclosure record", cell=where,
                             got=type(rec).__name__, expected="null or an object (codebook §1)")
        _check_record(org, rec, doc, display_path, where)
        if "rows" not in rec:
            continue
        out.extend(_table(org, rec, display_path, where, release_id, version, cite.get("url", ""),
                          _note(rec, org, parents), set(doc) | aliases | TOTALS))
    if not out:
        raise InputError(display_path, "no organisation has a table", expected="at least one record with columns and rows")
    return out


def _table(org: str, rec: dict[str, Any], display_path: str, where: str, release_id: str, version: str,
           compilation_url: str, note: str, providers: set[str]) -> list[Observation]:
    columns: list[str] = rec["columns"]
    schema: dict[str, str] = rec.get("schema", {})
    kinds = [schema.get(c, "int") for c in columns]
    terms = rec["features"].get("terms")
    if not terms:
        raise InputError(display_path, "no terms to label the policy", cell=_member(_member(where, "features"), "terms"))
    policy = terms if isinstance(terms, str) else terms[0]
    quantities = rec["features"].get("quantities")
    units = [None if k == "string" else _unit(c, quantities, display_path, f"{_member(where, 'columns')}[{i}]")
             for i, (c, k) in enumerate(zip(columns, kinds))]
    by_platform = "platform" in columns
    prefix = f"{org} " if by_platform else ""
    rows = rec["rows"]
    if not isinstance(rows, list) or not rows:
        raise InputError(display_path, "rows is not a non-empty list", cell=_member(where, "rows"), got=type(rows).__name__)
    parsed: list[tuple[str, list[Any], bool, str]] = []
    for i, row in enumerate(rows):
        rw = f"{_member(where, 'rows')}[{i}]"
        keys = list(row) if isinstance(row, dict) else []
        if not keys or keys[0] == "redundant" or keys[1:] not in ([], ["redundant"]) or not isinstance(row.get("redundant", True), bool):
            raise InputError(display_path, "malformed row record", cell=rw, got=row,
                             expected='{"<period>": [cells...]} with an optional "redundant": true (codebook §3.4)')
        period, cells = keys[0], row[keys[0]]
        if not isinstance(cells, list) or len(cells) != len(columns):
            n = len(cells) if isinstance(cells, list) else type(cells).__name__
            raise InputError(display_path, f"row has {n} values for {len(columns)} columns", cell=_member(rw, period),
                             expected=f"one value per column: {', '.join(columns)}")
        provider = org
        if by_platform:
            provider = cells[columns.index("platform")]
            if provider not in providers:
                raise InputError(display_path, "platform cell names no organisation of the file", cell=f"{_member(rw, period)}[{columns.index('platform')}]",
                                 got=provider, expected="an organisation key, an aka name, 'ESP Total' or 'Total'")
        parsed.append((period, cells, bool(row.get("redundant", False)), provider))
    spans = [_period(p, display_path, f"{_member(where, 'rows')}[{i}]") for i, (p, *_) in enumerate(parsed)]
    _check_no_gaps(spans, display_path, _member(where, "rows"))
    groups = Counter((p, r, prov) for p, _, r, prov in parsed)
    seen: Counter[tuple[str, bool, str]] = Counter()
    title = f"{org} transparency disclosures (compiled in Diaphanous v{version})"
    source_url = " | ".join(rec.get("sources", [])) or compilation_url
    out: list[Observation] = []
    rows_path = _member(where, "rows")
    for i, ((period, cells, redundant, provider), (start, end)) in enumerate(zip(parsed, spans)):
        row_path = _member(f"{rows_path}[{i}]", period)
        seen[(period, redundant, provider)] += 1
        tags = ["redundant"] if redundant else []
        if groups[(period, redundant, provider)] > 1:
            tags.append(f"part {seen[(period, redundant, provider)]}")
        suffix = f" [{', '.join(tags)}]" if tags else ""
        row_note = [note] if note else []
        if redundant:
            row_note.append("row marked redundant: the same quantity is also disclosed in another row")
        for j, (column, kind, unit, value) in enumerate(zip(columns, kinds, units, cells)):
            if kind == "string":
                continue
            cw = f"{row_path}[{j}]"
            status, number, text, extra = _cell(value, kind, display_path, cw)
            out.append(Observation(
                source_id=SOURCE_ID, release_id=release_id, platform_label=provider, policy_label=policy,
                metric_label=f"{prefix}{column}{suffix}", period_start=start, period_end=end, geography=GLOBAL,
                value_status=status, value=number, value_low=None, value_high=None, value_as_published=text,
                unit=unit or "", locator=f"{display_path} {cw}", source_url=source_url, source_title=title,
                retrieved_from=f"{compilation_url} ({display_path}, v{version})",
                note="; ".join(row_note + ([extra] if extra else [])),
            ))
    return out


def parse_per_year(path: Path, *, release_id: str, edition: str, display_path: str,
                   quarantine: list[Quarantined] | None = None) -> list[Observation]:
    """Read ``ocse-reports-per-year.csv``: one row per year, NCMEC's CyberTipline total."""
    out: list[Observation] = []
    years: dict[str, int] = {}
    compiled = f"compiled in Diaphanous {edition}" if edition else "compiled in Diaphanous"
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, strict=True)
            if (header := next(reader, None)) != PER_YEAR_HEADER:
                raise InputError(display_path, "unexpected header", line=1, got=header, expected=",".join(PER_YEAR_HEADER))
            for record in reader:
                line = reader.line_num
                if not record or record == [""]:
                    continue
                if len(record) != 2:
                    raise InputError(display_path, f"row has {len(record)} fields", line=line, got=",".join(record),
                                     expected="2 fields: year,reports")
                year, value = (f.strip() for f in record)
                if not re.fullmatch(r"\d{4}", year):
                    raise InputError(display_path, "unreadable period", line=line, cell="column year", got=year,
                                     expected="a four-digit year")
                if year in years:
                    raise InputError(display_path, f"year {year} repeated (also line {years[year]})", line=line, cell="column year")
                years[year] = line
                try:
                    parsed = parse_published(value)
                except ValueError as exc:
                    raise InputError(display_path, str(exc), line=line, cell="column reports") from exc
                if parsed.unit_kind not in ("count", None):
                    raise InputError(display_path, "reports must be a count", line=line, cell="column reports", got=value)
                start, end = parse_period(year)
                out.append(Observation(
                    source_id=SOURCE_ID, release_id=release_id, platform_label="NCMEC",
                    policy_label="online child sexual exploitation", metric_label="CyberTipline reports (all reporters)",
                    period_start=start, period_end=end, geography=GLOBAL, value_status=parsed.status,
                    value=parsed.value, value_low=parsed.low, value_high=parsed.high, value_as_published=value,
                    unit=REPORTS, locator=f"{display_path} line {line}",
                    source_url="https://github.com/apparebit/diaphanous",
                    source_title=f"NCMEC CyberTipline reports per year ({compiled})",
                    retrieved_from=f"https://github.com/apparebit/diaphanous ({display_path})",
                    note="NCMEC's yearly total of CyberTipline reports from all reporters (providers and the public); "
                         "the compilation names no original document for this file",
                ))
    except csv.Error as exc:
        raise InputError(display_path, f"malformed CSV: {exc}", line=reader.line_num) from exc
    except UnicodeDecodeError as exc:
        raise InputError(display_path, f"not UTF-8 text: {exc}") from exc
    if not out:
        raise InputError(display_path, "no data rows", expected="one line per year: year,reports")
    return out


def parse(path: Path, *, release_id: str, edition: str, display_path: str,
          quarantine: list[Quarantined] | None = None) -> list[Observation]:
    """Dispatch on the file name: the JSON compilation, the per-year CSV, or documentation."""
    name = path.name
    if name.endswith(".json"):
        return parse_platforms(path, release_id=release_id, edition=edition, display_path=display_path, quarantine=quarantine)
    if name.endswith("per-year.csv"):
        return parse_per_year(path, release_id=release_id, edition=edition, display_path=display_path, quarantine=quarantine)
    if name in DOC_FILES:
        return []  # the codebook and provenance notes document the data; they publish no numbers
    raise InputError(display_path, "not a file of the Diaphanous compilation",
                     expected="ocse-reports-per-platform.json, ocse-reports-per-year.csv, codebook.md or provenance.md")
