"""Nightly benchmark: one run against a local mirror of the raw directory (served on
127.0.0.1 by ``site_builder.fetch.localmirror``), side by side with a cold build of the same
data, and the ratios:

* first night on a fresh clone: every file downloaded once (its bytes equal the releases
  already read, so nothing changes and nothing is built);
* a night where nothing changed: every file answers 304;
* a night where one source changed: one TikTok edition replaced at its address (one
  child-safety figure revised), read in as a new vintage, the site rebuilt (charts from the
  cache of the last build) and published.

    python benchmarks/nightly.py [--raw DIR]

Targets: nothing changed <= 0.05x the cold build; one source changed <= 0.5x.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console
from rich.table import Table

from site_builder import nightly, settings
from site_builder.fetch.localmirror import copy_raw, reissue_tiktok, serve
from site_builder.pipeline import build

EDITION = "tiktok/tiktok-2024-q2.csv"


def night(data: Path, build_dir: Path, cache: Path, mirror: str, day: date, quiet: Console) -> tuple[float, nightly.Night]:
    start = time.perf_counter()
    result = nightly.run(data_dir=data, build_dir=build_dir, cache_dir=cache, mirror=mirror, today=day, console=quiet)
    return time.perf_counter() - start, result


def said(n: nightly.Night) -> str:
    return f"exit {n.exit_code}: {n.message}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--raw", type=Path, default=settings.DEFAULT_RAW_DIR)
    args = ap.parse_args()
    out = Console()
    quiet = Console(stderr=True, quiet=True)
    with tempfile.TemporaryDirectory(prefix="pew-bench-night-") as tmp:
        root = Path(tmp)
        data = root / "data"
        shutil.copytree(settings.DATA_DIR, data, ignore=shutil.ignore_patterns(".*"))
        mirror = copy_raw(args.raw, root / "mirror")
        build_dir, cache = root / "build", root / "cache"

        start = time.perf_counter()
        build(data_dir=data, build_dir=build_dir, console=quiet)
        cold = time.perf_counter() - start

        with serve(mirror) as base:
            first, n1 = night(data, build_dir, cache, base, date(2026, 12, 1), quiet)
            same, n2 = night(data, build_dir, cache, base, date(2026, 12, 2), quiet)
            line = " -> ".join(reissue_tiktok(mirror / EDITION))
            log = Console(file=io.StringIO(), width=200)
            one, n3 = night(data, build_dir, cache, base, date(2026, 12, 3), log)


    table = Table(title="Nightly job against a local mirror of the raw directory (one run)")
    table.add_column("measure")
    table.add_column("seconds", justify="right")
    table.add_column("ratio of cold build", justify="right")
    table.add_column("target", justify="right")
    table.add_column("what the night did")
    table.add_row("cold build of the committed data", f"{cold:.2f}", "1.00x", "", "")
    table.add_row("first night (every file downloaded, none changed)", f"{first:.2f}", f"{first / cold:.3f}x", "",
                  said(n1))
    table.add_row("night, nothing changed (every file 304)", f"{same:.2f}", f"{same / cold:.3f}x", "<= 0.05x",
                  said(n2))
    table.add_row(f"night, one source changed ({EDITION})", f"{one:.2f}", f"{one / cold:.3f}x", "<= 0.5x",
                  said(n3))
    out.print(table)
    steps = Table(title="The night where one source changed, step by step")
    steps.add_column("step")
    steps.add_column("seconds", justify="right")
    steps.add_column("share of that night", justify="right")
    for name, secs in n3.times.items():
        steps.add_row(name, f"{secs:.2f}", f"{secs / one:.0%}")
    out.print(steps)
    out.print(f"revised line: {line}")
    out.print("charts of that night: " + next((ln.strip() for ln in log.file.getvalue().splitlines() if "from cache" in ln), "?"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
