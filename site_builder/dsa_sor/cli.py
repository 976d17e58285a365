"""Command-line steps of the DSA Transparency Database work (wired into ``python -m site_builder``).

``dsa-day DATE`` reads one daily dump into the store; ``dsa-backfill FROM TO`` reads many (process
pool or Dask cluster); ``dsa-derive`` writes the monthly observations the site shows into data/;
``dsa-generate DATE`` writes a generated dump for tests and benchmarks (never for the site).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from site_builder import settings
from site_builder.errors import InputError

DEFAULT_RAW = settings.CACHE_DIR / "raw" / "dsa_sor"
COMMANDS = ("dsa-day", "dsa-backfill", "dsa-derive", "dsa-generate")


def catalog_dumps(data_dir: Path = settings.DATA_DIR) -> tuple[str, str]:
    """(slug, variant) of the dumps the catalog fetches (sources.yaml, dsa_sor's fetch block), so every
    step reads the same files by default; ('global', 'full') when the catalog names none."""
    import yaml

    path = data_dir / "catalog" / "sources.yaml"
    try:
        block = yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]["dsa_sor"]["fetch"]
    except (OSError, KeyError, TypeError):
        return "global", "full"
    return str(block.get("slug", "global")), str(block.get("variant", "full"))


def _common(p: argparse.ArgumentParser) -> None:
    slug, variant = catalog_dumps()
    p.add_argument("--slug", default=slug, help=f"'global' or a platform's slug in the file names (default: the catalog's, {slug})")
    p.add_argument("--variant", default=variant, choices=("full", "light"), help=f"default: the catalog's, {variant}")
    p.add_argument("--store", type=Path, default=settings.CACHE_DIR / "dsa_sor", help="the distilled store (outside git)")


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    d = sub.add_parser("dsa-day", help="read one DSA Transparency Database daily dump into the store")
    d.add_argument("date", type=date.fromisoformat)
    d.add_argument("--raw", type=Path, default=DEFAULT_RAW, help="where the dumps are (searched recursively; default: the fetch cache)")
    d.add_argument("--force", action="store_true", help="read it again even when its sha1 is unchanged")
    _common(d)
    b = sub.add_parser("dsa-backfill", help="read the daily dumps FROM..TO into the store (process pool or Dask)")
    b.add_argument("first", type=date.fromisoformat)
    b.add_argument("last", type=date.fromisoformat)
    b.add_argument("--raw", type=Path, default=DEFAULT_RAW)
    b.add_argument("--workers", type=int, default=1, help="local worker processes (default 1)")
    b.add_argument("--scheduler", default=None, help="address of a Dask distributed scheduler (tcp://host:8786)")
    b.add_argument("--retries", type=int, default=2, help="retries of a day that failed (not on bad input)")
    b.add_argument("--force", action="store_true")
    _common(b)
    v = sub.add_parser("dsa-derive", help="write the monthly DSA database figures from the store into data/")
    v.add_argument("--data", type=Path, default=settings.DATA_DIR)
    _common(v)
    g = sub.add_parser("dsa-generate", help="write a GENERATED daily dump (tests and benchmarks only)")
    g.add_argument("date", type=date.fromisoformat)
    g.add_argument("--out", type=Path, required=True)
    g.add_argument("--rows", type=int, default=100_000)
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--slug", default="global")
    g.add_argument("--variant", default="full", choices=("full", "light"))


def run(args: argparse.Namespace, console: Console) -> int:
    if args.command == "dsa-day":
        from site_builder.dsa_sor import store
        from site_builder.dsa_sor.backfill import find_dumps

        dumps, missing = find_dumps(args.raw, args.slug, args.variant, args.date, args.date)
        if missing:
            raise InputError(args.raw, "no daily dump for the date", got=missing[0], expected="the dump file (fetched, or in --raw)")
        with console.status(f"reading {dumps[0].name}"):
            out = store.process_day(dumps[0], args.store, force=args.force)
        store.write_manifest(args.store, args.slug, args.variant)
        r = out.row
        console.print(f"[green]{escape(out.action)}[/] {escape(out.dump)}: {r.rows_read:,} rows read, {r.rows_rejected:,} rejected "
                      f"({r.rows_recovered_backslash:,} recovered from the backslash escape, {r.rows_recovered_encoding:,} from "
                      f"invalid UTF-8, {r.rows_unreadable:,} unreadable), {r.rows_stray:,} of other days, "
                      f"{r.header_only_parts} header-only part(s)", highlight=False)
        return 1 if r.rows_unreadable else 0
    if args.command == "dsa-backfill":
        from rich.progress import Progress

        from site_builder.dsa_sor.backfill import backfill

        with Progress(console=console) as bar:
            days = (args.last - args.first).days + 1
            task = bar.add_task("days", total=days)
            res = backfill(args.raw, args.first, args.last, store_dir=args.store, slug=args.slug, variant=args.variant,
                           workers=args.workers, scheduler=args.scheduler, retries=args.retries, force=args.force,
                           progress=lambda r: bar.advance(task))
        console.print(f"{len(res.done)} day(s) done, {len(res.failed)} failed, {len(res.missing)} without a dump; "
                      f"manifest {res.manifest}", highlight=False)
        for r in res.failed:
            console.print(f"[red]failed[/] {escape(r.dump)}: {escape(r.error)}", highlight=False, soft_wrap=True)
        return 1 if res.failed else 0
    if args.command == "dsa-derive":
        from site_builder.dsa_sor.ingest import write_derived

        n, partial = write_derived(args.store, args.data, slug=args.slug, variant=args.variant)
        console.print(f"[green]ok[/] dsa_sor: {n} observations -> data/observations/dsa_sor.csv"
                      + (f"; months not complete, not shown: {', '.join(partial)}" if partial else ""), highlight=False)
        return 0
    if args.command == "dsa-generate":
        from site_builder.dsa_sor.generate import generate_day

        path = generate_day(args.out, args.date, rows=args.rows, seed=args.seed, slug=args.slug, variant=args.variant)
        console.print(f"generated (test data, never for the site): {path}", highlight=False)
        return 0
    return 2
