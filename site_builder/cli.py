"""Command line: ``python -m site_builder ingest SOURCE --raw DIR`` and ``... build``.

A thin layer: parse arguments, call the pipeline, print errors readably, return an exit
code (0 ok, 1 bad input or failed check, 2 usage).
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
    return p


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
    except InputError as exc:
        console.print(f"[red]Bad input:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        return 1
    except BuildError as exc:
        console.print(f"[red]Build failed:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
