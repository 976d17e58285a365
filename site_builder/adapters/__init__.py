"""One adapter per published format. ``RAW_ADAPTERS`` maps a source id (as in the raw
directory's MANIFEST.csv) to the function that reads one of its files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from site_builder.adapters import meta_cser
from site_builder.observations import Observation

RawParser = Callable[..., list[Observation]]

RAW_ADAPTERS: dict[str, RawParser] = {
    "meta_cser": meta_cser.parse,
}


def parse_raw(source_id: str, path: Path, *, release_id: str, edition: str, display_path: str) -> list[Observation]:
    return RAW_ADAPTERS[source_id](path, release_id=release_id, edition=edition, display_path=display_path)
