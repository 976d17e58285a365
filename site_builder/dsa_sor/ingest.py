"""Write what the site shows from the store: ``data/observations/dsa_sor.csv``, the months' releases
in ``data/catalog/releases.csv`` and the dumps behind them in ``data/catalog/dsa_sor_days.csv``.

All three are written together (atomic renames) only after the labels were checked against the
taxonomy; generated test dumps are refused (``derive``), and so nothing generated reaches data/.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from site_builder.catalog import Release, read_releases, write_releases
from site_builder.dsa_sor.derive import SOURCE_ID, days_csv, derive
from site_builder.ingest import _check_labels, _check_unique
from site_builder.observations import to_csv_text, write_files_atomic

DAYS_FILE = Path("catalog") / "dsa_sor_days.csv"


def write_derived(store_dir: Path, data_dir: Path, *, slug: str = "global", variant: str = "full",
                  today: str | None = None) -> tuple[int, list[str]]:
    """Derive from the store and write data/; returns (observations written, months left out as incomplete)."""
    d = derive(store_dir, data_dir, slug=slug, variant=variant)
    _check_labels(data_dir, d.observations, allow_unmapped_platforms=False)
    _check_unique(d.observations)
    day = today or datetime.now(UTC).date().isoformat()
    held = {r.release_id: r.first_ingested for r in read_releases(data_dir) if r.source_id == SOURCE_ID}
    releases: list[Release] = [replace(r, first_ingested=held.get(r.release_id) or day) for r in d.releases]
    owned = set(held)
    write_files_atomic([
        (data_dir / "observations" / f"{SOURCE_ID}.csv", to_csv_text(d.observations)),
        (data_dir / DAYS_FILE, days_csv(d.days)),
    ])
    write_releases(data_dir, releases, replace=owned | {r.release_id for r in releases})
    return len(d.observations), d.partial_months
