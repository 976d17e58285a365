"""Command line: ``python -m site_builder ingest SOURCE --raw DIR``, ``... build``, ``... fetch [SOURCE]``.

A thin layer: parse arguments, call the pipeline, print errors readably, return an exit
code (0 ok, 1 bad input or failed check, 2 usage; fetch: 3 when some file could not be fetched).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from site_builder import settings
from site_builder.errors import BuildError, InputError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m site_builder", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    ing = sub.add_parser("ingest", help="read published files into data/observations")
    ing.add_argument("source", help="a source id from the raw MANIFEST.csv (e.g. meta_cser), 'curated' or 'all'")
    ing.add_argument("--raw", type=Path, default=settings.DEFAULT_RAW_DIR, help="raw directory with MANIFEST.csv")
    ing.add_argument("--curated", type=Path, default=None,
                     help="curated fact tables (default: the 'curated' folder beside --raw)")
    ing.add_argument("--data", type=Path, default=settings.DATA_DIR, help="the project's data directory")

    b = sub.add_parser("build", help="build the site from data/ into build/site")
    b.add_argument("--data", type=Path, default=settings.DATA_DIR)
    b.add_argument("--build-dir", type=Path, default=settings.BUILD_DIR,
                   help="working directory (warehouse, cache); the site goes to BUILD_DIR/site")
    b.add_argument("--no-cache", action="store_true", help="ignore cached charts and build outputs")

    f = sub.add_parser("fetch", help="fetch published files into the dated raw cache (the only networked step)")
    f.add_argument("source", nargs="?", default="all", help="a source id of data/catalog/sources.yaml, or 'all'")
    f.add_argument("--mirror", default=None, help="fetch every file from MIRROR/<path as in the raw MANIFEST>")
    f.add_argument("--cache", type=Path, default=settings.CACHE_DIR, help="the dated raw cache (outside git)")
    f.add_argument("--data", type=Path, default=settings.DATA_DIR, help="the project's data directory (fetch log)")
    f.add_argument("--dsa-store", type=Path, default=None, help="the store of DSA daily dumps read (default CACHE/dsa_sor)")

    n = sub.add_parser("nightly", help="fetch, ingest what changed, build, record the changes, publish (fail-closed)")
    n.add_argument("sources", nargs="*", help="source ids (default: every source in the catalog)")
    n.add_argument("--data", type=Path, default=settings.DATA_DIR)
    n.add_argument("--build-dir", type=Path, default=settings.BUILD_DIR)
    n.add_argument("--cache", type=Path, default=settings.CACHE_DIR, help="the dated raw cache (outside git)")
    n.add_argument("--mirror", default=None, help="fetch every file from MIRROR/<path as in the raw MANIFEST>")
    n.add_argument("--summary", type=Path, default=None, help="also write the one-line summary here (commit message)")
    n.add_argument("--dsa-store", type=Path, default=None, help="the store of DSA daily dumps read (default CACHE/dsa_sor)")
    from site_builder.dsa_sor.cli import add_parsers

    add_parsers(sub)
    return p


def _fetch(args: argparse.Namespace, console: Console) -> int:
    """Run the fetch step and print one summary row per source; 3 when some file failed."""
    from rich.table import Table

    from site_builder.fetch import OUTCOMES, run

    with console.status("fetching") as status:
        results = run([args.source], data_dir=args.data, cache_dir=args.cache, mirror=args.mirror,
                      progress=lambda msg: status.update(f"fetching {msg}"), dsa_store=args.dsa_store)
    table = Table(title=f"fetch log: {args.data / 'catalog' / 'fetches.csv'}")
    table.add_column("source")
    for outcome in OUTCOMES:
        table.add_column(outcome.replace("_", " "), justify="right")
    for sid in dict.fromkeys(r.source_id for r in results):
        mine = [r.outcome for r in results if r.source_id == sid]
        table.add_row(escape(sid), *(str(mine.count(o) or "") for o in OUTCOMES))
    if not results:
        console.print(f"nothing to fetch for {escape(args.source)} (its catalog entry says why: fetch: method none)")
    else:
        console.print(table)
    for r in results:
        if r.outcome in ("new", "changed"):
            console.print(f"[green]{r.outcome}[/] {escape(r.source_id)}: {escape(r.path)} -> {escape(r.vintage)}", highlight=False,
                          soft_wrap=True)
        elif r.outcome == "failed":
            console.print(f"[red]failed[/] {escape(r.source_id)}: {escape(r.path)} ({escape(r.url)}): {escape(r.reason)}",
                          highlight=False, soft_wrap=True)
    _print_pending(console, results.pending)
    return 3 if any(r.outcome == "failed" for r in results) else 0


def _print_pending(console: Console, pending: dict[str, list[str]]) -> None:
    for sid, names in sorted(pending.items()):
        console.print(f"  waiting: {escape(sid)}: {len(names):,} daily dump(s) for later nights, from {escape(names[0])}",
                      highlight=False)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    console = Console(stderr=True)
    try:
        if args.command == "ingest":
            from site_builder.ingest import ingest

            curated_dir = args.curated or args.raw.parent / "curated"
            with console.status("ingesting") as status:
                results = ingest(args.source, args.raw, curated_dir, args.data,
                                 progress=lambda msg: status.update(f"ingesting {msg}"))
            for r in results:
                outs = ", ".join(str(o.relative_to(args.data)) if o.is_relative_to(args.data) else str(o)
                                 for o in r.outputs[:3])
                more = f" (+{len(r.outputs) - 3} more)" if len(r.outputs) > 3 else ""
                quarantined = f", {r.quarantined} line(s) quarantined (see data/quarantine/)" if r.quarantined else ""
                console.print(f"[green]ok[/] {escape(r.unit)}: {r.releases} release(s), {r.observations} observations"
                              f"{quarantined} -> {escape(outs)}{more}")
            return 0
        if args.command == "build":
            from site_builder.pipeline import build

            site = build(data_dir=args.data, build_dir=args.build_dir, use_cache=not args.no_cache, console=console)
            console.print(f"[green]Site built.[/] Open {site / 'index.html'} in a browser "
                          f"(or run: python -m http.server -d {site})")
            return 0
        if args.command == "fetch":
            return _fetch(args, console)
        if args.command.startswith("dsa-"):
            from site_builder.dsa_sor.cli import run

            return run(args, console)
        if args.command == "nightly":
            from site_builder import nightly

            night = nightly.run(data_dir=args.data, build_dir=args.build_dir, cache_dir=args.cache,
                                sources=args.sources or None, mirror=args.mirror, console=console, dsa_store=args.dsa_store)
            if args.summary:
                args.summary.write_text(night.message + "\n", encoding="utf-8")
            colour = {nightly.EXIT_PUBLISHED: "green", nightly.EXIT_STALE: "yellow", nightly.EXIT_NOTHING: "blue"}
            console.print(f"[{colour.get(night.exit_code, 'red')}]{escape(night.message)}[/]", highlight=False)
            for source_id, why in sorted(night.stale.items()):
                console.print(f"  stale: {escape(source_id)}: {escape(why)}", highlight=False)
            _print_pending(console, night.pending)
            return night.exit_code
    except InputError as exc:
        console.print(f"[red]Bad input:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        return 1
    except BuildError as exc:
        console.print(f"[red]Build failed:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
