"""Harmonised vocabularies, kept as data in ``data/taxonomy/*.csv``.

* ``platforms.csv``        one row per platform or company id
* ``platform_labels.csv``  a published platform or provider name -> platform id
* ``policy_areas.csv``     one row per harmonised policy area
* ``policy_labels.csv``    (source, published policy label) -> policy key and area
* ``metrics.csv``          one row per harmonised metric, with its unit kind and definition
* ``metric_labels.csv``    (source, published metric label) -> metric id and qualifier
* ``units.csv``            a published unit -> unit kind and the factor to the common scale

Ingest uses :func:`unknown_labels` to refuse labels no map knows before anything is
written; the build repeats the check in SQL (``sql/checks/unmapped_labels.sql``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from site_builder.errors import InputError
from site_builder.observations import Observation

MAP_FILES = {
    "platforms": ["platform_id", "name", "kind", "company"],
    "platform_labels": ["label", "platform_id"],
    "policy_areas": ["policy_area", "name", "rank", "topic_page", "description"],
    "policy_labels": ["source_id", "label", "policy_key", "policy_area"],
    "metrics": ["metric_id", "name", "unit_kind", "definition"],
    "metric_labels": ["source_id", "label", "metric_id", "qualifier"],
    "units": ["unit", "unit_kind", "factor", "display"],
}


def map_path(data_dir: Path, name: str) -> Path:
    return data_dir / "taxonomy" / f"{name}.csv"


def read_map(data_dir: Path, name: str) -> list[dict[str, str]]:
    """Read one taxonomy CSV, refusing a renamed or missing column."""
    path = map_path(data_dir, name)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != MAP_FILES[name]:
            raise InputError(path, "unexpected header", got=reader.fieldnames,
                             expected=",".join(MAP_FILES[name]))
        return list(reader)


@dataclass(frozen=True)
class UnknownLabel:
    kind: str  # platform | policy | metric | unit
    label: str
    source_id: str
    locator: str
    map_file: Path

    def message(self) -> str:
        scope = f" for source {self.source_id!r}" if self.kind in ("policy", "metric") else ""
        return (
            f"{self.locator}: unknown {self.kind} label {self.label!r}{scope}; "
            f"add it to {self.map_file}"
        )


def unknown_labels(
    data_dir: Path, rows: list[Observation], *, allow_unmapped_platforms: bool
) -> list[UnknownLabel]:
    """Every (kind, label) in ``rows`` that no taxonomy map knows, first occurrence each."""
    platforms = {r["label"] for r in read_map(data_dir, "platform_labels")}
    policies = {(r["source_id"], r["label"]) for r in read_map(data_dir, "policy_labels")}
    metrics = {(r["source_id"], r["label"]) for r in read_map(data_dir, "metric_labels")}
    units = {r["unit"] for r in read_map(data_dir, "units")}
    seen: set[tuple[str, str, str]] = set()
    out: list[UnknownLabel] = []

    def flag(kind: str, label: str, row: Observation, known: bool, name: str) -> None:
        key = (kind, row.source_id, label)
        if not known and key not in seen:
            seen.add(key)
            out.append(UnknownLabel(kind, label, row.source_id, row.locator, map_path(data_dir, name)))

    for row in rows:
        if not allow_unmapped_platforms:
            flag("platform", row.platform_label, row, row.platform_label in platforms, "platform_labels")
        flag("policy", row.policy_label, row, (row.source_id, row.policy_label) in policies, "policy_labels")
        flag("metric", row.metric_label, row, (row.source_id, row.metric_label) in metrics, "metric_labels")
        flag("unit", row.unit, row, row.unit in units, "units")
    return out
