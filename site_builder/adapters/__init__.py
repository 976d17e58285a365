"""One adapter per published format.

The contract every raw adapter follows (see ``meta_cser.py`` for the reference):

    parse(path, *, release_id, edition, display_path, quarantine) -> list[Observation]

* ``path`` is the file in the raw directory (read in place, never copied);
  ``display_path`` is how to name it in locators and errors (``meta/meta-2024-q2.csv``).
* Every output row is one published number: labels exactly as published, the value typed
  with ``value_as_published`` kept, ``value_status`` ``reported`` / ``range`` /
  ``not_reported``, and a ``locator`` ("file line N", "file sheet S row N", "file p. N").
* Bad input raises ``InputError`` naming the file, the line or cell and what was expected.
  Recognisably broken lines that the issue says to set aside (template placeholders such
  as ``{{Other}}``) are appended to ``quarantine`` with a reason instead.

``REPORT_ADAPTERS`` (tables of one report read together, one release per report) and
``RAW_ADAPTERS`` map a source id (as in the raw directory's MANIFEST.csv) to its parser.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from site_builder.adapters import (
    diaphanous,
    discord_transparency,
    dsa_reports,
    meta_cser,
    microsoft_dscr,
    ncmec_esp,
    tiktok_cge,
    x_gtr,
)
from site_builder.observations import Observation
from site_builder.quarantine import Quarantined

RawParser = Callable[..., list[Observation]]

RAW_ADAPTERS: dict[str, RawParser] = {
    "meta_cser": meta_cser.parse,
    "ncmec_esp": ncmec_esp.parse,
    "microsoft_dscr": microsoft_dscr.parse,
    "discord_transparency": discord_transparency.parse,
    "tiktok_cge": tiktok_cge.parse,
    "x_gtr": x_gtr.parse,
    "diaphanous": diaphanous.parse,
}
# Sources published as reports of several tables (one CSV each): the manifest entries that share
# an edition are read together as one report, ``parse_report(files, release_prefix=, quarantine=)``.
REPORT_ADAPTERS = {
    "dsa_reports": dsa_reports.parse_report,
}


def parse_raw(source_id: str, path: Path, *, release_id: str, edition: str, display_path: str,
              quarantine: list[Quarantined]) -> list[Observation]:
    return RAW_ADAPTERS[source_id](path, release_id=release_id, edition=edition, display_path=display_path,
                                   quarantine=quarantine)
