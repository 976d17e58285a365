"""A raw directory served on 127.0.0.1, for ``--mirror`` in tests, benchmarks and runs from
an archive copy: ``python -m http.server``'s handler (Last-Modified, 304 on
If-Modified-Since, content types from the file name) plus answers chosen per path prefix
(``fail``), such as 500 for every Meta file.

    with serve(raw_dir, fail={"meta/": 500}) as base_url:
        nightly.run(..., mirror=base_url)
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _Handler(SimpleHTTPRequestHandler):
    fail: dict[str, int] = {}

    def do_GET(self) -> None:
        path = self.path.lstrip("/")
        for prefix, status in self.fail.items():
            if path.startswith(prefix):
                self.send_error(status)
                return
        super().do_GET()

    def log_message(self, format: str, *args) -> None:
        pass


@contextmanager
def serve(root: Path, *, fail: dict[str, int] | None = None) -> Iterator[str]:
    """Serve ``root`` on a free port of 127.0.0.1 until the block ends; yield the base URL."""
    handler = type("Handler", (_Handler,), {"fail": dict(fail or {})})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def copy_raw(raw: Path, into: Path) -> Path:
    """Copy the files a raw ``MANIFEST.csv`` lists (and the MANIFEST) into ``into``, at the
    same paths: a mirror to serve."""
    from site_builder.catalog import read_manifest

    for p in ["MANIFEST.csv", *(e["path"] for e in read_manifest(raw))]:
        (into / p).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(raw / p, into / p)
    return into


def reissue_tiktok(path: Path, by: float = -0.011) -> tuple[str, str]:
    """Overwrite a TikTok CGE CSV in place as TikTok re-issues an edition at the same address:
    the last 'Proactive removal rate' of 'Minor safety' (all tasks, all markets) changed by
    ``by``. Its modification time moves ahead, so the mirror's Last-Modified changes too.
    Returns the line before and after."""
    lines = path.read_bytes().split(b"\n")
    i = max(n for n, line in enumerate(lines) if line.lower().startswith(b"proactive removal rate,quarterly,")
            and b",minor safety,all,all,all,all," in line.lower())
    before = lines[i]
    head, value = before.rstrip(b"\r").rsplit(b",", 1)
    lines[i] = head + b"," + str(round(float(value) + by, 4)).encode() + (b"\r" if before.endswith(b"\r") else b"")
    path.write_bytes(b"\n".join(lines))
    later = time.time() + 5
    os.utime(path, (later, later))
    return before.decode("utf-8").strip(), lines[i].decode("utf-8").strip()
