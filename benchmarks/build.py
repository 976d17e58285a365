"""Build benchmark: times every stage of a cold build, a bare `mkdocs build` of the same
generated docs, a rebuild after a template change (charts from cache) and a rebuild with
nothing changed, all in one run, and prints the ratios.

    python benchmarks/build.py [--data DIR]

Targets: whole cold build <= 2x the bare MkDocs build; no-change rebuild <= 0.25x cold.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console
from rich.table import Table

from site_builder import publish, settings
from site_builder.pipeline import FINGERPRINT_FILE, build


def timed(fn) -> tuple[float, dict[str, float]]:
    times: dict[str, float] = {}
    start = time.perf_counter()
    fn(times)
    return time.perf_counter() - start, times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=settings.DATA_DIR)
    args = ap.parse_args()
    out = Console()
    quiet = Console(stderr=True, quiet=True)
    with tempfile.TemporaryDirectory(prefix="pew-bench-") as tmp:
        build_dir = Path(tmp) / "build"
        cold, stages = timed(lambda t: build(data_dir=args.data, build_dir=build_dir, console=quiet, times=t))

        nav = json.loads((build_dir / FINGERPRINT_FILE).read_text())["nav"]
        start = time.perf_counter()
        publish.run_mkdocs(build_dir / "docs", Path(tmp) / "bare-site", nav)
        bare = time.perf_counter() - start

        # a template change: everything runs again except chart rendering (cache)
        (build_dir / FINGERPRINT_FILE).unlink()
        warm, warm_stages = timed(lambda t: build(data_dir=args.data, build_dir=build_dir, console=quiet, times=t))

        nochange, _ = timed(lambda t: build(data_dir=args.data, build_dir=build_dir, console=quiet, times=t))

    table = Table(title="Cold build, stage by stage")
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    table.add_column("share of cold build", justify="right")
    for name, secs in stages.items():
        table.add_row(name, f"{secs:.2f}", f"{secs / cold:.0%}")
    table.add_row("total", f"{cold:.2f}", "100%")
    out.print(table)

    ratios = Table(title="Side by side (one run)")
    ratios.add_column("measure")
    ratios.add_column("seconds", justify="right")
    ratios.add_column("ratio", justify="right")
    ratios.add_column("target", justify="right")
    ratios.add_row("bare mkdocs build of the same docs", f"{bare:.2f}", "1.00x of bare", "")
    ratios.add_row("whole cold build", f"{cold:.2f}", f"{cold / bare:.2f}x of bare", "<= 2x")
    ratios.add_row("rebuild, charts cached (template change)", f"{warm:.2f}", f"{warm / cold:.2f}x of cold", "")
    ratios.add_row("rebuild, nothing changed", f"{nochange:.3f}", f"{nochange / cold:.3f}x of cold", "<= 0.25x")
    out.print(ratios)
    out.print(f"charts stage, cold vs cached: {stages.get('chart', 0):.2f} s vs {warm_stages.get('chart', 0):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
