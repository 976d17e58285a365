"""Downloads page: every bulk file with its size, format, rows and licences; the per-chart
downloads; the sources' licences and the citations CC BY requires.

The bulk files are written by the ``downloads`` stage (site_builder/downloads.py), after
the pages are built and rendered. So ``build`` only registers the page (its file list is
None, and the render stage writes a placeholder); the stage calls ``fill`` with the files
it wrote and renders the page again, so every size shown is that of a file that exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from site_builder import fmt
from site_builder.pages.common import Ctx, Page, first_url

if TYPE_CHECKING:
    from site_builder.downloads import BulkFile

TEMPLATE = "pages/downloads.md.j2"
FORMATS = {"csv": "CSV", "parquet": "Parquet", "duckdb": "DuckDB database", "json": "JSON"}


def human_size(n: int) -> str:
    """1234567 -> '1.2 MB' (decimal units); under 1 kB in bytes."""
    if n < 1000:
        return f"{n} bytes"
    size = float(n)
    for unit in ("kB", "MB", "GB", "TB"):
        size /= 1000
        if size < 999.95 or unit == "TB":
            return f"{size:.1f} {unit}"
    raise AssertionError("unreachable")


def build(ctx: Ctx) -> list[Page]:
    listed = {r["source_id"] for r in ctx.releases.values()}  # the Sources page has an anchor for these
    sources = [{**s, "url": first_url(s["url"]), "anchor": s["source_id"] if s["source_id"] in listed else ""}
               for s in sorted(ctx.sources.values(), key=lambda s: s["publisher"].lower())]
    archive: dict[str, dict[str, Any]] = {}
    for r in ctx.query("archive_list"):  # newest night first
        night = archive.setdefault(r["night"].isoformat(), {"night": r["night"].isoformat(),
                                                             "date_text": fmt.date_text(r["night"]), "files": []})
        night["files"].append({"file": r["file"], "size": human_size(r["bytes"]), "sha256": r["sha256"],
                               "href": f"downloads/archive/{r['night'].isoformat()}/{r['file']}"})
    context = {"files": None, "package": None, "sources": sources, "n_charts": 0, "n_tables": 0,
               "citations": [s for s in sources if s["citation"]], "archive": list(archive.values())}
    return [Page(path="downloads.md", title="Downloads", template=TEMPLATE, nav="About the data", context=context)]


def file_row(f: BulkFile, root: str, folder: str) -> dict[str, Any]:
    """What the page shows of one bulk file."""
    return {"file": f.file, "href": f"{root}{folder}/{f.file}", "title": f.title, "description": f.description,
            "format": FORMATS.get(f.format, f.format.upper()), "rows": f.rows, "unit": f.unit, "bytes": f.bytes,
            "size": human_size(f.bytes), "sha256": f.sha256,
            "licences": "; ".join(dict.fromkeys(lic.label for lic in f.licences)) or "as each file",
            "in_package": f.fields is not None}


def fill(page: Page, files: Sequence[BulkFile], pages: Sequence[Page], folder: str) -> None:
    """Put the files written (with their sizes) and the per-chart download counts into the page."""
    figures = [fig for p in pages for fig in p.figures]
    page.context.update(
        files=[file_row(f, page.root, folder) for f in files],
        package=next((file_row(f, page.root, folder) for f in files if f.file == "datapackage.json"), None),
        n_charts=sum(1 for fig in figures if fig.chart is not None),
        n_tables=sum(1 for fig in figures if fig.chart is None),
    )
