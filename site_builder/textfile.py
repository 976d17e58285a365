"""Reading a text file a person or a publisher wrote: refuse it when it is empty or not
UTF-8 (naming the line and the byte offset of the first byte that is not), and say which
columns of a header are missing, unknown or out of order."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from site_builder.errors import InputError

BOM = b"\xef\xbb\xbf"


def read_text(path: Path, display_path: str | Path | None = None) -> str:
    """The text of ``path`` (UTF-8; a leading byte-order mark is dropped). Raises
    InputError when the file is empty (nothing but white space) or not UTF-8."""
    name = str(display_path or path)
    data = path.read_bytes()
    if not data.removeprefix(BOM).strip():
        raise InputError(name, "the file is empty" if not data else "the file is empty (white space only)",
                         expected="a header line and data lines")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(name, f"not UTF-8 text: byte 0x{data[exc.start]:02x} at byte offset {exc.start} of the "
                         f"file (byte {exc.start - line_start + 1} of the line) is not valid UTF-8", line=line,
                         expected="UTF-8 text (save the file as UTF-8)") from None
    return text.removeprefix("\ufeff")


def csv_lines(text: str) -> io.StringIO:
    """``text`` as a file object for the csv module (line endings kept as written)."""
    return io.StringIO(text, newline="")


def first_record(text: str) -> list[str]:
    """The first CSV record of ``text`` (the header)."""
    return next(csv.reader(csv_lines(text)), [])


def header_problem(found: Sequence[str], expected: Sequence[str], optional: Sequence[str] = (),
                   ordered: bool = True) -> str | None:
    """What is wrong with a header, in words (None if nothing): the columns missing, the
    columns no one expects (``optional`` ones may be present), or, when ``ordered``, that the
    right columns come in another order."""
    missing = [c for c in expected if c not in found]
    unknown = [c for c in found if c not in expected and c not in optional]
    repeated = sorted({c for c in found if list(found).count(c) > 1})
    parts = []
    if missing:
        parts.append(f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    if unknown:
        parts.append(f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown) or '(empty name)'}")
    if repeated:
        parts.append(f"column{'s' if len(repeated) > 1 else ''} {', '.join(repeated)} given twice")
    if parts:
        return "; ".join(parts)
    wanted = [c for c in found if c in expected]
    if ordered and wanted != list(expected):
        return "the columns are in another order"
    return None


def read_table(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    """The rows of a CSV file this project writes (a catalog or log under ``data/``), as text;
    an absent file has no rows. Raises InputError when its header is not ``columns``."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != list(columns):
            raise InputError(path, "unexpected header", line=1, got=reader.fieldnames, expected=",".join(columns))
        return list(reader)
