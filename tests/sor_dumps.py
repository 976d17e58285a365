"""Write small daily dumps of the DSA Transparency Database in its exact layout, from rows given
by the test (written by hand for the reader's tests; the large generated days come from
site_builder.dsa_sor.generate). Quoting as PHP's fputcsv: a field is quoted when it holds a comma,
a quote, a space, a tab or a backslash; quotes are doubled; NULL is nothing."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date
from pathlib import Path

from site_builder.dsa_sor.schema import FULL_ONLY, V1_FULL, V2_FULL


def field(value: str | None) -> str:
    if value is None:
        return ""
    if any(ch in value for ch in ',"  \t\\'):
        return '"' + value.replace('"', '""') + '"'
    return value


def arr(*keys: str) -> str:
    return "[" + ",".join(f'"{k}"' for k in keys) + "]"


BASE = {
    "decision_visibility": arr("DECISION_VISIBILITY_CONTENT_REMOVED"),
    "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
    "incompatible_content_ground": "Our community guidelines",
    "incompatible_content_explanation": "The content violated our rules on safety.",
    "category": "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
    "category_specification": arr("KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL"),
    "content_type": arr("CONTENT_TYPE_VIDEO"),
    "content_date": "2025-06-30 00:00:00",
    "application_date": "2025-07-01 00:00:00",
    "territorial_scope": arr("AT", "BE"),
    "decision_facts": "When reviewing content we found it violated our policy.",
    "source_type": "SOURCE_VOLUNTARY",
    "automated_detection": "Yes",
    "automated_decision": "AUTOMATED_DECISION_FULLY",
    "platform_name": "TikTok",
    "created_at": "2025-07-01 12:00:00",
}


def row(uuid: str, **over: str | None) -> dict[str, str | None]:
    r: dict[str, str | None] = {**BASE, "uuid": uuid, "platform_uid": f"puid-{uuid}", **over}
    return r


def columns(schema: str = "v2", variant: str = "full") -> tuple[str, ...]:
    cols = V2_FULL if schema == "v2" else V1_FULL
    return tuple(c for c in cols if variant == "full" or c not in FULL_ONLY)


def line(r: dict[str, str | None], cols: tuple[str, ...]) -> bytes:
    return ",".join(field(r.get(c)) for c in cols).encode("utf-8")


def write_dump(out: Path, day: date, parts: list[list[bytes | dict]], *, slug: str = "global", variant: str = "full",
               schema: str = "v2", cols: tuple[str, ...] | None = None, parts_per_zip: int = 10,
               comment: bytes = b"") -> Path:
    """A dump whose CSV parts hold the given rows (dicts) or raw lines (bytes); an empty list is a
    header-only part. Parts are grouped ``parts_per_zip`` to an inner zip."""
    cols = cols or columns(schema, variant)
    header = ",".join(cols).encode() + b"\n"
    stem = f"sor-{slug}-{day.isoformat()}-{variant}"
    out.mkdir(parents=True, exist_ok=True)
    outer_path = out / f"{stem}.zip"
    stamp = (day.year, day.month, day.day, 6, 0, 0)
    with zipfile.ZipFile(outer_path, "w", zipfile.ZIP_STORED) as outer:
        for z in range(0, max(1, len(parts)), parts_per_zip):
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as inner:
                for sub, rows in enumerate(parts[z:z + parts_per_zip]):
                    body = b"".join((r if isinstance(r, bytes) else line(r, cols)) + b"\n" for r in rows)
                    info = zipfile.ZipInfo(f"{stem}-{z // parts_per_zip:05d}-{sub:05d}.csv", stamp)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    inner.writestr(info, header + body)
            outer.writestr(zipfile.ZipInfo(f"{stem}-{z // parts_per_zip:05d}.csv.zip", stamp), buf.getvalue())
        outer.comment = comment
    digest = hashlib.sha1(outer_path.read_bytes()).hexdigest()
    (out / f"{outer_path.name}.sha1").write_text(f"{digest}  {outer_path.name}\n", encoding="ascii")
    return outer_path
