"""The build, stage by stage. This is the only module that knows the order of stages:

load -> model -> check -> pages (queries, figures) -> chart -> render -> downloads -> publish

Everything is built in a temporary directory under the build directory; the finished
site (and the warehouse) replace the previous ones only after every stage passed. If the
inputs (data, SQL, templates, code, mkdocs.yml, library versions) are unchanged since the
last successful build, the build says so and does nothing.

Interruptions: SIGTERM stops the build like an error (the chart workers are terminated and
the temporary directory removed; nothing is published). A build killed outright (SIGKILL)
cannot clean up: its workers exit when they see their build process gone, and its
temporary directory (which records the build's process id) is removed by the next build.

A chart with no row to draw is left out of its page with a message naming the chart and
the data it was drawn from; if the page cannot be rendered without it, the build stops
with that message.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb
from rich.console import Console

from site_builder import downloads, feed, publish, render, settings, warehouse
from site_builder.errors import BuildError
from site_builder.figures import drawable_rows, empty_chart_message
from site_builder.pages import (
    cases,
    changes,
    child_safety,
    coverage,
    health,
    home,
    methodology,
    platforms,
    revisions,
    say_vs_do,
    sources,
    topics,
)
from site_builder.pages import downloads as downloads_page
from site_builder.pages.common import Ctx, Page

PAGE_BUILDERS: list[Callable[[Ctx], list[Page]]] = [
    home.build, say_vs_do.build, cases.build, child_safety.build, topics.build, platforms.build, revisions.build,
    changes.build, coverage.build, sources.build, health.build,
    methodology.build, downloads_page.build,
]
# The sidebar: top-level pages first (Home, Say vs do), the Cases, then the pages about the data
# as top-level items (Revisions and What changed, then Sources and Source health among the pages
# about the data; so that Revisions, Sources, Methodology and Downloads are on the first
# screen and, on phones, at the top level of the drawer), then the Topics and the Platforms. A page whose section is
# not listed here (platform pages not marked major, the shared page) is left out of the sidebar;
# mkdocs.yml lists it under not_in_nav and the All platforms page links to it.
NAV_ORDER = ["", "Cases", "Revisions", "About the data", "Topics", "Platforms"]
NAV_TOP_LEVEL = {"", "Revisions", "About the data"}  # their pages are listed without a section heading
FINGERPRINT_FILE = "last-build.json"
WORK_PREFIX = ".building-"
OWNER_FILE = "builder.pid"  # in a temporary build directory: the process id of its build
PACKAGES = ["duckdb", "altair", "vl-convert-python", "jinja2", "mkdocs", "mkdocs-material"]


def inputs_fingerprint(data_dir: Path) -> str:
    """A hash of everything the site is built from."""
    h = hashlib.sha256()
    roots = [data_dir, settings.TEMPLATES_DIR, Path(__file__).resolve().parent]
    files = sorted(p for root in roots for p in root.rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
    for p in files + [settings.MKDOCS_YML]:
        h.update(str(p.name).encode())
        h.update(p.read_bytes())
    for pkg in PACKAGES:
        h.update(f"{pkg}=={metadata.version(pkg)}".encode())
    return h.hexdigest()


def site_settings(ctx: Ctx, pages: list[Page]) -> dict[str, Any]:
    """What every page may show about the site: its address (mkdocs.yml site_url, if set),
    the date up to which data was collected, and the page titles."""
    import yaml

    config = yaml.safe_load(settings.MKDOCS_YML.read_text(encoding="utf-8").replace("!!python", "#"))
    dates = [r["first_ingested"] for r in ctx.releases.values() if r.get("first_ingested")]
    return {"site_url": (config or {}).get("site_url") or "", "data_date": max(dates) if dates else "",
            "site_name": (config or {}).get("site_name") or "", "pages": {p.path: p.title for p in pages}}


def make_nav(pages: list[Page]) -> list[Any]:
    """MkDocs navigation from the pages' sections (NAV_ORDER), in page order within each;
    ``"Platforms/More"`` nests a section; pages of sections not in NAV_ORDER are left out."""
    nav: list[Any] = []
    for section in NAV_ORDER:
        items: list[Any] = [{p.title: p.path} for p in pages if p.nav == section]
        for sub in sorted({p.nav for p in pages if p.nav.startswith(section + "/")} if section else set()):
            items.append({sub.split("/", 1)[1]: [{p.title: p.path} for p in pages if p.nav == sub]})
        if not items:
            continue
        if section in NAV_TOP_LEVEL:
            nav.extend(items)
        else:
            nav.append({section: items})
    return nav


class BuildInterrupted(BuildError):
    """The build process was asked to stop (SIGTERM)."""


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """While the build runs, SIGTERM raises BuildInterrupted (once; a second SIGTERM during the
    clean-up is ignored), so that every ``finally`` runs: workers terminated, temporary
    directory removed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupted(signum: int, _frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise BuildInterrupted(f"the build was interrupted ({signal.Signals(signum).name}); nothing was published")

    previous = signal.signal(signal.SIGTERM, interrupted)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_work_dirs(build_dir: Path, console: Console) -> list[Path]:
    """Remove the temporary directories of builds that were killed (their recorded process is
    gone, or none was recorded); a directory of a build still running is left alone."""
    removed = []
    for d in sorted(build_dir.glob(WORK_PREFIX + "*")):
        try:
            owner = int((d / OWNER_FILE).read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            owner = None
        if owner is not None and _alive(owner):
            continue
        shutil.rmtree(d, ignore_errors=True)
        removed.append(d)
        console.print(f"[yellow]Removed[/] {d.name}, left by a build that was interrupted.", highlight=False)
    return removed


def _without(value: Any, ids: set[int]) -> Any:
    """``value`` with the figures whose ids are given taken out of every list in it and
    replaced by None in every dict (a template that needs one then fails, naming it)."""
    if isinstance(value, list):
        kept = [_without(v, ids) for v in value if id(v) not in ids]
        return kept if len(kept) != len(value) or any(a is not b for a, b in zip(kept, value)) else value
    if isinstance(value, dict):
        new = {k: None if id(v) in ids else _without(v, ids) for k, v in value.items()}
        return new if any(new[k] is not v for k, v in value.items()) else value
    return value


def leave_out_empty_charts(pages: list[Page], console: Console) -> dict[str, list[str]]:
    """Take every chart with no row to draw out of its page (figures and context) and say so;
    return the messages per page path."""
    left: dict[str, list[str]] = {}
    for page in pages:
        empty = [f for f in page.figures if f.chart is not None and not drawable_rows(f.chart)]
        if not empty:
            continue
        ids = {id(f) for f in empty}
        page.figures = [f for f in page.figures if id(f) not in ids]
        page.context = _without(page.context, ids)
        left[page.path] = [empty_chart_message(f, page.path) for f in empty]
        for msg in left[page.path]:
            console.print(f"[yellow]Left out[/] {msg}.", highlight=False, soft_wrap=True)
    return left


class Stages:
    """Times each stage and shows progress; ``times`` feeds the benchmark."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.times: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str, doing: str) -> Iterator[None]:
        start = time.perf_counter()
        with self.console.status(f"[bold]{name}[/]: {doing}"):
            yield
        self.times[name] = time.perf_counter() - start
        self.console.print(f"[green]✓[/] {name:<8} {doing} ({self.times[name]:.2f} s)", highlight=False)


def build(*, data_dir: Path = settings.DATA_DIR, build_dir: Path = settings.BUILD_DIR, use_cache: bool = True,
          console: Console | None = None, times: dict[str, float] | None = None) -> Path:
    """Build the site into ``build_dir/site``; return its path. Raises BuildError or InputError."""
    console = console or Console(stderr=True)
    stages = Stages(console)
    build_dir.mkdir(parents=True, exist_ok=True)
    site_dir = build_dir / "site"
    fp_path = build_dir / FINGERPRINT_FILE
    with stages.stage("inputs", "fingerprint data, SQL, templates and code"):
        fingerprint = inputs_fingerprint(data_dir)
    if use_cache and site_dir.exists() and fp_path.exists() and \
            json.loads(fp_path.read_text()).get("fingerprint") == fingerprint:
        console.print("[green]Nothing changed since the last build[/]; the site is up to date.")
        if times is not None:
            times.update(stages.times)
        return site_dir

    remove_stale_work_dirs(build_dir, console)
    with stop_on_sigterm():
        _build_in(build_dir, data_dir, use_cache, fingerprint, stages, console)
    if times is not None:
        times.update(stages.times)
    return site_dir


def _build_in(build_dir: Path, data_dir: Path, use_cache: bool, fingerprint: str, stages: Stages,
              console: Console) -> None:
    """Every stage in a new temporary directory, then the swap into place (see build)."""
    site_dir = build_dir / "site"
    fp_path = build_dir / FINGERPRINT_FILE
    work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=build_dir))
    cache_dir = build_dir / "cache" / "charts" if use_cache else None
    try:
        (work / OWNER_FILE).write_text(str(os.getpid()), encoding="utf-8")
        db_path = work / "warehouse.duckdb"
        con = duckdb.connect(str(db_path))
        try:
            with stages.stage("load", f"load {data_dir} into DuckDB"):
                warehouse.load(con, data_dir)
            with stages.stage("model", "run SQL models (staging, marts)"):
                models = warehouse.run_models(con)
            with stages.stage("check", "run SQL data checks"):
                failures = warehouse.run_checks(con)
            if failures:
                raise BuildError("data checks failed; nothing was published.\n" + warehouse.format_failures(failures))
            with stages.stage("pages", "query marts and build figures"):
                ctx = Ctx(con)
                pages = [p for builder in PAGE_BUILDERS for p in builder(ctx)]
            left_out = leave_out_empty_charts(pages, console)
            docs_dir = work / "docs"
            env = render.environment()
            site_info = site_settings(ctx, pages)
            with stages.stage("chart", "render charts (SVG, PNG, Vega-Lite, CSV)"):
                stats = render.render_figures(pages, docs_dir, cache_dir)
            with stages.stage("render", "render templates to Markdown"):
                render.copy_static(docs_dir)
                feed.write(pages, docs_dir, site_info, site_info["site_name"] or "Platform Enforcement Watch")
                for page in pages:
                    try:
                        render.render_markdown(page, docs_dir, env, site_info)
                    except BuildError as exc:
                        if page.path not in left_out:
                            raise
                        raise BuildError(f"page {page.path} cannot be shown without a chart that has no rows: "
                                         + "; ".join(left_out[page.path]) + f" ({exc})") from exc
        finally:
            con.close()
        with stages.stage("downloads", "write bulk files and the data package, list them"):
            downloads.run(db_path, data_dir, docs_dir, pages, env, site_info)
        with stages.stage("publish", "mkdocs build --strict"):
            publish.run_mkdocs(docs_dir, work / "site", make_nav(pages), build_date=site_info["data_date"])
        publish.swap_into_place(work / "site", site_dir)
        publish.swap_into_place(docs_dir, build_dir / "docs")
        (db_path).replace(build_dir / "warehouse.duckdb")
        fp_path.write_text(json.dumps({"fingerprint": fingerprint, "models": models, "nav": make_nav(pages)}, indent=1))
        n_figs = sum(len(p.figures) for p in pages)
        console.print(f"{len(pages)} pages, {n_figs} figures and tables ({stats['rendered']} charts rendered, "
                      f"{stats['cached']} from cache, {stats['table']} tables)", highlight=False)
    finally:
        shutil.rmtree(work, ignore_errors=True)
