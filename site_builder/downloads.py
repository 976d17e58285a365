"""Bulk downloads: the data behind the site as files, a Frictionless Data Package that
describes them, and the sizes the Downloads page lists.

Stage ``downloads`` (see pipeline.py) runs after ``render`` and before ``publish``. It
writes ``docs/downloads/``; MkDocs copies files that are not Markdown as they are, so they
end up in ``site/downloads/``. One file is one download:

* ``observations.csv`` / ``observations.parquet``: the whole record, one row per published
  number (``sql/queries/downloads_observations.sql`` over ``fct_observations``), written
  by DuckDB's own ``COPY ... (FORMAT csv | parquet)``;
* ``claims.csv``: ``data/claims.csv`` byte for byte, one row per stated rule, commitment,
  policy change, regulatory obligation or audit finding; only when that file exists (its
  fields are described as text: the file is the record as committed);
* ``annotations.csv``, ``releases.csv``, ``sources.csv``: exported like the observations;
* ``warehouse.duckdb``: every table of the warehouse, rewritten into a new file with its
  rows in a total order (see ``warehouse.write_sorted_copy``);
* ``datapackage.json``: one resource per CSV file, with bytes, sha256, a typed schema and
  the licences and sources (with citation texts) of that file;
* ``archive/<date>/``: the dated bundles of ``data/archive/`` (observations as Parquet, the
  data package and the changes of that night, as the nightly publish wrote them), copied as
  they are.

Design choices:

* The warehouse connection is closed when this stage runs (pipeline closes it after
  ``render``), so the stage opens the file read-only (no write-ahead log may be left, which
  is checked). ``warehouse.duckdb`` is not a byte copy of the build's file: the models'
  tables are written by several threads, so their rows (and so the file's blocks) come in a
  different order from one build to the next. The download is rewritten table by table,
  in name order, rows sorted by every column, on one thread, so two builds of the same data
  give the same file except for the 16 random bytes DuckDB writes into the header of every
  new database file (its database identifier) and that header's checksum. (``EXPORT
  DATABASE`` writes a folder, not one file.)
* Sizes on the page come from the files written. The page builder (pages/downloads.py)
  registers the page in the ``pages`` stage with no file list; the ``render`` stage writes
  a placeholder; this stage, once the files exist, fills the page's file list from them and
  renders its Markdown again, replacing the placeholder before MkDocs runs.
* Parquet and DuckDB files are listed on the page but not in the data package: frictionless
  reads neither without extra plugins (``frictionless[parquet]``, SQL drivers).
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb
import jinja2

from site_builder import render, settings, warehouse, watch
from site_builder.catalog import sha256_of
from site_builder.errors import BuildError
from site_builder.pages import downloads as downloads_page
from site_builder.pages.common import Page

DIR = "downloads"
PACKAGE_NAME = "platform-enforcement-watch"
CLAIMS_FILE = "claims.csv"


@dataclass(frozen=True)
class Licence:
    """A licence as the data package names it (``name`` an Open Definition id, ``title`` the
    catalog's own wording, ``path`` the licence text) and a short ``label`` for the page."""

    name: str
    title: str
    path: str
    label: str

    def descriptor(self) -> dict[str, str]:
        return {k: v for k, v in (("name", self.name), ("title", self.title), ("path", self.path)) if v}


CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"
PROJECT_LICENCE = Licence("MIT", "MIT licence of this project (pyproject.toml), for its own compilation and text",
                          "https://opensource.org/license/mit", "MIT (this project's own files)")
QUOTED_LICENCE = Licence("other-closed", "Quotations and paraphrases of the document named on each row "
                         "(source_url), cited by URL; quoted text remains its publisher's", "",
                         "quoted documents, cited per row")
PER_ROW_SOURCE = {"title": "The document named on each row (columns source_url, source_title)"}


def licence_of(text: str) -> Licence:
    """The catalog's licence wording as a data package licence."""
    if re.search(r"\bCC BY 4\.0\b", text):
        return Licence("CC-BY-4.0", text, CC_BY_4, "CC BY 4.0")
    if "2011/833/EU" in text:
        return Licence("other-at", text, "https://eur-lex.europa.eu/eli/dec/2011/833/oj",
                       "reuse with acknowledgement (Decision 2011/833/EU)")
    return Licence("other-closed", text, "", "publisher's figures, republished as facts and cited")


@dataclass(frozen=True)
class BulkFile:
    """One file in ``downloads/``: what one row means, its size and checksum, its licences and
    sources. ``fields`` is the Table Schema of a file the data package describes; None for
    files listed on the page only. ``rows`` counts ``unit`` (rows, tables, resources)."""

    file: str
    title: str
    description: str
    format: str
    mediatype: str
    rows: int | None
    unit: str
    licences: tuple[Licence, ...]
    sources: tuple[dict[str, str], ...]
    fields: tuple[dict[str, str], ...] | None = None
    bytes: int = 0
    sha256: str = ""
    encoding: str = "utf-8"

    @property
    def name(self) -> str:
        """The data package resource name: the file name without its extension."""
        return self.file.split(".", 1)[0]

    def resource(self) -> dict[str, Any]:
        """The file's Data Package resource (CSV only)."""
        return {
            "name": self.name, "title": self.title, "description": self.description, "path": self.file,
            "profile": "tabular-data-resource", "format": self.format, "mediatype": self.mediatype,
            "encoding": self.encoding, "bytes": self.bytes, "hash": f"sha256:{self.sha256}",
            "licenses": [lic.descriptor() for lic in self.licences], "sources": list(self.sources),
            "dialect": {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True},
            "schema": {"fields": list(self.fields or ()), "missingValues": [""]},
        }


# Table Schema types of DuckDB column types; anything else (lists) is written as text.
_TYPES = {"VARCHAR": "string", "BOOLEAN": "boolean", "DATE": "date", "TIMESTAMP": "datetime",
          "TINYINT": "integer", "SMALLINT": "integer", "INTEGER": "integer", "BIGINT": "integer",
          "HUGEINT": "integer", "FLOAT": "number", "DOUBLE": "number"}

# What a column means, for the data package (columns shared by several files say it once).
FIELD_DOCS = {
    "source_id": "source family (sources.csv)",
    "release_id": "the published file or edition the row was read from (releases.csv)",
    "release_kind": "raw: the publisher's file; curated: a transcription of a report",
    "precedence": "which release wins when two publish the same number (higher wins)",
    "edition": "the release's edition as its publisher names it",
    "edition_end": "last day covered by the release",
    "snapshot": "full: the release republishes the whole history; otherwise partial or single",
    "platform_label": "platform or company as published",
    "platform_id": "harmonised platform id; empty when the published name is not mapped",
    "policy_label": "policy or category as published",
    "policy_key": "the policy label's stable key within its source",
    "policy_area": "harmonised policy area",
    "metric_label": "measure as published",
    "metric_key": "the measure's stable key within its source",
    "metric_id": "harmonised measure ('other': not harmonised, not charted)",
    "qualifier": "upper_bound, lower_bound or approx when published as such",
    "period_start": "first day of the period the number covers",
    "period_end": "last day of the period the number covers",
    "geography": "place as published",
    "geo_code": "harmonised place code ('global', ISO code, 'EU')",
    "value_status": "reported, range (value_low to value_high), not_reported (published as N/A) or not_numeric "
                    "(a number the publisher qualified, such as 'approximately 4%': no value, see value_as_published)",
    "value": "the number; percentages on the 0-100 scale",
    "value_low": "low end of a published range",
    "value_high": "high end of a published range",
    "value_as_published": "the number exactly as printed",
    "unit": "unit as published",
    "locator": "where in the release the number was read (file and line, or PDF page)",
    "source_url": "the document the row was read from, where it is not the release itself",
    "traceable": "false: the number names no document or is held back, and is not shown on the site",
    "superseded": "true: a curated copy of a number the publisher's own file also gives (the file wins)",
    "obs_file": "the committed file of data/ the row comes from",
    "observations": "observations read from the release",
    "sha256": "sha256 of the exact file the numbers were read from",
    "bytes": "size of that file",
    "licence": "what the site may do with the source's figures",
    "citation": "attribution text the licence requires",
}


def _field(name: str, duck_type: str) -> dict[str, str]:
    base = duck_type.split("(", 1)[0]
    f = {"name": name, "type": "number" if base == "DECIMAL" else _TYPES.get(base, "string")}
    if name in FIELD_DOCS:
        f["description"] = FIELD_DOCS[name]
    return f


def sql(name: str, sql_dir: Path = settings.SQL_DIR) -> str:
    return (sql_dir / "queries" / f"{name}.sql").read_text(encoding="utf-8")


def _finish(f: BulkFile, out_dir: Path) -> BulkFile:
    """The file as written: its size and sha256."""
    path = out_dir / f.file
    return replace(f, bytes=path.stat().st_size, sha256=sha256_of(path))


def _export(con: duckdb.DuckDBPyConnection, query: str, target: Path, fmt: str) -> tuple[int, list[dict[str, str]]]:
    """COPY a query's rows to ``target``; return the number of rows and the Table Schema fields."""
    text = sql(query).strip().rstrip(";")
    options = "FORMAT csv, HEADER true" if fmt == "csv" else "FORMAT parquet, COMPRESSION zstd"
    (n,) = con.execute(f"COPY ({text}) TO $path ({options})", {"path": str(target)}).fetchone()  # type: ignore[misc]
    desc = con.execute(f"SELECT * FROM ({text}) LIMIT 0").description
    return int(n), [_field(d[0], str(d[1])) for d in desc]


@dataclass(frozen=True)
class _Catalog:
    """Sources by id (one row of sources.csv each), and which sources each exported file draws on."""

    sources: dict[str, dict[str, Any]]
    usage: dict[str, list[str]]

    def descriptor(self, sid: str) -> dict[str, str]:
        """A data package source: title, link, licence and (CC BY) the citation required."""
        s = self.sources[sid]
        d = {"title": f"{s['publisher']}: {s['title']}", "path": s["url"], "licence": s["licence"]}
        if s.get("citation"):
            d["citation"] = s["citation"]
        return d

    def of(self, resource: str) -> tuple[tuple[Licence, ...], tuple[dict[str, str], ...]]:
        """The licences and sources of one exported file (by its stem)."""
        sids = self.usage.get(resource, [])
        unknown = sorted(set(sids) - set(self.sources))
        if unknown:
            raise BuildError(f"{resource}: source(s) {', '.join(unknown)} not in data/catalog/sources.yaml, "
                             "so their licence is unknown")
        licences = tuple(dict.fromkeys(licence_of(self.sources[s]["licence"]) for s in sids))
        return licences, tuple(self.descriptor(s) for s in sids)


def _read_catalog(con: duckdb.DuckDBPyConnection) -> _Catalog:
    cur = con.execute(sql("downloads_sources"))
    cols = [d[0] for d in cur.description]
    sources = {r[0]: dict(zip(cols, r)) for r in cur.fetchall()}
    usage: dict[str, list[str]] = defaultdict(list)
    for resource, sid in con.execute(sql("downloads_source_usage")).fetchall():
        usage[resource].append(sid)
    return _Catalog(sources, dict(usage))


@dataclass(frozen=True)
class Export:
    """A CSV file (and optionally a Parquet twin) exported from the warehouse by
    ``sql/queries/downloads_<stem>.sql``. ``own``: the project's own compilation, under the
    project's licence (otherwise the licences of the sources whose figures it holds);
    ``per_row_source``: every row names its own document."""

    stem: str
    title: str
    description: str
    own: bool = True
    per_row_source: bool = False
    parquet: bool = False


EXPORTS = [
    Export("observations", "Observations: every published number (the whole record)",
           ("One row per number published in a release (including N/A), with labels as published, harmonised "
            "ids, value, status, unit, locator, release and provenance; superseded and traceable say whether "
            "the site shows it."), own=False, parquet=True),
    Export("annotations", "Annotations: dated policy and method changes",
           ("One row per dated event (policy change, change of method, data issue, reporting break) drawn on "
            "the charts it affects: the events of data/annotations.csv and the policy changes on the say side "
            "(claims)."), per_row_source=True),
    Export("releases", "Releases: every published file or edition read",
           ("One row per release (published file or edition) with its URL, sha256, size and the number of "
            "observations read from it.")),
    Export("sources", "Sources: the source catalog",
           "One row per source family: publisher, title, link, kind, cadence, licence and required citation."),
]


def _exports(con: duckdb.DuckDBPyConnection, cat: _Catalog, out_dir: Path) -> list[BulkFile]:
    files = []
    for e in EXPORTS:
        licences, sources = cat.of(e.stem)
        if e.own:
            licences = (PROJECT_LICENCE,)
        if e.per_row_source:
            sources = (*sources, PER_ROW_SOURCE)
        n, fields = _export(con, f"downloads_{e.stem}", out_dir / f"{e.stem}.csv", "csv")
        files.append(_finish(BulkFile(f"{e.stem}.csv", e.title, e.description, "csv", "text/csv", n, "rows",
                                      licences, sources, tuple(fields)), out_dir))
        if e.parquet:
            _export(con, f"downloads_{e.stem}", out_dir / f"{e.stem}.parquet", "parquet")
            files.append(_finish(BulkFile(f"{e.stem}.parquet", f"{e.title.split(':')[0]}, as Parquet",
                                          f"The same rows and columns as {e.stem}.csv, typed.", "parquet",
                                          "application/vnd.apache.parquet", n, "rows", licences, sources),
                                 out_dir))
    return files


def copy_claims(data_dir: Path, out_dir: Path) -> BulkFile | None:
    """``data/claims.csv`` copied as it is, or None when the file does not exist."""
    src = data_dir / CLAIMS_FILE
    if not src.is_file():
        return None
    shutil.copyfile(src, out_dir / CLAIMS_FILE)
    encoding = "utf-8-sig" if src.read_bytes()[:3] == b"\xef\xbb\xbf" else "utf-8"
    with src.open(encoding=encoding, newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        n = sum(1 for _ in reader)
    if not header:
        raise BuildError(f"{src} has no header row")
    f = BulkFile(CLAIMS_FILE, "Claims: what platforms and regulators say",
                 "One row per stated rule, commitment, policy change, regulatory obligation or audit finding, "
                 "with the quotation or paraphrase, who said it, when, and the document it was read from.",
                 "csv", "text/csv", n, "rows", (PROJECT_LICENCE, QUOTED_LICENCE), (PER_ROW_SOURCE,),
                 tuple({"name": h, "type": "string"} for h in header), encoding=encoding)
    return _finish(f, out_dir)


def copy_warehouse(db_path: Path, out_dir: Path, n_tables: int, cat: _Catalog) -> BulkFile:
    """Every table of the closed warehouse file, rewritten in a total order (write_sorted_copy)."""
    wal = db_path.with_name(db_path.name + ".wal")
    if wal.exists():
        raise BuildError(f"{wal} exists: the warehouse was not closed cleanly, so its file is not complete")
    warehouse.write_sorted_copy(db_path, out_dir / "warehouse.duckdb")
    licences = tuple(dict.fromkeys((*cat.of("observations")[0], PROJECT_LICENCE)))
    f = BulkFile("warehouse.duckdb", "The DuckDB warehouse of this build",
                 "Every table the site is built from: the committed data as loaded, the taxonomy maps, and the "
                 "staging and mart models (open with DuckDB).", "duckdb", "application/vnd.duckdb",
                 n_tables, "tables", licences, cat.of("sources")[1])
    return _finish(f, out_dir)


def write_package(files: list[BulkFile], cat: _Catalog, out_dir: Path) -> BulkFile:
    """``datapackage.json``: one resource per CSV file; licences and sources of the whole."""
    described = [f for f in files if f.fields is not None]
    licences = tuple(dict.fromkeys(lic for f in described for lic in f.licences))
    package = {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": "Platform Enforcement Watch: bulk data",
        "description": "What online platforms say about enforcing their rules and what the numbers show: every "
                       "published number with the document it was read from, the releases and sources, dated "
                       "annotations and claims. Each resource names its own licences and sources; CC BY 4.0 "
                       "sources carry the citation their licence requires.",
        "licenses": [lic.descriptor() for lic in licences],
        "sources": [cat.descriptor(sid) for sid in cat.sources],
        "resources": [f.resource() for f in described],
    }
    path = out_dir / "datapackage.json"
    path.write_text(json.dumps(package, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    f = BulkFile("datapackage.json", "Data package descriptor (Frictionless Data Package)",
                 "Describes the CSV files above: schema (fields and types), bytes, sha256, licences and "
                 "sources of each.", "json", "application/json", len(described), "resources", (PROJECT_LICENCE,), ())
    return _finish(f, out_dir)


def write_files(db_path: Path, data_dir: Path, out_dir: Path) -> list[BulkFile]:
    """Write every bulk file into ``out_dir`` from the (closed) warehouse file and ``data/``;
    return them in the order the page lists them, the data package last."""
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        cat = _read_catalog(con)
        files = _exports(con, cat, out_dir)
        (n_tables,) = con.execute(sql("downloads_warehouse_tables")).fetchone()  # type: ignore[misc]
    finally:
        con.close()
    claims = copy_claims(data_dir, out_dir)
    if claims is not None:
        files.insert(2, claims)  # after the observations
    files.append(copy_warehouse(db_path, out_dir, int(n_tables), cat))
    files.append(write_package(files, cat, out_dir))
    return files


def copy_archive(data_dir: Path, out_dir: Path) -> list[Path]:
    """Copy the dated bundles of ``data/archive/<date>/`` as they are into ``out_dir/<date>/``
    (``downloads/archive/``), so a reporter can cite the data as it stood on a night; the
    What changed and Downloads pages list them (table archive_files)."""
    copied = []
    for night, file, _size, _sha in watch.archive_files(data_dir):
        src, dst = data_dir / watch.ARCHIVE_DIR / night / file, out_dir / night / file
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        copied.append(dst)
    return copied


def run(db_path: Path, data_dir: Path, docs_dir: Path, pages: list[Page], env: jinja2.Environment,
        site: dict[str, Any]) -> list[BulkFile]:
    """The ``downloads`` stage: write the files into ``docs_dir/downloads``, copy the dated
    bundles into ``docs_dir/downloads/archive`` and render the Downloads page with the files'
    sizes (replacing the render stage's placeholder)."""
    files = write_files(db_path, data_dir, docs_dir / DIR)
    copy_archive(data_dir, docs_dir / DIR / watch.ARCHIVE_DIR)
    for page in pages:
        if page.template == downloads_page.TEMPLATE:
            downloads_page.fill(page, files, pages, DIR)
            render.render_markdown(page, docs_dir, env, site)
    return files
