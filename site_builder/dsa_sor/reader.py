"""Read one daily dump into its cube: streaming, by CSV part, with the format's quirks handled.

For each inner zip, its CSV parts are inflated one batch at a time into a scratch directory
(deleted as soon as DuckDB has read them; the next batch is inflated while the current one is
parsed), parsed by DuckDB with ``escape='"'`` and ``store_rejects``; rejected lines are re-read
from their raw bytes — with ``escape='\\'`` (PHP's ``\\"`` export bug) or as latin-1 (invalid
UTF-8) — and a line still unreadable is counted and listed with its part and line number.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import shutil
import tempfile
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from site_builder import settings
from site_builder.dsa_sor.layout import DumpFile, Part, check_sha1, inflate_to, open_dump
from site_builder.dsa_sor.schema import header_layout
from site_builder.errors import InputError

SQL = settings.SQL_DIR / "dsa_sor"
# Statements filed in the first and last EDGE_MINUTES of a day keep their uuid, for the de-duplication
# of rows a neighbouring dump leaked across the ID-window cut (format notes §5.5: up to 4,159 rows a
# day, under a minute of filings at 20 million a day); a stray filed farther from the boundary cannot
# be checked and is counted as unverified in the manifest, never dropped.
EDGE_MINUTES = 10
INFLATERS = 2  # threads inflating CSV parts (ISA-L releases the GIL)
AHEAD = 4  # parts inflated ahead of the parser: at most about AHEAD + BATCH parts (~100 MB each) in scratch
BATCH = 2  # parts parsed by one DuckDB query


def sql(name: str) -> str:
    return (SQL / f"{name}.sql").read_text(encoding="utf-8")


@dataclass
class Counts:
    """What reading one dump found; becomes the dump's manifest row."""

    rows_read: int = 0
    recovered_backslash: int = 0
    recovered_encoding: int = 0
    rows_undated: int = 0
    parts: int = 0
    header_only_parts: int = 0
    inner_zips: int = 0
    unreadable: list[tuple[str, int, str]] = field(default_factory=list)  # (part, line, error)


@dataclass(frozen=True)
class _Inflated:
    """One CSV part inflated into the scratch directory (``path`` None: it held only its header)."""

    inner: str
    name: str
    path: Path | None
    header: tuple[str, ...]


def _header(path: Path, where: str) -> tuple[tuple[str, ...], bool]:
    """The header of a CSV part and whether the part holds only the header."""
    with path.open("rb") as f:
        first = f.readline()
        empty = f.read(1) == b""
    if not first.strip():
        raise InputError(where, "the CSV part has no header row", line=1,
                         expected="the header row in every part (even an empty one)")
    try:
        header = tuple(next(csv.reader([first.decode("utf-8")])))
    except UnicodeDecodeError:
        raise InputError(where, "the header row is not UTF-8", line=1) from None
    return header, empty


def _inflate_part(dump: DumpFile, part: Part, scratch: Path) -> _Inflated:
    where = f"{dump.name}/{part.inner}/{part.name}"
    out = scratch / part.name
    inflate_to(dump.path, part, out, where)
    header, empty = _header(out, where)
    if empty:
        out.unlink()
    return _Inflated(part.inner, part.name, None if empty else out, header)


def default_scratch() -> Path:
    """Where CSV parts are inflated while they are read: memory-backed /dev/shm when there is one."""
    shm = Path("/dev/shm")
    return shm if shm.is_dir() and os.access(shm, os.W_OK) else Path(tempfile.gettempdir())


class DumpReader:
    """Reads one dump into DuckDB table ``sor_acc``; ``write`` stores the day's partition files."""

    def __init__(self, dump: DumpFile, *, scratch: Path | None = None, threads: int | None = None,
                 edge_minutes: int = EDGE_MINUTES, check: bool = True) -> None:
        self.dump = dump
        self.sha1 = check_sha1(dump) if check else ""
        self.scratch_root = scratch or default_scratch()
        self.scratch_root.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(config={"threads": threads} if threads else {})
        for statement in (sql("macros") + sql("acc")).split(";\n"):
            if statement.strip():
                self._do(statement)
        self.counts = Counts()
        self.schema_version = ""
        day0 = datetime.combine(dump.day, datetime.min.time())
        self.params = {"day": dump.day, "edge_lo": day0 + timedelta(minutes=edge_minutes),
                       "edge_hi": day0 + timedelta(days=1) - timedelta(minutes=edge_minutes)}
        self._insert = "INSERT INTO sor_acc " + sql("batch_cube").replace("{rows}", sql("batch_rows"))
        self.generated = False

    def read(self) -> Counts:
        """Read every CSV part: ``INFLATERS`` threads inflate up to ``AHEAD`` parts ahead of the
        part DuckDB is parsing; parts are parsed ``BATCH`` at a time."""
        od = open_dump(self.dump)
        self.generated = od.generated
        self.counts.inner_zips = len(od.inner)
        parts = iter([p for inner in od.inner for p in od.parts(inner)])
        od.close()
        scratch = Path(tempfile.mkdtemp(prefix="sor-parts-", dir=self.scratch_root))
        try:
            with ThreadPoolExecutor(max_workers=INFLATERS) as pool:
                ahead: deque[Future[_Inflated]] = deque()

                def more() -> None:
                    part = next(parts, None)
                    if part is not None:
                        ahead.append(pool.submit(_inflate_part, self.dump, part, scratch))

                for _ in range(AHEAD):
                    more()
                batch: list[_Inflated] = []
                while ahead:
                    batch.append(ahead.popleft().result())
                    more()
                    if len(batch) >= BATCH or not ahead:
                        self._read_batch(batch, scratch)
                        batch = []
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return self.counts

    def _layout(self, header: tuple[str, ...], where: str) -> None:
        version, variant = header_layout(header, where)
        if variant != self.dump.variant:
            raise InputError(where, f"a {variant} CSV part in a {self.dump.variant} dump", line=1)
        if self.schema_version and version != self.schema_version:
            raise InputError(where, "CSV parts of one dump have different schema versions", line=1,
                             got=version, expected=self.schema_version)
        self.schema_version = version

    def _read_batch(self, batch: list[_Inflated], scratch: Path) -> None:
        c = self.counts
        c.parts += len(batch)
        c.header_only_parts += sum(1 for b in batch if b.path is None)
        by_header: dict[tuple[str, ...], list[tuple[str, Path]]] = {}
        for b in batch:
            self._layout(b.header, f"{self.dump.name}/{b.inner}/{b.name}")
            if b.path is not None:
                by_header.setdefault(b.header, []).append((b.name, b.path))
        for header, files in by_header.items():
            columns = {col: "VARCHAR" for col in header}
            self._run([str(p) for _, p in files], columns, '"')
            accepted = self._accepted()
            rejected = self._rejects()
            c.rows_read += accepted + len(rejected)
            if rejected:
                self._reread(header, columns, rejected, {str(p): n for n, p in files}, scratch)
            for _, path in files:
                path.unlink()

    def _run(self, files: list[str], columns: dict[str, str], escape: str) -> None:
        self._do("DROP TABLE IF EXISTS sor_rejects")
        self._do("DROP TABLE IF EXISTS sor_rejects_scan")
        self._do("CREATE OR REPLACE TEMP TABLE sor_before AS SELECT coalesce(sum(rows), 0) AS n FROM sor_acc")
        self._do(self._insert, {"files": files, "columns": columns, "escape": escape, **self.params})

    def _do(self, query: str, params: dict[str, object] | None = None) -> list[tuple]:
        result = self.con.execute(query, params or {})
        return result.fetchall() if result is not None else []

    def _accepted(self) -> int:
        row = self.con.execute("SELECT (SELECT coalesce(sum(rows), 0) FROM sor_acc) - (SELECT n FROM sor_before)").fetchall()[0]
        return int(row[0]) if row else 0

    def _rejects(self) -> list[tuple[str, int, int, str, str]]:
        """Rejected lines of the last read: (file, line, byte offset of the line, error type, message)."""
        try:
            return self.con.execute(
                "SELECT s.file_path, r.line, min(r.line_byte_position), string_agg(DISTINCT r.error_type, ', ' ORDER BY r.error_type),"
                " min(r.error_message) FROM sor_rejects r JOIN sor_rejects_scan s USING (scan_id, file_id)"
                " GROUP BY ALL ORDER BY 1, 2").fetchall()
        except duckdb.CatalogException:
            return []

    def _reread(self, header: tuple[str, ...], columns: dict[str, str], rejected: list[tuple[str, int, int, str, str]],
                names: dict[str, str], scratch: Path) -> None:
        """Re-read rejected rows: invalid UTF-8 as latin-1, then the PHP backslash escape; list what is left.

        Each rejected row is re-read from its raw bytes in a file of its own (so an open quote in one
        can never swallow another), all files of an attempt in one query; a row counts as recovered
        only when the re-read inserted exactly one row for it."""
        head = (",".join(header) + "\n").encode("utf-8")
        todo = [(names[path], line, path, offset, kind, message) for path, line, offset, kind, message in rejected]
        # (counted as, latin-1 decode, repair the PHP backslash escape)
        attempts = (("encoding", True, False), ("encoding", True, True), ("backslash", False, True))
        for n, (kind, latin, repair) in enumerate(attempts):
            picked = [t for t in todo if ("ENCODING" in t[4]) == latin]
            if not picked:
                continue
            files = []
            for i, t in enumerate(picked):
                retry = scratch / f"retry-{n}-{i:06d}.csv"
                retry.write_bytes(head + _raw_row(Path(t[2]), t[3], latin, repair) + b"\n")
                files.append(str(retry))
            self._run(files, columns, '"')
            inserted = self._accepted()
            again = {path for path, *_ in self._rejects()}
            failed = [t for t, f in zip(picked, files) if f in again]
            if inserted != len(picked) - len(failed):
                raise InputError(f"{self.dump.name}/{picked[0][0]}", "re-reading the rejected rows gave another number of "
                                 "rows than rows re-read", line=picked[0][1], got=inserted,
                                 expected=f"{len(picked) - len(failed)} rows")
            if kind == "encoding":
                self.counts.recovered_encoding += inserted
            else:
                self.counts.recovered_backslash += inserted
            done = {(t[0], t[1]) for t in picked} - {(t[0], t[1]) for t in failed}
            todo = [t for t in todo if (t[0], t[1]) not in done]
            for f in files:
                Path(f).unlink()
        for name, line, _, _, kind, message in todo:
            self.counts.unreadable.append((name, line, f"{kind}: {message}"))

    def write(self, out: Path) -> None:
        """Write the day's cube, strays and edge uuids as Parquet into ``out`` (ordered by their full key)."""
        p = {"day": self.dump.day}
        undated = self.con.execute("SELECT coalesce(sum(rows), 0) FROM sor_acc WHERE day IS NULL").fetchall()[0]
        self.counts.rows_undated = int(undated[0]) if undated else 0
        for name in ("day_cube", "day_strays", "day_edge"):
            params = p if name == "day_edge" else {**p, "schema_version": self.schema_version or None}
            target = out / f"{name.removeprefix('day_')}.parquet"
            self.con.sql(sql(name), params=params).write_parquet(str(target), compression="zstd")

    def close(self) -> None:
        self.con.close()


def _latin1_fallback(err: UnicodeError) -> tuple[str, int]:
    assert isinstance(err, UnicodeDecodeError)
    return err.object[err.start:err.end].decode("latin-1"), err.end


_LATIN1 = "pew-latin1-fallback"
codecs.register_error(_LATIN1, _latin1_fallback)


def _repaired(raw: bytes, latin: bool, repair: bool) -> bytes:
    """A rejected line made readable: bytes that are not UTF-8 read as latin-1 (valid UTF-8 kept),
    and/or PHP's unescaped ``\\"`` (``fputcsv`` did not double the quote) as the ``\\""`` it should
    have been, which reads back as ``\\"``."""
    if latin:
        raw = raw.decode("utf-8", errors=_LATIN1).encode("utf-8")
    if repair:
        raw = raw.replace(b'\\"', b'\\""')
    return raw


def _raw_row(path: Path, offset: int, latin: bool, repair: bool, max_lines: int = 1000) -> bytes:
    """The raw bytes of the row that starts at ``offset``, made readable as ``_repaired`` says: its
    line, and the next ones while a quoted field is still open (a text with a line break)."""
    with path.open("rb") as f:
        f.seek(offset)
        row = _repaired(f.readline().rstrip(b"\n"), latin, repair)
        for _ in range(max_lines):
            if row.count(b'"') % 2 == 0:
                break
            more = f.readline()
            if not more:
                break
            row += b"\n" + _repaired(more.rstrip(b"\n"), latin, repair)
    return row


def unreadable_csv(rows: list[tuple[str, int, str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["part", "line", "error"])
    w.writerows(sorted(rows))
    return buf.getvalue()
