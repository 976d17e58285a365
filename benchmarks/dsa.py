"""Benchmark of the DSA Transparency Database ingest on a generated day, side by side in one run.

    python benchmarks/dsa.py [--rows 5000000] [--variant full] [--work build/bench/dsa]

1. Generates (once; reused while the parameters are the same) a day of ``--rows`` statements in
   the exact dump layout (site_builder.dsa_sor.generate; test data, never for the site) and
   unzips its CSV parts for the baselines.
2. Runs, each in its own process (so each peak RSS is its own): the ingest
   (``store.process_day``: sha1 check, nested zips, parse, re-reads, cube, strays, edge uuids);
   a bare DuckDB ``read_csv`` count of the unzipped CSVs; a Polars lazy scan of the unzipped CSVs
   computing the same cube (the engine of shantay).
3. Peak memory for a 20-million-row day: measured on a second, smaller day and extrapolated
   linearly from the two sizes (said so in the output), unless ``--rows`` is already 20 M.

The last line is ``rows_per_s=… vs_duckdb=… vs_polars=… peak_rss_gb=…`` (ratios > 1: the
ingest is faster; peak_rss_gb: the ingest's, for 20 M rows).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DAY = date(2025, 8, 6)
SHANTAY_S_PER_M = (7.0, 8.0)  # shantay's published seconds per million rows per worker


def generated(work: Path, rows: int, variant: str) -> Path:
    from site_builder.dsa_sor.generate import generate_day

    out = work / f"day-{rows}-{variant}"
    stamp = out / "done.json"
    if stamp.is_file():
        return Path(json.loads(stamp.read_text())["zip"])
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    t = time.perf_counter()
    path = generate_day(out, DAY, rows=rows, variant=variant, seed=12)
    print(f"generated {rows:,} rows in {time.perf_counter() - t:.0f} s: {path.name}, {path.stat().st_size / 1e6:.0f} MB", flush=True)
    stamp.write_text(json.dumps({"zip": str(path)}))
    return path


def unzipped(path: Path) -> tuple[Path, int]:
    """The CSV parts of a dump extracted (for the baselines only); their total size."""
    out = path.parent / "csv"
    if not out.is_dir():
        tmp = path.parent / "csv.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        with zipfile.ZipFile(path) as outer:
            for name in outer.namelist():
                with outer.open(name) as f, zipfile.ZipFile(f) as inner:
                    inner.extractall(tmp)
        tmp.rename(out)
    return out, sum(p.stat().st_size for p in out.glob("*.csv"))


# ---- contenders, each run in a child process: python benchmarks/dsa.py --run NAME PATH ----

def run_ingest(path: Path) -> int:
    from site_builder.dsa_sor import store
    from site_builder.dsa_sor.layout import parse_dump_path

    with tempfile.TemporaryDirectory(prefix="pew-bench-store-") as tmp:
        out = store.process_day(parse_dump_path(path), Path(tmp), force=True)
    return out.row.rows_read


def run_duckdb(csv_dir: Path) -> int:
    """A bare count with DuckDB's CSV reader: the dump's dialect and header given (its sniffer guesses
    wrong on these files), every column VARCHAR, bad lines skipped."""
    import csv as pycsv

    import duckdb

    files = sorted(str(p) for p in csv_dir.glob("*.csv"))
    with open(files[0], encoding="utf-8") as f:
        header = next(pycsv.reader(f))
    q = ("SELECT count(*) FROM read_csv($f, header = true, auto_detect = false, columns = $c, delim = ',', quote = '\"', "
         "escape = '\"', ignore_errors = true)")
    return int(duckdb.execute(q, {"f": files, "c": {c: "VARCHAR" for c in header}}).fetchall()[0][0])


def run_polars(csv_dir: Path) -> int:
    import polars as pl

    files = sorted(str(p) for p in csv_dir.glob("*.csv"))
    lf = pl.scan_csv(files, infer_schema=False, ignore_errors=True, truncate_ragged_lines=True, quote_char='"',
                     encoding="utf8-lossy")

    def lst(c: str) -> pl.Expr:
        return pl.col(c).fill_null("[]").str.json_decode(pl.List(pl.String)).list.unique().list.sort().alias(c)

    def ts(c: str) -> pl.Expr:
        return pl.col(c).str.strptime(pl.Datetime, "%Y-%m-%d %H:%M:%S", strict=False)

    def bucket(first: pl.Expr, second: pl.Expr, filed: pl.Expr, lo1: str, lo2: str) -> pl.Expr:
        d = (second.dt.date() - first.dt.date()).dt.total_days()
        bad = (first.is_null() | second.is_null() | (first < pl.lit(lo1).str.to_datetime()) | (second < pl.lit(lo2).str.to_datetime())
               | (first.dt.date() > filed.dt.date()) | (second.dt.date() > filed.dt.date()))
        return (pl.when(bad).then(pl.lit("impossible")).when(d < 0).then(pl.lit("negative")).when(d == 0).then(pl.lit("0"))
                .when(d == 1).then(pl.lit("1")).when(d <= 7).then(pl.lit("2-7")).when(d <= 30).then(pl.lit("8-30"))
                .when(d <= 90).then(pl.lit("31-90")).when(d <= 365).then(pl.lit("91-365")).when(d <= 1826)
                .then(pl.lit("366-1826")).otherwise(pl.lit("1827+")))

    content, applied, created = ts("content_date"), ts("application_date"), ts("created_at")
    keys = ["platform_name", "category", "category_addition", "category_specification", "decision_visibility",
            "decision_monetary", "decision_provision", "decision_account", "decision_ground", "automated_detection",
            "automated_decision", "source_type", "content_type"]
    cube = (lf.with_columns(lst("category_addition"), lst("category_specification"), lst("decision_visibility"), lst("content_type"),
                            created.dt.date().alias("day"),
                            bucket(content, applied, created, "2000-01-01", "2020-01-01").alias("content_delay"),
                            bucket(applied, created, created, "2020-01-01", "2020-01-01").alias("decision_lag"))
            .group_by(["day", *keys, "content_delay", "decision_lag"]).agg(pl.len().alias("rows")))
    out = cube.collect()
    return int(out["rows"].sum())


def child(name: str, path: Path) -> dict:
    """Run one contender in a fresh process; its wall time, result and peak RSS."""
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, "--run", name, str(path)], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"{name} failed:\n{proc.stderr[-3000:]}")
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"name": name, "seconds": elapsed, **got}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--small-rows", type=int, default=2_500_000,
                    help="second day for the memory extrapolation (both days must be well above the ~600,000 rows the "
                         "reader holds in flight, or the slope is the pipeline filling up)")
    ap.add_argument("--variant", default="full", choices=("full", "light"))
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "bench" / "dsa")
    ap.add_argument("--run", nargs=2, metavar=("NAME", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run:
        name, p = args.run
        n = {"ingest": run_ingest, "duckdb": run_duckdb, "polars": run_polars}[name](Path(p))
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        print(json.dumps({"rows": n, "peak_rss": rss}))
        return

    cores = os.cpu_count() or 1
    big = generated(args.work, args.rows, args.variant)
    csv_dir, csv_bytes = unzipped(big)
    print(f"day: {args.rows:,} statements, dump {big.stat().st_size / 1e6:,.0f} MB, CSV parts {csv_bytes / 1e9:.2f} GB "
          f"({csv_bytes / args.rows:,.0f} B/row), {cores} cores", flush=True)
    results = {}
    for name, target in (("duckdb", csv_dir), ("polars", csv_dir), ("ingest", big)):
        r = child(name, target)
        results[name] = r
        print(f"{name:7s} {r['seconds']:7.1f} s  {r['rows'] / r['seconds']:>12,.0f} rows/s  peak RSS {r['peak_rss'] / 2**30:5.2f} GB"
              f"  (rows {r['rows']:,})", flush=True)
    ing = results["ingest"]
    rps = ing["rows"] / ing["seconds"]
    vs_duckdb = rps / (results["duckdb"]["rows"] / results["duckdb"]["seconds"])
    vs_polars = rps / (results["polars"]["rows"] / results["polars"]["seconds"])
    s_per_m_core = ing["seconds"] / (ing["rows"] / 1e6) * cores
    print(f"ingest: {s_per_m_core:.2f} s per million rows per core ({cores} cores) vs shantay's published "
          f"{SHANTAY_S_PER_M[0]:.0f}-{SHANTAY_S_PER_M[1]:.0f} s per million rows per worker")
    target_rows = 20_000_000
    if args.rows >= target_rows:
        peak = ing["peak_rss"] * target_rows / args.rows if args.rows > target_rows else ing["peak_rss"]
        how = "measured"
    else:
        small = child("ingest", generated(args.work, args.small_rows, args.variant))
        slope = (ing["peak_rss"] - small["peak_rss"]) / (args.rows - args.small_rows)
        peak = ing["peak_rss"] + max(0.0, slope) * (target_rows - args.rows)
        how = (f"extrapolated linearly to 20,000,000 rows from {args.small_rows:,} rows ({small['peak_rss'] / 2**30:.2f} GB) "
               f"and {args.rows:,} rows ({ing['peak_rss'] / 2**30:.2f} GB)")
    print(f"peak RSS of the ingest for a 20-million-row day: {peak / 2**30:.2f} GB ({how})")
    print(f"rows_per_s={rps:.0f} vs_duckdb={vs_duckdb:.2f} vs_polars={vs_polars:.2f} peak_rss_gb={peak / 2**30:.2f}")


if __name__ == "__main__":
    main()
