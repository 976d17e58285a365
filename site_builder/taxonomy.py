"""Harmonised vocabularies, kept as data in ``data/taxonomy/``.

* ``platforms.csv``                   one row per platform or company id; ``major`` (yes|no) puts
                                      its page in the sidebar: yes where its own transparency
                                      reporting (its own report, or its disclosures as compiled by
                                      Diaphanous) gives this site 30 figures or more
* ``platform_labels/*.csv``           a published platform or provider name -> platform id
                                      (one file per source that brings names, plus ``common.csv``)
* ``policy_areas.csv``                one row per harmonised policy area
* ``policy_labels/<source_id>.csv``   a source's published policy label -> policy key and area
* ``metrics.csv``                     one row per harmonised metric, with its unit kind and definition
* ``metric_definitions.csv``          per (metric, source): what that source's figure counts
* ``metric_labels/<source_id>.csv``   a source's published metric label -> metric key (the same
                                      published measure across label drift), metric id, qualifier
* ``units.csv``                       a published unit -> unit kind and the factor to the common scale
* ``ncmec_matching.csv``              per platform compared with NCMEC: whose disclosures are added up,
                                      which NCMEC provider lines they are matched with, in which years,
                                      whether both sides cover the same services, and the evidence
                                      (default: its own disclosure against the lines of the same id)
* ``claim_platforms.csv``, ``claim_areas.csv``  a statement's platform and policy area labels ->
                                      platform ids, policy area and the areas whose figures test it
* ``claim_tests.csv``                 what kind of statement (pattern in its text) is tested by which
                                      metrics (NCMEC reporting, speed, proactive detection, enforcement)
* ``verdicts.csv``, ``verdict_rules.csv``  the fixed vocabulary of verdicts on statements and the
                                      share left up by an independent test that decides each one
* ``verdict_tests.csv``               which independent tests (a pair of published counts, or a share)
                                      test which statements (kind, pattern in the text, dated no later
                                      than the test), and findings without counts that are listed with them
* ``self_reported_findings.csv``      who counts as the platform itself among the authors of findings
                                      (its own reports and spokespeople: not independent evidence)
* ``value_qualifiers.csv``            the word a value is printed with ('more than', 'about', 'less than'):
                                      a pattern on the value as published, else the metric's qualifier
* ``link_kinds.csv``, ``link_rules.csv``  what kind of address a source field gives (document,
                                      homepage, landing page, mirror, press summary, ...) and the
                                      label the site shows next to it (see ``docref.py``)
* ``palette.csv``                     a platform id -> the colour its series have on every chart (each at
                                      least 3:1 against the light and the dark chart background)
* ``cadences.csv``                    a source's cadence as the catalog words it -> the days between its
                                      releases and the days without a new file after which the Source
                                      health page calls it overdue (empty: no schedule, never overdue)
* ``change_kinds.csv``, ``fetch_outcomes.csv``  the kinds of change in data/changes.csv and the
                                      outcomes of the fetch log, with the words readers see
* ``sor_subjects.csv``                what statements of reasons of the DSA Transparency Database concern
                                      (all, protection of minors, the child sexual abuse material keyword, ...):
                                      name, the policy area whose pages show it, the row code of the harmonised
                                      DSA report it is reconciled with (TOTAL, a category or keyword)
* ``sor_measures.csv``                a DSA database source's (policy key, metric key) -> subject and measure
                                      (statements of reasons, with automated detection, following a notice, a
                                      delay band...); ``*`` matches any key, an empty cell is given by another row
* ``sor_caveats.csv``                 a platform's measure that the database's own announcements say was filed
                                      wrongly before a date: withheld (not shown) or flagged (shown, marked) in
                                      the months before it
* ``geographies/*.csv``               a published place or audience (``global``, ``United States``,
                                      ``language: English``) -> code and kind (global, country,
                                      region, language)

Ingest uses :func:`unknown_labels` to refuse labels no map knows before anything is
written; the build repeats the check in SQL (``sql/checks/unknown_labels.sql``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from site_builder.errors import InputError
from site_builder.observations import Observation

MAP_FILES = {
    "platforms": ["platform_id", "name", "kind", "company", "major"],
    "policy_areas": ["policy_area", "name", "rank", "topic_page", "description"],
    "metrics": ["metric_id", "name", "unit_kind", "definition"],
    "metric_definitions": ["metric_id", "source_id", "definition", "comparable_group"],
    "units": ["unit", "unit_kind", "factor", "display"],
    "ncmec_matching": ["platform_id", "disclosure_platform_ids", "ncmec_platform_ids", "first_year", "last_year",
                       "like_for_like", "note", "source"],
    "claim_platforms": ["label", "platform_ids"],
    "claim_areas": ["label", "policy_area", "evidence_areas"],
    "claim_tests": ["topic", "pattern", "metrics", "what_tests_it"],
    "verdicts": ["verdict", "name", "short", "rank", "definition"],
    "verdict_rules": ["verdict", "share_left_up_above", "share_left_up_at_most", "why"],
    "verdict_tests": ["test_id", "evidence", "denominator_label", "numerator_label", "numerator_counts",
                      "statement_kinds", "statement_pattern", "what_it_tests", "result", "result_short"],
    "self_reported_findings": ["pattern", "why"],
    "breaks": ["break_id", "date", "until", "sources", "platforms", "policy_areas", "label", "caveat", "short_caveat",
               "source_url"],
    "geo_names": ["geo_code", "name"],
    "label_names": ["label", "name", "source"],
    "note_rewrites": ["pattern", "replacement", "why"],
    "value_qualifiers": ["match", "pattern", "word"],
    "link_kinds": ["kind", "rank", "href", "numbers", "what"],
    "link_rules": ["applies_to", "pattern", "kind", "publication", "label", "covers"],
    "palette": ["platform_id", "colour"],
    "cadences": ["cadence", "every_days", "overdue_after_days", "in_words"],
    "change_kinds": ["kind", "name", "unit", "units", "rank", "one", "many", "sentence"],
    "fetch_outcomes": ["outcome", "name", "succeeded"],
    "dsa_template": ["code", "kind", "name"],
    "dsa_checks": ["kind", "name", "rank", "counted", "sentence", "basis"],
    "sor_subjects": ["subject", "name", "phrase", "policy_area", "report_code", "rank"],
    "sor_measures": ["source_id", "policy_key", "metric_key", "subject", "measure"],
    "sor_caveats": ["platform_id", "measure", "until", "treatment", "text"],
}
# Maps kept as one file per source: the file name (without .csv) is the source id.
MAP_DIRS = {
    "platform_labels": ["label", "platform_id"],
    "policy_labels": ["label", "policy_key", "policy_area"],
    "metric_labels": ["label", "metric_key", "metric_id", "qualifier"],
    "geographies": ["label", "geo_code", "kind"],
}


def map_path(data_dir: Path, name: str) -> Path:
    return data_dir / "taxonomy" / f"{name}.csv"


def map_files(data_dir: Path, name: str) -> list[Path]:
    """The CSV files of a taxonomy map (one file, or every file of a per-source folder)."""
    if name in MAP_DIRS:
        return sorted((data_dir / "taxonomy" / name).glob("*.csv"))
    return [map_path(data_dir, name)]


def read_map(data_dir: Path, name: str) -> list[dict[str, str]]:
    """Read a taxonomy map, refusing a renamed or missing column; per-source maps get a
    ``source_id`` column from their file name."""
    expected = MAP_FILES.get(name) or MAP_DIRS[name]
    rows: list[dict[str, str]] = []
    for path in map_files(data_dir, name):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            if reader.fieldnames != expected:
                raise InputError(path, "unexpected header", got=reader.fieldnames, expected=",".join(expected))
            rows.extend({**r, "source_id": path.stem} if name in MAP_DIRS else r for r in reader)
    return rows


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two '#rrggbb' colours."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


MIN_CONTRAST = 3.0  # WCAG 1.4.11 (graphical objects) against each chart background


def read_palette(data_dir: Path, backgrounds: dict[str, str]) -> dict[str, str]:
    """``palette.csv`` as platform id -> colour, refusing (with file and line) a platform id that
    ``platforms.csv`` does not know, a platform listed twice, a colour that is not '#rrggbb', one
    given to two platforms, or one below 3:1 against any of ``backgrounds`` (scheme -> colour)."""
    path = map_path(data_dir, "palette")
    known = {r["platform_id"] for r in read_map(data_dir, "platforms")}
    out: dict[str, str] = {}
    owners: dict[str, str] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != MAP_FILES["palette"]:
            raise InputError(path, "unexpected header", got=reader.fieldnames, expected=",".join(MAP_FILES["palette"]))
        for row in reader:
            line, pid, colour = reader.line_num, (row["platform_id"] or "").strip(), (row["colour"] or "").strip()
            if pid not in known:
                raise InputError(path, f"unknown platform id {pid!r}", line=line,
                                 expected=f"a platform_id of {map_path(data_dir, 'platforms')}")
            if pid in out:
                raise InputError(path, f"platform {pid!r} is listed twice", line=line)
            if not re.fullmatch(r"#[0-9A-Fa-f]{6}", colour):
                raise InputError(path, f"bad colour {colour!r} for {pid!r}", line=line, expected="'#rrggbb'")
            if colour.upper() in owners:
                raise InputError(path, f"colour {colour} of {pid!r} is already {owners[colour.upper()]!r}'s", line=line,
                                 expected="one colour per platform")
            for scheme, bg in backgrounds.items():
                if contrast(colour, bg) < MIN_CONTRAST:
                    raise InputError(path, f"colour {colour} of {pid!r} has contrast {contrast(colour, bg):.2f}:1 "
                                     f"against the {scheme} background {bg}", line=line,
                                     expected=f"at least {MIN_CONTRAST:g}:1 against {', '.join(backgrounds.values())}")
            out[pid], owners[colour.upper()] = colour, pid
    return out


@dataclass(frozen=True)
class UnknownLabel:
    kind: str  # platform | policy | metric | unit
    label: str
    source_id: str
    locator: str
    map_file: Path

    def message(self) -> str:
        return f"{self.locator}: unknown {self.kind} label {self.label!r} of source {self.source_id!r}; add it to {self.map_file}"


def unknown_labels(
    data_dir: Path, rows: list[Observation], *, allow_unmapped_platforms: bool
) -> list[UnknownLabel]:
    """Every (kind, label) in ``rows`` that no taxonomy map knows, first occurrence each."""
    platforms = {r["label"] for r in read_map(data_dir, "platform_labels")}
    policies = {(r["source_id"], r["label"]) for r in read_map(data_dir, "policy_labels")}
    metrics = {(r["source_id"], r["label"]) for r in read_map(data_dir, "metric_labels")}
    units = {r["unit"] for r in read_map(data_dir, "units")}
    places = {r["label"] for r in read_map(data_dir, "geographies")}
    seen: set[tuple[str, str, str]] = set()
    out: list[UnknownLabel] = []

    def flag(kind: str, label: str, row: Observation, known: bool, name: str) -> None:
        key = (kind, row.source_id, label)
        if not known and key not in seen:
            seen.add(key)
            where = data_dir / "taxonomy" / name / f"{row.source_id}.csv" if name in MAP_DIRS else map_path(data_dir, name)
            out.append(UnknownLabel(kind, label, row.source_id, row.locator, where))

    for row in rows:
        if not allow_unmapped_platforms:
            flag("platform", row.platform_label, row, row.platform_label in platforms, "platform_labels")
        flag("policy", row.policy_label, row, (row.source_id, row.policy_label) in policies, "policy_labels")
        flag("metric", row.metric_label, row, (row.source_id, row.metric_label) in metrics, "metric_labels")
        flag("unit", row.unit, row, row.unit in units, "units")
        flag("geography", row.geography, row, row.geography in places, "geographies")
    return out
