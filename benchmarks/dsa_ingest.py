"""Ingest benchmark for the harmonised DSA reports: reads every report in the raw directory
(tables 1 and 4 together) and, side by side in the same run, Meta's CSV editions (the
reference adapter), into throwaway copies of ``data/``; prints time per 1,000 observations,
peak Python memory and the ratio of the two.

    python benchmarks/dsa_ingest.py [--raw ../shared/data/raw] [--repeat 3]

No target is set by the issue; the ratio shows whether reading two tables per report with
their notes costs more per number than a plain one-line-per-number CSV.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console
from rich.table import Table

from site_builder import settings
from site_builder.ingest import ingest_raw


def _once(source_id: str, raw: Path, traced: bool) -> tuple[float, int, float]:
    with tempfile.TemporaryDirectory(prefix="pew-bench-") as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(settings.DATA_DIR, data)
        if traced:
            tracemalloc.start()
        start = time.perf_counter()
        result = ingest_raw(source_id, raw, data)
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 2**20 if traced else 0.0
        if traced:
            tracemalloc.stop()
    return elapsed, result.observations, peak


def measure(source_id: str, raw: Path, repeat: int) -> tuple[float, int, float]:
    """(best seconds of ``repeat`` untraced runs, observations, peak MiB of Python allocations in
    one more run under tracemalloc, which is slower and not timed)."""
    best, n = min(_once(source_id, raw, False)[:2] for _ in range(repeat))
    return best, n, _once(source_id, raw, True)[2]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--raw", type=Path, default=settings.ROOT.parent / "shared" / "data" / "raw")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rows = {sid: measure(sid, args.raw, args.repeat) for sid in ("dsa_reports", "meta_cser")}
    table = Table(title=f"Ingest, best of {args.repeat} runs")
    for col in ("source", "observations", "seconds", "ms per 1,000", "peak MiB", "ratio per number"):
        table.add_column(col, justify="right")
    ref = rows["meta_cser"][0] / rows["meta_cser"][1]
    for sid, (sec, n, peak) in rows.items():
        table.add_row(sid, f"{n:,}", f"{sec:.2f}", f"{1000 * sec / n * 1000:.1f}", f"{peak:.1f}",
                      f"{(sec / n) / ref:.2f}x")
    Console().print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
