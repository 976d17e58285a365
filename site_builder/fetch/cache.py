"""The dated raw cache (outside git): ``<cache>/raw/<source>/<retrieved date>/<path>``.

A kept file is never overwritten. When the folder of the day already holds that path with
other bytes (a second fetch on the same day found a newer vintage), the file goes to the
next free folder of the day: ``2026-12-03``, then ``2026-12-03.2``, ``2026-12-03.3``, ...

A file too large for memory (a DSA daily dump) is streamed into ``partial_path`` first and put
in place by ``keep_file`` with the same rules.
"""

from __future__ import annotations

import hashlib
import os
from datetime import date
from pathlib import Path


def _same_bytes(path: Path, digest: str) -> bool:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest() == digest


def _free_target(cache_dir: Path, source_id: str, day: date, path: str, digest: str) -> tuple[Path, bool]:
    """Where a new vintage of ``path`` goes, and whether that file already holds these bytes."""
    base = cache_dir.resolve() / "raw" / source_id
    n = 1
    while True:
        folder = day.isoformat() if n == 1 else f"{day.isoformat()}.{n}"
        target = base / folder / path
        if not target.exists():
            return target, False
        if _same_bytes(target, digest):
            return target, True
        n += 1


def partial_path(cache_dir: Path, source_id: str, path: str) -> Path:
    """A scratch file (same file system as the cache) to stream a download into before ``keep_file``."""
    folder = cache_dir.resolve() / "raw" / source_id / ".partial"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{Path(path).name}.{os.getpid()}.part"


def keep_file(cache_dir: Path, source_id: str, day: date, path: str, tmp: Path, sha256: str) -> Path:
    """Put a finished download ``tmp`` (from ``partial_path``; ``sha256`` of its bytes) in the cache
    as ``keep`` would write it, and return where it went; ``tmp`` is gone afterwards."""
    target, same = _free_target(cache_dir, source_id, day, path, sha256)
    try:
        if not same:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(tmp, target)  # fails rather than replace a file that appeared meanwhile
    finally:
        tmp.unlink(missing_ok=True)
    return target


def keep(cache_dir: Path, source_id: str, day: date, path: str, body: bytes) -> Path:
    """Write ``body`` as a new vintage of ``path`` and return where it went (absolute).

    If the chosen folder already holds these exact bytes (a log row lost after a crash), that
    file is returned instead of writing a copy.
    """
    target, same = _free_target(cache_dir, source_id, day, path, hashlib.sha256(body).hexdigest())
    if same:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        tmp.write_bytes(body)
        os.link(tmp, target)  # fails rather than replace a file that appeared meanwhile
    finally:
        tmp.unlink(missing_ok=True)
    return target
