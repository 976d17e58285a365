"""The dated raw cache (outside git): ``<cache>/raw/<source>/<retrieved date>/<path>``.

A kept file is never overwritten. When the folder of the day already holds that path with
other bytes (a second fetch on the same day found a newer vintage), the file goes to the
next free folder of the day: ``2026-12-03``, then ``2026-12-03.2``, ``2026-12-03.3``, ...
"""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path


def _same_bytes(path: Path, digest: str) -> bool:
    return hashlib.sha256(path.read_bytes()).hexdigest() == digest


def keep(cache_dir: Path, source_id: str, day: date, path: str, body: bytes) -> Path:
    """Write ``body`` as a new vintage of ``path`` and return where it went (absolute).

    If the chosen folder already holds these exact bytes (a log row lost after a crash), that
    file is returned instead of writing a copy.
    """
    digest = hashlib.sha256(body).hexdigest()
    base = cache_dir.resolve() / "raw" / source_id
    n = 1
    while True:
        folder = day.isoformat() if n == 1 else f"{day.isoformat()}.{n}"
        target = base / folder / path
        if not target.exists():
            break
        if _same_bytes(target, digest):
            return target
        n += 1
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        tmp.write_bytes(body)
        os.link(tmp, target)  # fails rather than replace a file that appeared meanwhile
    finally:
        tmp.unlink(missing_ok=True)
    return target
